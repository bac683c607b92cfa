//! What changes between releases beyond the error shape.

use crate::helpers::{documented_error, spawn_app};

const RONI: &str = "roni_cost@example.com";

/// magento/magento2#30179: 2.4.0 and 2.4.1 hide rows 7 to 13 behind one message; 2.4.2 does not.
#[tokio::test]
async fn releases_2_4_0_and_2_4_1_report_every_core_reset_failure_as_cannot_set() {
    for (version, hidden) in [("2.4.0", true), ("2.4.1", true), ("2.4.2", false)] {
        let app = spawn_app(version).await;
        let mismatched = app.reset_password(RONI, "abcdefghijklmnopqrstuvwxyzABCDEF", "N3w-Passw0rd!").await;
        let expected = if hidden {
            "Cannot set the customer's password"
        } else {
            "The password token is mismatched. Reset and try again."
        };
        assert_eq!(mismatched.body, documented_error(version, expected, "resetPassword", "graphql-input"), "{version}");

        app.request_reset(RONI).await;
        let token = app.live_token(RONI).await.unwrap();
        let weak = app.reset_password(RONI, &token, "new_password").await;
        let expected = if hidden {
            "Cannot set the customer's password"
        } else {
            "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters."
        };
        assert_eq!(weak.json()["errors"][0]["message"], expected, "{version}");
        // The lock check happens in the resolver, before the core, so it still shows.
        let locked = app.reset_password("locked@example.com", &token, "N3w-Passw0rd!").await;
        assert_eq!(locked.json()["errors"][0]["message"], "The account is locked", "{version}");
    }
}

#[tokio::test]
async fn the_2_4_7_shape_applies_from_2_4_7() {
    let app = spawn_app("2.4.7").await;
    let answer = app.request_reset("nobody@example.com").await;
    assert_eq!(
        answer.body,
        documented_error("2.4.7", "Cannot reset the customer's password", "requestPasswordResetEmail", "graphql-input")
    );
}

//! webonyx's rules beyond the documented cases, with its messages: async-graphql's own
//! validation is reduced to what these do not cover, so each must hold here.

use crate::helpers::spawn_app;

#[tokio::test]
async fn documents_breaking_webonyx_rules_get_its_messages() {
    let app = spawn_app("2.4.8").await;
    let cases = [
        (
            "mutation { requestPasswordResetEmail(email: \"a@example.com\", email: \"b@example.com\") }",
            "There can be only one argument named \"email\".",
        ),
        (
            "mutation($e: String!, $e: String!) { requestPasswordResetEmail(email: $e) }",
            "There can be only one variable named \"e\".",
        ),
        ("{ storeConfig @cached { store_name } }", "Unknown directive \"@cached\"."),
        (
            "{ storeConfig @include { store_name } }",
            "Directive \"@include\" argument \"if\" of type \"Boolean!\" is required but not provided.",
        ),
        (
            "{ storeConfig @skip(if: true) @skip(if: false) { store_name } }",
            "The directive \"skip\" can only be used once at this location.",
        ),
        (
            "{ storeConfig @include(if: \"yes\") { store_name } }",
            "Boolean cannot represent a non boolean value: \"yes\"",
        ),
        (
            "query @include(if: true) { storeConfig { store_name } }",
            "Directive \"include\" may not be used on \"QUERY\".",
        ),
        ("{ storeConfig { store_name } } fragment F on StoreConfig { store_name }", "Fragment \"F\" is never used."),
        (
            "{ storeConfig { ...F } } fragment F on Customer { email }",
            "Fragment \"F\" cannot be spread here as objects of type \"StoreConfig\" can never be of type \"Customer\".",
        ),
        ("{ storeConfig { ... on String { x } } }", "Fragment cannot condition on non composite type \"String\"."),
        (
            "mutation { a: requestPasswordResetEmail(email: \"a@example.com\") a: resetPassword(email: \"a@example.com\", resetPasswordToken: \"t\", newPassword: \"p\") }",
            "Fields \"a\" conflict because requestPasswordResetEmail and resetPassword are different fields. Use different aliases on the fields to fetch both if this was intentional.",
        ),
        (
            "mutation { a: requestPasswordResetEmail(email: \"a@example.com\") a: requestPasswordResetEmail(email: \"b@example.com\") }",
            "Fields \"a\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.",
        ),
    ];
    for (document, message) in cases {
        let answer = app.graphql(document).await.json();
        let messages: Vec<&str> =
            answer["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
        assert!(messages.contains(&message), "{document}\nexpected {message:?}\ngot {messages:?}");
        assert!(answer.get("data").is_none(), "{document}: nothing runs");
    }
    // The same field twice with the same arguments is fine, and runs once per key.
    let same = app.graphql("{ storeConfig { store_name store_name } s: storeConfig { store_name } }").await.json();
    assert!(same.get("errors").is_none(), "{same}");
}

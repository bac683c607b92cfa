//! Every documented case of `magento-behaviour.md` sections 2, 3 and 8, over HTTP, for both
//! error-shape families. Each answer is compared with bytes built from the documentation, and
//! kept as a golden file under the top-level `snapshots/<release>/`.

use reqwest::StatusCode;
use serde_json::json;

use mock_server::magento::{ErrorShape, MagentoVersion, StatusFamily};

use crate::helpers::{Answer, TestApp, documented_error, request_reset_document, reset_password_document, spawn_app};

const RELEASES: [&str; 2] = ["2.4.6", "2.4.8"];

/// Asserts the exact bytes and status, then records the golden file.
fn golden(version: &str, name: &str, answer: &Answer, status: StatusCode, body: &str) {
    assert_eq!(answer.body, body, "{version} {name}");
    assert_eq!(answer.status, status, "{version} {name}");
    assert_eq!(answer.content_type, "application/json", "{version} {name}");
    insta::with_settings!({
        snapshot_path => format!("../../../snapshots/{version}"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, answer.golden());
    });
}

fn input_error(version: &str, name: &str, answer: &Answer, field: &str, message: &str) {
    golden(version, name, answer, StatusCode::OK, &documented_error(version, message, field, "graphql-input"));
}

#[tokio::test]
async fn request_password_reset_email_answers_each_row_of_section_2() {
    for version in RELEASES {
        let server = spawn_app(version).await;
        let field = "requestPasswordResetEmail";
        let cases = [
            ("request-empty-email", "", "You must specify an email address."),
            ("request-zero-email", "0", "You must specify an email address."),
            ("request-invalid-email", "roni_cost@", "The email address has an invalid format."),
            ("request-unknown-email", "nobody@example.com", "Cannot reset the customer's password"),
            ("request-locked-account", "locked@example.com", "The account is locked"),
        ];
        for (name, email, message) in cases {
            let app = server.in_namespace(name);
            input_error(version, name, &app.request_reset(email).await, field, message);
        }

        let app = server.in_namespace("request-success");
        let success = app.request_reset("roni_cost@example.com").await;
        golden(version, "request-success", &success, StatusCode::OK, r#"{"data":{"requestPasswordResetEmail":true}}"#);
        // GraphQL is never throttled by Magento itself: a second request succeeds too.
        let again = app.request_reset("roni_cost@example.com").await;
        assert_eq!(again.body, r#"{"data":{"requestPasswordResetEmail":true}}"#, "{version}");
        // A throttled answer, as a store whose extension throttles GraphQL gives it.
        let throttled = TestApp::send(
            app.post("/graphql")
                .header("X-Mock-Scenario", "throttled")
                .json(&json!({ "query": request_reset_document("roni_cost@example.com") })),
        )
        .await;
        input_error(version, "request-throttled", &throttled, field, "Cannot reset the customer's password");

        let app = server.in_namespace("request-mail-failure");
        let failed = TestApp::send(
            app.post("/graphql")
                .header("X-Mock-Scenario", "mail-failure")
                .json(&json!({ "query": request_reset_document("roni_cost@example.com") })),
        )
        .await;
        golden(
            version,
            "request-mail-failure",
            &failed,
            StatusCode::OK,
            r#"{"data":{"requestPasswordResetEmail":false}}"#,
        );
        assert_eq!(app.messages().await["total"], 0, "no mail is captured when the transport fails");
    }
}

#[tokio::test]
async fn reset_password_answers_each_row_of_section_3() {
    for version in RELEASES {
        let server = spawn_app(version).await;
        let field = "resetPassword";
        let roni = "roni_cost@example.com";
        let valid_token = "abcdefghijklmnopqrstuvwxyzABCDEF";
        let cases = [
            ("reset-empty-email", "", valid_token, "new_password123", "You must specify an email address."),
            ("reset-zero-email", "0", valid_token, "new_password123", "You must specify an email address."),
            (
                "reset-invalid-email",
                "roni cost@example.com",
                valid_token,
                "new_password123",
                "The email address has an invalid format.",
            ),
            ("reset-empty-token", roni, "", "new_password123", "resetPasswordToken must be specified"),
            ("reset-zero-token", roni, "0", "new_password123", "resetPasswordToken must be specified"),
            ("reset-empty-password", roni, valid_token, "", "newPassword must be specified"),
            (
                "reset-unknown-customer",
                "nobody@example.com",
                valid_token,
                "new_password123",
                "Cannot set the customer's password",
            ),
            ("reset-locked-account", "locked@example.com", valid_token, "new_password123", "The account is locked"),
            (
                "reset-token-mismatched",
                roni,
                valid_token,
                "new_password123",
                "The password token is mismatched. Reset and try again.",
            ),
        ];
        for (name, email, token, password, message) in cases {
            let app = server.in_namespace(name);
            input_error(version, name, &app.reset_password(email, token, password).await, field, message);
        }

        // Rows 9 to 13 need the live token, so each starts with a reset request.
        let policy_cases = [
            (
                "reset-password-same-as-email",
                "ROni_cost@example.com".to_owned(),
                "The password can't be the same as the email address. Create a new password and try again.",
            ),
            (
                "reset-password-too-long",
                format!("Aa1{}", "x".repeat(254)),
                "Please enter a password with at most 256 characters.",
            ),
            (
                "reset-password-too-short",
                "new_".to_owned(),
                "The password needs at least 8 characters. Create a new password and try again.",
            ),
            (
                "reset-password-edge-whitespace",
                " new_Password123".to_owned(),
                "The password can't begin or end with a space. Verify the password and try again.",
            ),
            (
                "reset-password-too-few-classes",
                "new_password".to_owned(),
                "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
            ),
        ];
        for (name, password, message) in policy_cases {
            let app = server.in_namespace(name);
            app.request_reset(roni).await;
            let token = app.live_token(roni).await.expect("a live token");
            input_error(version, name, &app.reset_password(roni, &token, &password).await, field, message);
        }

        let app = server.in_namespace("reset-token-expired");
        app.request_reset(roni).await;
        let token = app.live_token(roni).await.expect("a live token");
        app.advance_clock(2 * 3600).await;
        let expired = app.reset_password(roni, &token, "new_password123").await;
        input_error(
            version,
            "reset-token-expired",
            &expired,
            field,
            "The password token is expired. Reset and try again.",
        );

        let app = server.in_namespace("reset-success");
        app.request_reset(roni).await;
        let token = app.live_token(roni).await.expect("a live token");
        let success = app.reset_password(roni, &token, "new_password123").await;
        golden(version, "reset-success", &success, StatusCode::OK, r#"{"data":{"resetPassword":true}}"#);
        let reused = app.reset_password(roni, &token, "new_password456").await;
        input_error(
            version,
            "reset-token-used",
            &reused,
            field,
            "The password token is mismatched. Reset and try again.",
        );
    }
}

#[tokio::test]
async fn response_shapes_of_section_8_1_and_8_2() {
    for version in RELEASES {
        let app = spawn_app(version).await;
        let new_shape = version.parse::<MagentoVersion>().unwrap().shape() == ErrorShape::Webonyx15;

        let aliased = app
            .graphql("mutation {\n  r: resetPassword(email: \"nobody@example.com\", resetPasswordToken: \"t\", newPassword: \"p\")\n}")
            .await;
        let message = r#""message":"Cannot set the customer's password""#;
        let (locations, path, extensions) = (
            r#""locations":[{"line":2,"column":3}]"#,
            r#""path":["r"]"#,
            r#""extensions":{"category":"graphql-input"}"#,
        );
        let error = if new_shape {
            format!("{{{message},{locations},{path},{extensions}}}")
        } else {
            format!("{{{message},{extensions},{locations},{path}}}")
        };
        golden(
            version,
            "alias-in-path",
            &aliased,
            StatusCode::OK,
            &format!(r#"{{"errors":[{error}],"data":{{"r":null}}}}"#),
        );

        let several = app
            .graphql("mutation {\n  a: requestPasswordResetEmail(email: \"\")\n  b: requestPasswordResetEmail(email: \"jane.doe@example.com\")\n}")
            .await;
        let body = several.json();
        assert_eq!(body["data"], json!({ "a": null, "b": true }), "fields run in order, each with its own entry");
        assert_eq!(body["errors"][0]["path"], json!(["a"]));
        assert_eq!(body["errors"][0]["locations"], json!([{ "line": 2, "column": 3 }]));
        golden(version, "several-fields", &several, StatusCode::OK, &several.body);

        let internal = TestApp::send(
            app.post("/graphql")
                .header("X-Mock-Scenario", "internal-error")
                .json(&json!({ "query": request_reset_document("roni_cost@example.com") })),
        )
        .await;
        let expected = if new_shape {
            r#"{"errors":[{"message":"Internal server error","locations":[{"line":2,"column":3}],"path":["requestPasswordResetEmail"]}],"data":{"requestPasswordResetEmail":null}}"#
        } else {
            r#"{"errors":[{"message":"Internal server error","extensions":{"category":"internal"},"locations":[{"line":2,"column":3}],"path":["requestPasswordResetEmail"]}],"data":{"requestPasswordResetEmail":null}}"#
        };
        golden(version, "internal-error", &internal, StatusCode::OK, expected);
    }
}

/// Section 8.3: errors before execution have no `data` and no `path`.
#[tokio::test]
async fn validation_errors_of_section_8_3() {
    for version in RELEASES {
        let app = spawn_app(version).await;
        let new_shape = version.parse::<MagentoVersion>().unwrap().shape() == ErrorShape::Webonyx15;
        let pick = |new: &'static str, old: &'static str| if new_shape { new } else { old };
        let var_doc = "mutation reset($e: String!) {\n  requestPasswordResetEmail(email: $e)\n}";
        let cases: Vec<(&str, Answer, String, (usize, usize))> = vec![
            (
                "validation-argument-missing",
                app.graphql("mutation {\n  requestPasswordResetEmail\n}").await,
                r#"Field "requestPasswordResetEmail" argument "email" of type "String!" is required but not provided."#
                    .into(),
                (2, 3),
            ),
            (
                "validation-email-null",
                app.graphql("mutation {\n  requestPasswordResetEmail(email: null)\n}").await,
                pick(
                    r#"Expected value of type "String!", found null."#,
                    r#"Field "requestPasswordResetEmail" argument "email" requires type String!, found null."#,
                )
                .into(),
                (2, 36),
            ),
            (
                "validation-unknown-argument",
                app.graphql("mutation {\n  requestPasswordResetEmail(email: \"a@example.com\", foo: 1)\n}").await,
                r#"Unknown argument "foo" on field "requestPasswordResetEmail" of type "Mutation"."#.into(),
                (2, 53),
            ),
            (
                "validation-sub-selection-on-boolean",
                app.graphql("mutation {\n  requestPasswordResetEmail(email: \"a@example.com\") { ok }\n}").await,
                r#"Field "requestPasswordResetEmail" of type "Boolean" must not have a sub selection."#.into(),
                (2, 53),
            ),
            (
                "validation-variable-not-provided",
                app.graphql_with(var_doc, json!({})).await,
                r#"Variable "$e" of required type "String!" was not provided."#.into(),
                (1, 16),
            ),
            (
                "validation-variable-null",
                app.graphql_with(var_doc, json!({ "e": null })).await,
                r#"Variable "$e" of non-null type "String!" must not be null."#.into(),
                (1, 16),
            ),
        ];
        // From 2.4.4 Magento's String type casts numbers: the resolver rejects the address instead.
        let field = "requestPasswordResetEmail";
        let invalid = "The email address has an invalid format.";
        let number_literal = app.graphql("mutation {\n  requestPasswordResetEmail(email: 123)\n}").await;
        golden(
            version,
            "validation-email-number",
            &number_literal,
            StatusCode::OK,
            &documented_error(version, invalid, field, "graphql-input"),
        );
        let number_variable = app.graphql_with(var_doc, json!({ "e": 5 })).await;
        golden(
            version,
            "validation-variable-wrong-type",
            &number_variable,
            StatusCode::OK,
            &documented_error(version, invalid, field, "graphql-input"),
        );
        for (name, answer, message, (line, column)) in cases {
            let message = serde_json::to_string(&message).unwrap();
            let locations = format!(r#""locations":[{{"line":{line},"column":{column}}}]"#);
            let error = if new_shape {
                format!("{{\"message\":{message},{locations}}}")
            } else {
                format!("{{\"message\":{message},\"extensions\":{{\"category\":\"graphql\"}},{locations}}}")
            };
            golden(version, name, &answer, StatusCode::OK, &format!(r#"{{"errors":[{error}]}}"#));
        }
    }
}

/// Section 8.4: the controller's own refusals and statuses.
#[tokio::test]
async fn request_level_errors_of_section_8_4() {
    for version in RELEASES {
        let app = spawn_app(version).await;
        let new_shape = version.parse::<MagentoVersion>().unwrap().shape() == ErrorShape::Webonyx15;
        let mapped = version.parse::<MagentoVersion>().unwrap().statuses() == StatusFamily::Mapped;
        // docs/release-families.md, section 2.4: 500 up to 2.4.7, 400 in 2.4.8.
        let refused = if mapped { StatusCode::BAD_REQUEST } else { StatusCode::INTERNAL_SERVER_ERROR };
        let input = |message: &str| {
            format!(r#"{{"errors":[{{"message":"{message}","extensions":{{"category":"graphql-input"}}}}]}}"#)
        };

        let get_mutation = TestApp::send(
            app.get("/graphql").query(&[("query", "mutation { requestPasswordResetEmail(email: \"a@example.com\") }")]),
        )
        .await;
        golden(
            version,
            "http-get-mutation",
            &get_mutation,
            refused,
            &input("Mutation requests allowed only for POST requests"),
        );

        let get_query = TestApp::send(app.get("/graphql").query(&[("query", "{ storeConfig { store_name } }")])).await;
        golden(
            version,
            "http-get-query",
            &get_query,
            StatusCode::OK,
            r#"{"data":{"storeConfig":{"store_name":"Default Store View"}}}"#,
        );

        let syntax = app.graphql("mutation {\n  requestPasswordResetEmail(email: \"a@example.com\")\n").await;
        let syntax_body = if new_shape {
            r#"{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>","locations":[{"line":3,"column":1}]}]}"#
        } else {
            r#"{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>","extensions":{"category":"graphql"},"locations":[{"line":3,"column":1}]}]}"#
        };
        golden(version, "http-syntax-error", &syntax, refused, syntax_body);

        let invalid_json = TestApp::send(
            app.post("/graphql").header("Content-Type", "application/json").body("{\"query\": \"mutation {"),
        )
        .await;
        if mapped {
            golden(version, "http-invalid-json", &invalid_json, refused, &input("Unable to parse the request."));
        } else {
            // 2.4.4 to 2.4.7: json_decode's exception escapes the controller: the HTML error page.
            assert_eq!(invalid_json.status, StatusCode::INTERNAL_SERVER_ERROR, "{version}");
            assert_eq!(invalid_json.content_type, "text/html; charset=UTF-8", "{version}");
            assert!(invalid_json.body.contains("<h1>There has been an error processing your request</h1>"));
        }

        let wrong_type = TestApp::send(
            app.post("/graphql")
                .header("Content-Type", "text/plain")
                .body(json!({ "query": "{ storeConfig { store_name } }" }).to_string()),
        )
        .await;
        golden(
            version,
            "http-wrong-content-type",
            &wrong_type,
            refused,
            &input("Request content type must be application\\/json"),
        );

        let too_large = TestApp::send(
            app.post("/graphql").header("Content-Type", "application/json").body(
                json!({ "query": "{ storeConfig { store_name } }", "variables": { "pad": "x".repeat(2 << 20) } })
                    .to_string(),
            ),
        )
        .await;
        // Magento has no size limit of its own, and 2 MiB is under PHP's post_max_size: answered.
        let answered = r#"{"data":{"storeConfig":{"store_name":"Default Store View"}}}"#;
        golden(version, "http-body-too-large", &too_large, StatusCode::OK, answered);
        // Over post_max_size (8M) PHP passes an empty body on.
        let over_limit = TestApp::send(app.post("/graphql").header("Content-Type", "application/json").body(format!(
            r#"{{"query":"{{ storeConfig {{ store_name }} }}","variables":{{"pad":"{}"}}}}"#,
            "x".repeat(9 << 20)
        )))
        .await;
        let empty_body_status = if mapped { StatusCode::BAD_REQUEST } else { StatusCode::INTERNAL_SERVER_ERROR };
        assert_eq!(over_limit.status, empty_body_status, "{version}: {}", over_limit.body);

        let two_operations =
            app.graphql("query a { storeConfig { store_name } }\nquery b { storeConfig { store_name } }").await;
        let message = "Must provide operation name if query contains multiple operations.";
        let body = if new_shape {
            format!(r#"{{"errors":[{{"message":"{message}"}}]}}"#)
        } else {
            format!(r#"{{"errors":[{{"message":"{message}","extensions":{{"category":"graphql"}}}}]}}"#)
        };
        golden(version, "http-several-operations", &two_operations, StatusCode::OK, &body);

        let options =
            TestApp::send(app.client.request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))).await;
        if mapped {
            assert_eq!((options.status, options.body.as_str()), (StatusCode::NO_CONTENT, ""));
        } else {
            // Up to 2.4.7 an OPTIONS request runs as an empty query; 2.4.3 to 2.4.6 answer it 200.
            let eof =
                r#"{"errors":[{"message":"Syntax Error: Unexpected <EOF>","locations":[{"line":1,"column":1}]}]}"#;
            assert_eq!((options.status, options.body.as_str()), (StatusCode::OK, eof), "{version}");
        }
    }
}

/// The controller ignores `operationName`: a single operation runs whatever name is sent.
#[tokio::test]
async fn operation_name_is_ignored_for_a_single_operation() {
    let app = spawn_app("2.4.8").await;
    let answer = TestApp::send(app.post("/graphql").json(&json!({
        "query": reset_password_document("nobody@example.com", "t", "p"),
        "operationName": "SomethingElse",
    })))
    .await;
    assert_eq!(answer.json()["errors"][0]["message"], "Cannot set the customer's password");
}

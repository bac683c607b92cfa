//! The library API (`MockServer`, `MockClient`) as a Rust test uses it: a whole reset journey,
//! then each helper against the server it drives.

use std::time::Duration;

use mock_server::{MockServer, MockServerError, NewCustomer, RequestFilter, ScenarioRule};
use serde_json::json;

const RONI: &str = "roni_cost@example.com";

/// The README's Rust example is this test, from `let server` to the last assertion.
#[tokio::test]
async fn a_reset_journey_through_the_library_api() -> Result<(), MockServerError> {
    let server = MockServer::start().await?;
    let mock = server.namespace("journey"); // this test's own accounts, inbox and journal

    let requested = mock
        .graphql("mutation($email: String!) { requestPasswordResetEmail(email: $email) }")
        .variables(json!({ "email": "roni_cost@example.com" }))
        .send()
        .await?;
    assert_eq!(requested.json(), Some(&json!({ "data": { "requestPasswordResetEmail": true } })));

    let email = mock.wait_for_reset_link("roni_cost@example.com").await?;
    assert!(email.link.starts_with("http://localhost:3000/customer/account/createPassword/?"));
    assert_eq!((email.subject.as_str(), email.customer_id), ("Reset your Main Website Store password", Some(1)));

    let reset = mock
        .graphql("mutation($e: String!, $t: String!, $p: String!) { resetPassword(email: $e, resetPasswordToken: $t, newPassword: $p) }")
        .variables(json!({ "e": "roni_cost@example.com", "t": email.token, "p": "N3w-Passw0rd!" }))
        .send()
        .await?;
    assert_eq!(reset.data(), &json!({ "resetPassword": true }));

    let sign_in = "mutation($e: String!, $p: String!) { generateCustomerToken(email: $e, password: $p) { token } }";
    let signed_in =
        mock.graphql(sign_in).variables(json!({ "e": "roni_cost@example.com", "p": "N3w-Passw0rd!" })).send().await?;
    assert!(signed_in.data()["generateCustomerToken"]["token"].is_string(), "{}", signed_in.text());
    let old = mock
        .graphql(sign_in)
        .variables(json!({ "e": "roni_cost@example.com", "p": "roni_cost3@example.com" }))
        .send()
        .await?;
    assert_eq!(old.data()["generateCustomerToken"], serde_json::Value::Null);
    Ok(())
}

/// The README shows the test above as it is.
#[test]
fn the_readme_shows_the_journey_test_as_it_is() {
    let source = include_str!("library.rs");
    let start = source.find("#[tokio::test]\nasync fn a_reset_journey").expect("the journey test");
    let end = start + source[start..].find("\n}\n").expect("its end") + 3;
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(&source[start..end]),
        "README's \"From Rust\" example differs from the test; copy it again"
    );
}

#[tokio::test]
async fn the_reset_email_carries_its_token_recipient_and_request() {
    let server = MockServer::start().await.unwrap();
    server.graphql(&format!("mutation {{ requestPasswordResetEmail(email: \"{RONI}\") }}")).send().await.unwrap();
    let email = server.wait_for_reset_link(RONI).await.unwrap();
    assert!(email.link.ends_with(&format!("token={}", email.token)), "{}", email.link);
    assert_eq!(email.token.len(), 32);
    assert_eq!(email.to, [RONI]);
    assert_eq!(server.reset_token(RONI).await.unwrap().map(|t| t.token), Some(email.token.clone()));
    let request = email.request.expect("the request that sent it");
    assert_eq!(
        (request.operation.as_str(), request.message_id.as_deref()),
        ("requestPasswordResetEmail", Some(email.inbox_id.as_str()))
    );
    let inbox = server.messages().await.unwrap();
    assert_eq!(inbox["messages"][0]["ID"], email.inbox_id.as_str());
}

#[tokio::test]
async fn no_reset_email_is_an_error_saying_what_the_requests_were_answered() {
    let server = MockServer::start().await.unwrap();
    let none = server.wait_for_reset_link_within(RONI, Duration::from_millis(100)).await.unwrap_err();
    assert!(none.to_string().contains("no reset request for it was made"), "{none}");

    let query = format!("mutation {{ requestPasswordResetEmail(email: \"{RONI}\") }}");
    let failed = server.graphql(&query).scenario("mail-failure").send().await.unwrap();
    assert_eq!(failed.data(), &json!({ "requestPasswordResetEmail": false }));
    let error = server.wait_for_reset_link_within(RONI, Duration::from_millis(300)).await.unwrap_err();
    assert!(
        matches!(&error, MockServerError::NoResetEmail { answers, .. } if answers == &["false (scripted: mail-failure)"]),
        "{error}"
    );
}

#[tokio::test]
async fn a_reset_email_sent_while_waiting_is_found() {
    let server = MockServer::start().await.unwrap();
    let mock = server.namespace("late");
    let waiting = {
        let mock = mock.clone();
        tokio::spawn(async move { mock.wait_for_reset_link_within(RONI, Duration::from_secs(10)).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    mock.graphql(&format!("mutation {{ requestPasswordResetEmail(email: \"{RONI}\") }}")).send().await.unwrap();
    let email = waiting.await.unwrap().unwrap();
    assert_eq!(email.to, [RONI]);
}

#[tokio::test]
async fn customers_and_locks() {
    let server = MockServer::start().await.unwrap();
    let mock = server.namespace("customers");
    let ada =
        mock.add_customer(NewCustomer::new("ada@example.com", "Lovelace1815!").name("Ada", "Lovelace")).await.unwrap();
    assert_eq!((ada.email.as_str(), ada.firstname.as_str(), ada.locked), ("ada@example.com", "Ada", false));
    assert_eq!(mock.customer("ADA@example.com").await.unwrap(), Some(ada.clone()));
    assert_eq!(server.customer("ada@example.com").await.unwrap(), None, "another namespace");

    let taken = mock.add_customer(NewCustomer::new("ada@example.com", "Lovelace1815!")).await.unwrap_err();
    assert!(matches!(taken, MockServerError::Refused { status: 409, .. }), "{taken}");

    assert!(mock.lock("ada@example.com").await.unwrap().locked);
    let for_ten = mock.lock_for("ada@example.com", 10).await.unwrap();
    let clock = mock.clock().get().await.unwrap();
    let left = (for_ten.lock_expires.expect("an end") - clock.now).whole_seconds();
    assert!((595..=600).contains(&left), "{left} s left of a ten-minute lock");
    mock.clock().advance(Duration::from_secs(11 * 60)).await.unwrap();
    assert!(!mock.customer("ada@example.com").await.unwrap().unwrap().locked, "the lock ran out on the mock's clock");
    assert!(!mock.unlock("ada@example.com").await.unwrap().locked);

    mock.remove_customer("ada@example.com").await.unwrap();
    assert_eq!(mock.customer("ada@example.com").await.unwrap(), None);
    let missing = mock.lock("nobody@example.com").await.unwrap_err();
    assert!(
        matches!(&missing, MockServerError::Refused { status: 404, reason, .. } if reason.contains("nobody@example.com")),
        "{missing}"
    );
}

#[tokio::test]
async fn the_clock_moves_and_is_set_and_goes_back_to_real_time() {
    let server = MockServer::start().await.unwrap();
    let mock = server.namespace("clock");
    let moved = mock.clock().advance(Duration::from_secs(3600)).await.unwrap();
    assert!((moved.offset_seconds - 3600.0).abs() < 1.0, "{moved:?}");
    let back = mock.clock().advance_seconds(-7200.0).await.unwrap();
    assert!((back.offset_seconds + 3600.0).abs() < 1.0, "{back:?}");
    let at = time::macros::datetime!(2031-01-01 12:00 UTC);
    let set = mock.clock().set(at).await.unwrap();
    assert!((set.now - at).abs() < time::Duration::seconds(2), "{set:?}");
    assert_eq!(server.clock().get().await.unwrap().offset_seconds, 0.0, "only that namespace's clock moved");
    assert_eq!(mock.clock().reset().await.unwrap().offset_seconds, 0.0);
}

#[tokio::test]
async fn a_rule_answers_its_state_the_next_n_times_then_the_real_one() {
    let server = MockServer::start().await.unwrap();
    let mock = server.namespace("rules");
    let rule = ScenarioRule::state("locked").operation("requestPasswordResetEmail").email(RONI).times(1);
    let id = mock.scenario(rule).await.unwrap();
    let listed = mock.scenarios().await.unwrap();
    assert_eq!((listed.len(), listed[0].id.as_str(), listed[0].uses_left), (1, id.as_str(), Some(1)));

    let query = format!("mutation {{ requestPasswordResetEmail(email: \"{RONI}\") }}");
    let first = mock.graphql(&query).send().await.unwrap();
    assert!(first.error_message().is_some_and(|m| m.contains("locked")), "{}", first.text());
    let second = mock.graphql(&query).send().await.unwrap();
    assert_eq!(second.data(), &json!({ "requestPasswordResetEmail": true }));

    assert_eq!(mock.scenarios().await.unwrap()[0].uses_left, Some(0));
    mock.remove_scenario(&id).await.unwrap();
    mock.scenario(ScenarioRule::state("http-503")).await.unwrap();
    assert_eq!(mock.graphql("{ storeConfig { store_code } }").send().await.unwrap().status(), 503);
    mock.clear_scenarios().await.unwrap();
    assert!(mock.scenarios().await.unwrap().is_empty());
    let bad = mock.scenario(ScenarioRule::state("sideways")).await.unwrap_err();
    assert!(matches!(bad, MockServerError::Refused { status: 400, .. }), "{bad}");
}

#[tokio::test]
async fn the_journal_lists_and_waits() {
    let server = MockServer::start().await.unwrap();
    let mock = server.namespace("journal");
    let reset = RequestFilter::any().operation("requestPasswordResetEmail").email(RONI);
    let nothing = mock.wait_for_request(&reset, Duration::from_millis(100)).await.unwrap_err();
    assert!(matches!(nothing, MockServerError::NoRequest { .. }), "{nothing}");
    assert!(nothing.to_string().contains("requestPasswordResetEmail for roni_cost@example.com"), "{nothing}");

    mock.graphql("{ storeConfig { store_code } }").send().await.unwrap();
    mock.graphql(&format!("mutation {{ requestPasswordResetEmail(email: \"{RONI}\") }}")).send().await.unwrap();
    let entry = mock.wait_for_request(&reset, Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        (entry.kind.as_str(), entry.email.as_deref(), entry.result.clone()),
        ("mutation", Some(RONI), json!(true))
    );
    let all = mock.received_requests().await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.operation.as_str()).collect::<Vec<_>>(),
        ["storeConfig", "requestPasswordResetEmail"]
    );
    assert!(mock.requests(&reset.clone().after(entry.id)).await.unwrap().is_empty());
    assert!(server.received_requests().await.unwrap().is_empty(), "another namespace");

    mock.reset().await.unwrap();
    assert!(mock.received_requests().await.unwrap().is_empty());
    mock.forget().await.unwrap();
}

#[tokio::test]
async fn the_builder_sets_release_storefront_fixtures_smtp_and_admin_token() {
    let server = MockServer::builder()
        .magento_version("2.4.3-p1")
        .storefront_url("https://shop.test/de")
        .fixtures_toml("[[customer]]\nemail = \"ada@example.com\"\npassword = \"Lovelace1815!\"\n")
        .smtp(true)
        .admin_token("s3cret")
        .start()
        .await
        .unwrap();
    let customers = server.customers().await.unwrap();
    assert_eq!(customers.iter().map(|c| c.email.as_str()).collect::<Vec<_>>(), ["ada@example.com"]);
    let unauthorised = reqwest::get(format!("{}/__admin/customers", server.uri())).await.unwrap();
    assert_eq!(unauthorised.status(), 401, "the helpers sent the token; a bare request is refused");

    server.graphql("mutation { requestPasswordResetEmail(email: \"ada@example.com\") }").send().await.unwrap();
    let email = server.wait_for_reset_link("ada@example.com").await.unwrap();
    // Up to 2.4.3 the link has no id; the id then comes from the control API.
    assert_eq!(email.link, format!("https://shop.test/de/customer/account/createPassword/?token={}", email.token));
    assert_eq!(email.customer_id, Some(customers[0].id));

    let smtp = server.smtp_address().expect("SMTP asked for");
    assert!(smtp.ip().is_loopback());
    tokio::net::TcpStream::connect(smtp).await.expect("SMTP capture listens");
}

#[tokio::test]
async fn bad_settings_are_errors_that_name_them() {
    let version = MockServer::builder().magento_version("2.5.0").start().await.unwrap_err();
    assert!(version.to_string().contains("unsupported Magento version \"2.5.0\""), "{version}");
    let url = MockServer::builder().storefront_url("shop.test").start().await.unwrap_err();
    assert!(url.to_string().contains("--storefront-url \"shop.test\""), "{url}");
    let fixtures = MockServer::builder().fixtures_toml("[[customer]]\nemail = 1\n").start().await.unwrap_err();
    assert!(matches!(fixtures, MockServerError::Config(_)), "{fixtures}");
}

#[tokio::test]
async fn it_stops_on_shutdown_and_on_drop() {
    let server = MockServer::start().await.unwrap();
    let address = server.address();
    server.shutdown().await.unwrap();
    assert!(tokio::net::TcpStream::connect(address).await.is_err(), "nothing listens after shutdown");

    let server = MockServer::start().await.unwrap();
    let (address, client) = (server.address(), server.namespace(""));
    drop(server);
    let stopped = async {
        while tokio::net::TcpStream::connect(address).await.is_ok() {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), stopped).await.expect("it stops soon after the drop");
    let gone = client.customers().await.unwrap_err();
    assert!(gone.to_string().contains("was the MockServer dropped or shut down?"), "{gone}");
}

/// A kept-alive connection does not hold a shutdown up: it is closed at once (the drain waits up
/// to 10 s for connections that do not end).
#[tokio::test]
async fn a_shutdown_closes_kept_alive_connections_at_once() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = MockServer::start().await.unwrap();
    let mut kept = tokio::net::TcpStream::connect(server.address()).await.unwrap();
    kept.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut answer = [0u8; 512];
    let read = kept.read(&mut answer).await.unwrap();
    assert!(answer[..read].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..read]));

    let started = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await.expect("shut down in time").unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    let closed = tokio::time::timeout(Duration::from_secs(5), kept.read(&mut answer)).await.expect("closed");
    assert_eq!(closed.unwrap_or(0), 0, "the kept-alive connection is closed");
}

/// A journal entry a stub answered says so, as `GET /__admin/requests` does.
#[tokio::test]
async fn a_journal_entry_answered_by_a_stub_names_the_stub() -> Result<(), MockServerError> {
    let server = MockServer::start().await?;
    let stub = json!({ "id": "reset-false", "request": { "root_field": "requestPasswordResetEmail" },
                       "response": { "json": { "data": { "requestPasswordResetEmail": false } } } });
    let created = reqwest::Client::new().post(format!("{}/__admin/stubs", server.uri())).json(&stub).send().await;
    assert_eq!(created.map(|r| r.status().as_u16()).ok(), Some(201));
    server.graphql(&format!("mutation {{ requestPasswordResetEmail(email: \"{RONI}\") }}")).send().await?;
    let entry = server.received_requests().await?.pop().expect("one entry");
    let answered = entry.stub.expect("the stub is named");
    assert_eq!((answered.answered_by.as_str(), answered.id.as_deref()), ("stub", Some("reset-false")));
    assert!(answered.overrides_emulated);
    Ok(())
}

#[tokio::test]
async fn a_customer_can_be_added_to_another_website_of_the_fixtures() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/two-websites.toml");
    let server = MockServer::builder().fixtures_file(fixtures).start().await.unwrap();
    let added = server
        .add_customer(NewCustomer::new("only.second@example.com", "Only-Sec0nd!").website("second"))
        .await
        .unwrap();
    assert_eq!(added.website, "second");
    let websites: Vec<(String, String)> =
        server.customers().await.unwrap().into_iter().map(|c| (c.email, c.website)).collect();
    assert!(websites.contains(&("only.second@example.com".to_owned(), "second".to_owned())), "{websites:?}");
    let unknown = server.add_customer(NewCustomer::new("x@example.com", "Xx-Passw0rd!").website("nosuch")).await;
    assert!(unknown.unwrap_err().to_string().contains("no website with the code \"nosuch\""));
}

/// `website(code)`: the account helpers on another website's accounts, as `?website=` does over
/// HTTP; the plain helpers stay on the default website.
#[tokio::test]
async fn the_account_helpers_act_on_the_website_chosen() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/two-websites.toml");
    let server = MockServer::builder().fixtures_file(fixtures).start().await.unwrap();
    let second = server.website("second");
    let sign_in = |store: &'static str, password: &'static str| {
        server
            .graphql("mutation($e: String!, $p: String!) { generateCustomerToken(email: $e, password: $p) { token } }")
            .variables(json!({ "e": RONI, "p": password }))
            .header("Store", store)
            .send()
    };
    let signs_in = |answer: mock_server::GraphQlResponse| answer.data()["generateCustomerToken"]["token"].is_string();

    let locked = second.lock_for(RONI, 10).await.unwrap();
    assert!(locked.locked && locked.lock_expires.is_some(), "{locked:?}");
    assert!(
        !signs_in(sign_in("second_view", "Second-Passw0rd!").await.unwrap()),
        "the second website's account is locked"
    );
    assert!(signs_in(sign_in("default", "roni_cost3@example.com").await.unwrap()), "the default website's is not");
    assert!(second.customer(RONI).await.unwrap().unwrap().locked);
    assert!(!server.website("base").customer(RONI).await.unwrap().unwrap().locked);
    assert!(second.customers().await.unwrap().iter().all(|c| c.website == "second"));

    assert!(!second.unlock(RONI).await.unwrap().locked);
    assert!(signs_in(sign_in("second_view", "Second-Passw0rd!").await.unwrap()));
    server.lock(RONI).await.unwrap();
    assert!(!signs_in(sign_in("default", "roni_cost3@example.com").await.unwrap()), "lock() is the default website's");
    assert!(!second.customer(RONI).await.unwrap().unwrap().locked);
    assert!(server.website("base").customer(RONI).await.unwrap().unwrap().locked);

    // The reset token lives on the website whose store asked for it.
    let request = server
        .graphql("mutation($e: String!) { requestPasswordResetEmail(email: $e) }")
        .variables(json!({ "e": RONI }))
        .header("Store", "second_view")
        .send()
        .await
        .unwrap();
    assert_eq!(request.data(), &json!({ "requestPasswordResetEmail": true }));
    assert_eq!(second.reset_token(RONI).await.unwrap().map(|t| t.token.len()), Some(32));
    assert_eq!(server.reset_token(RONI).await.unwrap(), None);

    let unknown = server.website("nosuch").lock(RONI).await.unwrap_err();
    assert!(unknown.to_string().contains("no website with the code \"nosuch\""), "{unknown}");
    second.remove_customer(RONI).await.unwrap();
    assert!(second.customer(RONI).await.unwrap().is_none());
    assert!(server.customer(RONI).await.unwrap().is_some(), "the default website's account stays");
}

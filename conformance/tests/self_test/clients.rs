//! The clients (target.rs, inbox.rs, admin.rs) against canned misbehaving backends (wiremock,
//! and a socket that hangs up): each misbehaviour is reported as a deviation or a skip with what
//! happened, never taken for a good answer.

use std::time::{Duration, Instant};

use conformance::admin::Admin;
use conformance::check::Stop;
use conformance::inbox::Inbox;
use conformance::target::{Endpoint, Traffic};
use reqwest::Url;
use reqwest::header::HeaderMap;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn endpoint(server: &MockServer, timeout: Duration) -> Endpoint {
    let url = Url::parse(&format!("{}/graphql", server.uri())).unwrap();
    Endpoint::with_traffic(url, HeaderMap::new(), timeout, Traffic::new(None, 4)).unwrap()
}

fn summary(stop: Stop) -> String {
    match stop {
        Stop::Deviation(failure) => failure.summary,
        Stop::Skip(reason) => panic!("expected a deviation, got a skip: {reason}"),
    }
}

#[tokio::test]
async fn a_target_slower_than_the_timeout_is_a_deviation_that_says_it_timed_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)).set_body_string("{}"))
        .mount(&server)
        .await;
    // The summary says it timed out: the answer, 3 s late, never counted.
    let error = endpoint(&server, Duration::from_millis(300)).graphql("{ x }").await.unwrap_err();
    assert!(summary(error).contains("timed out"));
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_deviation() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let url = Url::parse(&format!("http://{address}/graphql")).unwrap();
    let endpoint = Endpoint::new(url, HeaderMap::new()).unwrap();
    let error = endpoint.graphql("{ x }").await.unwrap_err();
    assert!(summary(error).contains("the request failed"));
}

#[tokio::test]
async fn a_truncated_body_is_not_json_and_an_html_error_page_keeps_its_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"data":{"requestPasswordResetEmail":tr"#, "application/json"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("<html><h1>Service Unavailable</h1></html>", "text/html"))
        .mount(&server)
        .await;
    let t = endpoint(&server, Duration::from_secs(5));
    let truncated = t.request_reset("a@example.com").await.unwrap();
    assert!(summary(truncated.json().unwrap_err()).contains("not JSON"));
    let failure = conformance::checks::expect_data(&truncated, "requestPasswordResetEmail", "true").unwrap_err();
    assert!(summary(failure).contains("expected"));
    let page = t.request_reset("a@example.com").await.unwrap();
    assert_eq!((page.status, page.content_type.as_str()), (503, "text/html"));
    let failure = conformance::checks::expect_data(&page, "requestPasswordResetEmail", "true").unwrap_err();
    let Stop::Deviation(failure) = failure else { panic!() };
    assert!(failure.detail.unwrap().contains("+HTTP 503"));
}

#[tokio::test]
async fn a_json_answer_with_the_wrong_content_type_fails_the_snapshot_check() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"data":{"requestPasswordResetEmail":true}}"#, "text/html; charset=UTF-8"),
        )
        .mount(&server)
        .await;
    let options = conformance::run::Options {
        target: conformance::run::TargetSpec::Url(format!("{}/graphql", server.uri())),
        ..Default::default()
    };
    let (ctx, _) = conformance::run::prepare(&options).await.unwrap();
    let answer = endpoint(&server, Duration::from_secs(5)).request_reset("a@example.com").await.unwrap();
    let failure = conformance::checks::snapshots::compare(&ctx, "request-success", &answer).unwrap_err();
    assert!(summary(failure).contains("Content-Type"));
}

#[tokio::test]
async fn an_inbox_that_errs_or_never_delivers_is_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/search"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"messages":[]}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/message/broken"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&server)
        .await;
    let inbox = Inbox {
        timeout: Duration::from_millis(300),
        base: Url::parse(&format!("{}/", server.uri())).unwrap(),
        endpoint: endpoint(&server, Duration::from_secs(5)),
    };
    let late = inbox.wait_for_new("qa@example.com", 0).await.unwrap_err();
    assert!(summary(late).contains("no reset email to qa@example.com arrived within 0.3s"));
    let broken = inbox.message("broken").await.unwrap_err();
    assert!(summary(broken).contains("did not answer 200"));
}

#[tokio::test]
async fn the_control_api_tells_a_missing_route_from_a_refusal() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/__admin/customers"))
        .respond_with(ResponseTemplate::new(404))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/__admin/customers"))
        .respond_with(ResponseTemplate::new(500).set_body_string(r#"{"error":"disk full"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/__admin/customers/a@example.com/reset-token"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let admin = Admin {
        base: Url::parse(&format!("{}/__admin", server.uri())).unwrap(),
        endpoint: endpoint(&server, Duration::from_secs(5)),
    };
    assert!(!admin.create_customer("a@example.com", "P4ss-word!", ("A", "B")).await.unwrap());
    let refused = admin.create_customer("a@example.com", "P4ss-word!", ("A", "B")).await.unwrap_err();
    assert!(summary(refused).contains("refused to create an account"));
    assert_eq!(admin.live_token("a@example.com").await.unwrap(), None);
    assert!(admin.settings().await.unwrap().is_none(), "no settings route: None");
}

#[tokio::test]
async fn requests_to_the_target_keep_to_the_rate_and_are_counted() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&server).await;
    let url = Url::parse(&format!("{}/graphql", server.uri())).unwrap();
    let traffic = Traffic::new(Some(20.0), 4);
    let t = Endpoint::with_traffic(url, HeaderMap::new(), Duration::from_secs(5), traffic.clone()).unwrap();
    let started = Instant::now();
    for _ in 0..6 {
        t.graphql("{ x }").await.unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(250), "6 requests at 20/s take 250 ms at least");
    assert_eq!(traffic.requests_sent(), 6);
}

/// A store that asks for reCAPTCHA stops the run: the checks after it are not run.
#[tokio::test]
async fn recaptcha_stops_the_run() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"errors":[{"message":"ReCaptcha validation failed, please try again","locations":[{"line":2,"column":3}],"path":["requestPasswordResetEmail"],"extensions":{"category":"graphql-input"}}],"data":{"requestPasswordResetEmail":null}}"#,
        ))
        .mount(&server)
        .await;
    let options = conformance::run::Options {
        target: conformance::run::TargetSpec::Url(format!("{}/graphql", server.uri())),
        ..Default::default()
    };
    let (ctx, _) = conformance::run::prepare(&options).await.unwrap();
    let checks: Vec<_> =
        conformance::checks::all().into_iter().filter(|c| c.id.starts_with("request/php-empty")).collect();
    let more: Vec<_> = conformance::checks::all().into_iter().filter(|c| c.id.starts_with("transport/")).collect();
    let selected = checks.into_iter().chain(more).collect::<Vec<_>>();
    let total = selected.len();
    let outcomes = conformance::run::run_selected(&ctx, selected, 1, &|_, _, _| {}).await;
    assert!(ctx.recaptcha().is_some());
    assert!(outcomes.len() < total, "the run stopped after the first check: {} of {total}", outcomes.len());
    assert!(conformance::run::recaptcha_message(&ctx.recaptcha().unwrap()).contains("integration"));
}

/// Mailpit answers a search with one page of 50: a busy inbox is counted by `messages_count`,
/// so a new message is seen even when the page was already full.
#[tokio::test]
async fn a_new_message_is_seen_in_an_inbox_of_more_than_one_page() {
    let server = MockServer::start().await;
    let page = |count: usize| {
        let messages: Vec<_> =
            (0..50).map(|i| serde_json::json!({ "ID": format!("m{}", count - i), "To": [] })).collect();
        serde_json::json!({ "messages_count": count, "count": 50, "messages": messages }).to_string()
    };
    Mock::given(method("GET"))
        .and(path("/api/v1/search"))
        .respond_with(ResponseTemplate::new(200).set_body_string(page(63)))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/search"))
        .respond_with(ResponseTemplate::new(200).set_body_string(page(64)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/message/m64"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"ID":"m64","Subject":"new"}"#))
        .mount(&server)
        .await;
    let inbox = Inbox {
        timeout: Duration::from_secs(3),
        base: Url::parse(&format!("{}/", server.uri())).unwrap(),
        endpoint: endpoint(&server, Duration::from_secs(5)),
    };
    let before = inbox.count("qa@example.com").await.unwrap();
    assert_eq!(before, 63);
    let (mail, count) = inbox.wait_for_new("qa@example.com", before).await.unwrap();
    assert_eq!((mail.subject(), count), ("new", 64));
}

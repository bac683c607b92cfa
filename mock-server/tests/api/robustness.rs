//! Bad requests get a clear error and the server carries on.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

/// A 2.4.8 mock with this header-read timeout, and its `host:port`.
async fn spawn_with_header_timeout(millis: u64) -> (TestApp, String) {
    let app = crate::helpers::spawn_configured("2.4.8", |config| {
        config.header_read_timeout = std::time::Duration::from_millis(millis);
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();
    (app, address)
}

async fn still_serving(app: &TestApp) {
    let answer = app.graphql("{ storeConfig { store_name } }").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn malformed_and_non_utf8_bodies_are_refused_clearly() {
    let app = spawn_app("2.4.8").await;
    let send = |body: &[u8]| {
        TestApp::send(app.post("/graphql").header("Content-Type", "application/json").body(body.to_vec()))
    };
    // 2.4.8: what json_decode refuses is `Unable to parse the request.` (400).
    for body in [&b"{\"query\":"[..], b"\xff\xfe\x00garbage"] {
        let answer = send(body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(answer.json()["errors"][0]["message"], "Unable to parse the request.");
    }
    // A list or an empty body decodes to no query: a syntax error at 1:1.
    for body in [&b"[]"[..], b""] {
        let answer = send(body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(answer.json()["errors"][0]["message"], "Syntax Error: Unexpected <EOF>");
    }
    // What PHP's strict types refuse (a TypeError) is Bootstrap's plain-text 500, in every release.
    for body in [&b"\"just a string\""[..], b"{\"query\": 5}", b"{\"query\": \"{ a }\", \"variables\": 1}"] {
        let answer = send(body).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{body:?}");
        assert_eq!(answer.body, "An error has happened during application run. See exception log for details.\n");
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn absurd_documents_are_refused_without_harm() {
    let app = spawn_app("2.4.8").await;
    let deep = format!("{{{}store_name{}}}", "storeConfig { ".repeat(50_000), "}".repeat(50_000));
    let answer = app.graphql(&deep).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.json()["errors"][0]["message"].as_str().unwrap().starts_with("Max query depth should be 20"));

    let aliases = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: requestPasswordResetEmail(email: \"\")")).collect();
        format!("mutation {{ {} }}", fields.join(" "))
    };
    let wide = app.graphql(&aliases(5_000)).await;
    assert_eq!(wide.json()["errors"][0]["message"], "Max query complexity should be 300 but got 5000.");
    assert!(wide.json().get("data").is_none(), "nothing ran");
    let allowed = app.graphql(&aliases(300)).await;
    assert_eq!(allowed.json()["data"].as_object().map(|data| data.len()), Some(300), "each field answers for itself");
    assert_eq!(allowed.json()["errors"].as_array().map(Vec::len), Some(1), "default mode shows the first error");

    let garbage = app.graphql("\u{0}\u{1}}}}}{{{{ query mutation ... $$$").await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert!(garbage.json()["errors"][0]["message"].as_str().unwrap().starts_with("Syntax Error:"));
    still_serving(&app).await;
}

#[tokio::test]
async fn unknown_fields_and_bad_mock_headers_are_explained() {
    let app = spawn_app("2.4.8").await;
    let answer = app.graphql("{ customerr { email } }").await;
    assert_eq!(answer.json()["errors"][0]["message"], "Cannot query field \"customerr\" on type \"Query\".");

    let bad_state = TestApp::send(
        app.post("/graphql")
            .header("X-Mock-Scenario", "explode")
            .json(&json!({ "query": "{ storeConfig { store_name } }" })),
    )
    .await;
    assert_eq!(bad_state.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_state.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("X-Mock-Scenario: unknown state \"explode\"")
    );

    let bad_namespace = TestApp::send(
        app.post("/graphql")
            .header("X-Mock-Namespace", "no spaces")
            .json(&json!({ "query": "{ storeConfig { store_name } }" })),
    )
    .await;
    assert_eq!(bad_namespace.status, StatusCode::BAD_REQUEST);
    still_serving(&app).await;
}

#[tokio::test]
async fn introspection_and_typename_work() {
    let app = spawn_app("2.4.8").await;
    let answer = app.graphql("{ __typename __schema { mutationType { name fields { name } } } }").await.json();
    assert_eq!(answer["data"]["__typename"], "Query");
    let fields: Vec<&str> = answer["data"]["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in ["requestPasswordResetEmail", "resetPassword", "generateCustomerToken", "revokeCustomerToken"] {
        assert!(fields.contains(&name), "{name}");
    }
}

#[tokio::test]
async fn health_probes_answer() {
    let app = spawn_app("2.4.8").await;
    for path in ["/livez", "/readyz"] {
        assert_eq!(TestApp::send(app.get(path)).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn cors_is_open_for_local_frontends() {
    let app = spawn_app("2.4.8").await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,x-mock-scenario")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "http://localhost:3000");
}

/// Every answer carries what the CORS layer adds, whether the request names an origin or not:
/// a request without `Origin` takes a shorter path through the server, with the same headers.
#[tokio::test]
async fn cors_headers_are_the_same_with_or_without_an_origin() {
    let app = spawn_app("2.4.8").await;
    let names = |response: &reqwest::Response| -> Vec<String> {
        response.headers().keys().map(|name| name.as_str().to_owned()).filter(|name| name != "date").collect()
    };
    let query = serde_json::json!({ "query": "{ storeConfig { store_name } }" });
    let plain = app.post("/graphql").json(&query).send().await.unwrap();
    let with_origin = app.post("/graphql").header("Origin", "http://localhost:3000").json(&query).send().await.unwrap();
    for response in [&plain, &with_origin] {
        assert_eq!(response.headers()["vary"], "origin, access-control-request-method, access-control-request-headers");
        assert_eq!(response.headers()["access-control-allow-credentials"], "true");
    }
    assert!(plain.headers().get("access-control-allow-origin").is_none());
    assert_eq!(with_origin.headers()["access-control-allow-origin"], "http://localhost:3000");
    let mut expected = names(&plain);
    let at = expected.iter().position(|name| name == "access-control-allow-credentials").unwrap() + 1;
    expected.insert(at, "access-control-allow-origin".to_owned());
    assert_eq!(names(&with_origin), expected);
    assert_eq!(plain.text().await.unwrap(), with_origin.text().await.unwrap());

    // Unknown paths too; a plain OPTIONS on /graphql is Magento's (2.4.8: 204 with its cache
    // headers, no CORS ones), one elsewhere is a preflight's 204 with the CORS headers.
    let missing = app.get("/no-such-page").send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()["access-control-allow-credentials"], "true");
    let options = app.client.request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base)).send().await.unwrap();
    assert_eq!(options.status(), StatusCode::NO_CONTENT);
    assert!(options.headers().get("access-control-allow-credentials").is_none());
    assert_eq!(options.headers()["x-frame-options"], "SAMEORIGIN");
    let elsewhere =
        app.client.request(reqwest::Method::OPTIONS, format!("{}/api/v1/messages", app.base)).send().await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::NO_CONTENT);
    assert_eq!(elsewhere.headers()["access-control-allow-credentials"], "true");
}

/// A client that trickles its headers is cut off; one that trickles its body gets a 408.
#[tokio::test]
async fn slow_clients_are_timed_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_configured("2.4.8", |config| {
        config.header_read_timeout = std::time::Duration::from_millis(300);
        config.body_read_timeout = std::time::Duration::from_millis(300);
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();

    let mut slow_headers = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow_headers.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), slow_headers.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the server closes the connection instead of waiting forever");

    let mut slow_body = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow_body
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"qu",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), slow_body.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("Request body was not received in time."));
    still_serving(&app).await;
}

/// The header-read deadline is each request's own on a kept-alive connection: requests that keep
/// coming for longer than the timeout are all answered, and a head trickled after them is cut off
/// at its own deadline.
#[tokio::test]
async fn each_request_on_a_connection_gets_its_own_header_deadline() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let (app, address) = spawn_with_header_timeout(500).await;
    let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let mut connection = BufReader::new(stream);
    let request = b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n";
    // Fifteen requests 100 ms apart: three times the timeout, on one connection.
    for sent in 0..15 {
        connection.get_mut().write_all(request).await.unwrap();
        let mut status = String::new();
        connection.read_line(&mut status).await.unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "request {sent}: {status:?}");
        let mut length = 0;
        loop {
            let mut line = String::new();
            connection.read_line(&mut line).await.unwrap();
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        connection.read_exact(&mut body).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let started = std::time::Instant::now();
    connection.get_mut().write_all(b"GET /readyz HTTP/1.1\r\n").await.unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), connection.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the server closes the connection instead of waiting forever");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(300),
        "cut off before its own deadline (500 ms after the last answer)"
    );
    still_serving(&app).await;
}

#[tokio::test]
async fn megabyte_strings_in_variables_are_answered_quickly() {
    let app = spawn_app("2.4.8").await;
    let huge = format!("{}@example.com", "a".repeat(900_000));
    let query = "mutation($e: String!) { requestPasswordResetEmail(email: $e) }";
    let answer = app.graphql_with(query, json!({ "e": huge })).await;
    assert_eq!(answer.json()["errors"][0]["message"], "The email address has an invalid format.");
    let reset = "mutation($p: String!) { resetPassword(email: \"roni_cost@example.com\", resetPasswordToken: \"t\", newPassword: $p) }";
    let answer = app.graphql_with(reset, json!({ "p": "x".repeat(900_000) })).await;
    assert_eq!(answer.json()["errors"][0]["message"], "The password token is mismatched. Reset and try again.");
    still_serving(&app).await;
}

/// Hundreds of idle connections do not stop the server; the header timeout reclaims them.
#[tokio::test]
async fn a_flood_of_idle_connections_does_not_stop_the_server() {
    let (app, address) = spawn_with_header_timeout(500).await;
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(tokio::net::TcpStream::connect(&address).await.unwrap());
    }
    still_serving(&app).await;
    drop(idle);
    still_serving(&app).await;
}

/// A browser opening /graphql gets GraphiQL, with every asset from this server.
#[tokio::test]
async fn browsers_get_an_offline_graphiql_at_graphql() {
    let app = spawn_app("2.4.8").await;
    let page = TestApp::send(app.get("/graphql").header("Accept", "text/html,application/xhtml+xml")).await;
    assert!(page.content_type.starts_with("text/html"));
    for asset in
        ["graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "init.js"]
    {
        assert!(page.body.contains(&format!("/assets/graphiql/{asset}")), "{asset} is not linked from the page");
        let served = TestApp::send(app.get(&format!("/assets/graphiql/{asset}"))).await;
        assert_eq!(served.status, StatusCode::OK, "{asset}");
    }
    assert!(!page.body.contains("https://"), "nothing is loaded from the network");
    let api = TestApp::send(app.get("/graphql").query(&[("query", "{ __typename }")])).await;
    assert_eq!(api.json(), json!({ "data": { "__typename": "Query" } }), "GraphQL clients still get JSON");
}

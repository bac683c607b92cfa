//! The binary as a user runs it: `schema`, `healthcheck`, and errors that stop it at start.

use std::process::Command;

use crate::helpers::spawn_app;

fn mock_server() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mock-server"))
}

/// The SDL the server answers, kept as a golden file so a schema change is reviewed.
#[test]
fn schema_prints_the_sdl_it_serves() {
    let output = mock_server().arg("schema").output().unwrap();
    assert!(output.status.success());
    let sdl = String::from_utf8(output.stdout).unwrap();
    for field in [
        "requestPasswordResetEmail(",
        "email: String!\n\t): Boolean",
        "resetPasswordToken: String!",
        "generateCustomerToken(",
        "isEmailAvailable(",
        "minimum_password_length: String",
    ] {
        assert!(sdl.contains(field), "{field} missing from:\n{sdl}");
    }
    insta::with_settings!({ snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("schema.graphql", sdl);
    });
}

#[test]
fn a_bad_fixtures_file_stops_the_server_with_the_problem_and_its_line() {
    let path = std::env::temp_dir().join(format!("bad-fixtures-{}.toml", std::process::id()));
    std::fs::write(&path, "[[customer]]\nemail = \"a@example.com\"\npassword = \"x\"\n\n[[customer]]\nemail = \"broken\"\npassword = \"y\"\n").unwrap();
    let output = mock_server()
        .args(["--fixtures", path.to_str().unwrap(), "--listen", "127.0.0.1:0", "--smtp-listen", "off"])
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 5: customer email \"broken\" is not a valid email address"), "{stderr}");
}

#[test]
fn bad_flags_are_refused_with_the_reason() {
    let output = mock_server().args(["--magento-version", "2.5.0"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected 2.4.0 to 2.4.8"));
    let output = mock_server()
        .args(["--storefront-url", "shop", "--smtp-listen", "off", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not an http(s) URL"));
}

#[tokio::test]
async fn healthcheck_exits_0_when_ready_and_1_when_not() {
    let app = spawn_app("2.4.8").await;
    let url = format!("{}/readyz", app.base);
    let ready =
        tokio::task::spawn_blocking(move || mock_server().args(["healthcheck", "--url", &url]).status().unwrap());
    assert!(ready.await.unwrap().success());
    let down = mock_server().args(["healthcheck", "--url", "http://127.0.0.1:9/readyz"]).output().unwrap();
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).starts_with("healthcheck: "));
}

/// The log is batched (`logging/batched_stderr.rs`): an operation's line still arrives while the
/// server is serving, with no stop to push it out, and a stop (SIGTERM) writes out every line
/// still waiting, with `stopped` last.
#[tokio::test]
async fn the_log_arrives_while_serving_and_in_full_at_a_stop() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = mock_server()
        .args(["--listen", "127.0.0.1:0", "--smtp-listen", "off", "--throttle", "off"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = BufReader::new(child.stdout.take().unwrap()).lines();
    let graphql = loop {
        let line = banner.next().expect("the banner").unwrap();
        if let Some(url) = line.trim().strip_prefix("GraphQL") {
            break url.trim().to_owned();
        }
    };
    let (sender, lines) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || stderr.lines().map_while(Result::ok).try_for_each(|line| sender.send(line)));
    let client = reqwest::Client::new();
    let reset = |i: usize| {
        let body =
            format!(r#"{{"query":"mutation {{ requestPasswordResetEmail(email: \"nobody{i}@example.com\") }}"}}"#);
        client.post(&graphql).header("content-type", "application/json").body(body).send()
    };
    let operation = |line: &String| line.contains("graphql operation");

    assert_eq!(reset(0).await.unwrap().status(), 200);
    let arrived = loop {
        let line = lines.recv_timeout(Duration::from_secs(10)).expect("the operation's line, without a stop");
        if operation(&line) {
            break line;
        }
    };
    assert!(arrived.contains("fields=requestPasswordResetEmail "), "{arrived}");

    for i in 1..=200 {
        assert_eq!(reset(i).await.unwrap().status(), 200);
    }
    let stopped = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    assert!(child.wait().unwrap().success());
    let rest: Vec<String> = lines.iter().collect();
    assert_eq!(rest.iter().filter(|line| operation(line)).count(), 200, "every line written out at the stop");
    assert!(rest.last().is_some_and(|line| line.ends_with("stopped")), "{:?}", rest.last());
}

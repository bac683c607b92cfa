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

//! `--data-dir`: the real binary, killed with SIGKILL in the middle of a load of reset requests
//! and SMTP deliveries, restarted on the same directory, keeps everything it had answered.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, request_reset_document, token_from_link};

const CUSTOMERS: usize = 300;
const RESET_TASKS: usize = 12;
// Many sessions: each SMTP reply takes ~40 ms here (the server writes it in two segments, so
// Nagle's algorithm waits for the client's delayed ACK).
const SMTP_TASKS: usize = 32;
const SMTP_PER_TASK: usize = 20;

/// A directory of its own under the target's scratch space, empty.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("persist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary on free ports, and where it listens (read from its banner).
struct Server {
    child: Child,
    app: TestApp,
    smtp: std::net::SocketAddr,
}

/// A failing assertion must not leave the server running (it holds the test's stderr).
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--listen", "127.0.0.1:0", "--smtp-listen", "127.0.0.1:0", "--max-messages", "100000"])
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut base, mut smtp) = (None, None);
    while base.is_none() || smtp.is_none() {
        let line = lines.next().expect("the banner").unwrap();
        if let Some(url) = line.trim().strip_prefix("GraphQL").map(str::trim) {
            base = Some(url.trim_end_matches("/graphql").to_owned());
        } else if let Some(address) = line.trim().strip_prefix("SMTP capture").map(str::trim) {
            smtp = Some(address.parse().unwrap());
        }
    }
    let app = TestApp { base: base.unwrap(), smtp, client: reqwest::Client::new(), namespace: String::new() };
    Server { child, app, smtp: smtp.unwrap() }
}

/// One SMTP session delivering `count` messages; answers the subjects the server took (250).
async fn deliver(smtp: std::net::SocketAddr, task: usize, count: usize, delivered: Arc<AtomicUsize>) -> Vec<String> {
    let mut taken = Vec::new();
    let Ok(stream) = TcpStream::connect(smtp).await else { return taken };
    let (read, mut write) = stream.into_split();
    let mut read = AsyncBufReader::new(read);
    async fn reply(read: &mut AsyncBufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
        loop {
            let mut line = String::new();
            if read.read_line(&mut line).await.ok()? == 0 {
                return None;
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Some(line);
            }
        }
    }
    if reply(&mut read).await.is_none() || write.write_all(b"EHLO load.test\r\n").await.is_err() {
        return taken;
    }
    if reply(&mut read).await.is_none() {
        return taken;
    }
    for i in 0..count {
        let subject = format!("load {task}-{i}");
        let to = format!("smtp-{task}-{i}@example.com");
        let data = format!(
            "From: Load <load@shop.test>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{task}-{i}@load.test>\r\n\r\nbody {i}\r\n.\r\n"
        );
        for command in
            ["MAIL FROM:<load@shop.test>\r\n".to_owned(), format!("RCPT TO:<{to}>\r\n"), "DATA\r\n".to_owned()]
        {
            if write.write_all(command.as_bytes()).await.is_err() || reply(&mut read).await.is_none() {
                return taken;
            }
        }
        if write.write_all(data.as_bytes()).await.is_err() {
            return taken;
        }
        match reply(&mut read).await {
            Some(line) if line.starts_with("250") => {
                taken.push(subject);
                delivered.fetch_add(1, Ordering::Relaxed);
            }
            _ => return taken,
        }
    }
    taken
}

/// Reset requests for `emails`, one after another; answers those answered `true`.
async fn request_resets(app: TestApp, emails: Vec<String>, answered: Arc<AtomicUsize>) -> Vec<String> {
    let mut taken = Vec::new();
    for email in emails {
        let request = app.post("/graphql").json(&json!({ "query": request_reset_document(&email) }));
        let Ok(response) = request.send().await else { return taken };
        let Ok(body) = response.json::<Value>().await else { return taken };
        if body["data"]["requestPasswordResetEmail"] == true {
            taken.push(email);
            answered.fetch_add(1, Ordering::Relaxed);
        }
    }
    taken
}

/// Every message in the inbox, as (To address or subject) → Mailpit ids.
async fn inbox_by_recipient(app: &TestApp) -> BTreeMap<String, Vec<Value>> {
    let list = TestApp::send(app.get("/api/v1/messages?limit=100000")).await.json();
    let mut found: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for message in list["messages"].as_array().unwrap() {
        let to = message["To"][0]["Address"].as_str().unwrap().to_owned();
        found.entry(to).or_default().push(message.clone());
    }
    found
}

async fn round(round: usize) {
    let dir = fresh_dir(&format!("round{round}"));
    let mut server = start(&dir);
    let app = server.app.in_namespace("");

    let emails: Vec<String> = (0..CUSTOMERS).map(|i| format!("load-{round}-{i}@example.com")).collect();
    for email in &emails {
        let body = json!({ "email": email, "password": "Original1!", "firstname": "Load", "lastname": "Test" });
        let created = TestApp::send(app.post("/__admin/customers").json(&body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }

    let (resets_answered, smtp_answered) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let resets: Vec<_> = (0..RESET_TASKS)
        .map(|task| {
            let share = emails.iter().skip(task).step_by(RESET_TASKS).cloned().collect();
            tokio::spawn(request_resets(app.in_namespace(""), share, Arc::clone(&resets_answered)))
        })
        .collect();
    let deliveries: Vec<_> = (0..SMTP_TASKS)
        .map(|task| tokio::spawn(deliver(server.smtp, task, SMTP_PER_TASK, Arc::clone(&smtp_answered))))
        .collect();

    // Killed in the middle: once a third of the resets and one message per SMTP session were
    // answered, and (checked below) before the whole load was.
    let total = CUSTOMERS + SMTP_TASKS * SMTP_PER_TASK;
    let deadline = Instant::now() + Duration::from_secs(60);
    while resets_answered.load(Ordering::Relaxed) < CUSTOMERS / 3 || smtp_answered.load(Ordering::Relaxed) < SMTP_TASKS
    {
        assert!(Instant::now() < deadline, "the load made no progress");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().unwrap(); // SIGKILL on Unix
    server.child.wait().unwrap();

    let mut reset_answered = BTreeSet::new();
    for task in resets {
        reset_answered.extend(task.await.unwrap());
    }
    let mut smtp_answered = BTreeSet::new();
    for task in deliveries {
        smtp_answered.extend(task.await.unwrap());
    }
    let acknowledged = reset_answered.len() + smtp_answered.len();
    assert!(acknowledged < total, "round {round}: the kill came after the whole load ({acknowledged} of {total})");

    let server = start(&dir);
    let app = server.app.in_namespace("");
    let inbox = inbox_by_recipient(&app).await;
    for (recipient, messages) in &inbox {
        assert_eq!(messages.len(), 1, "round {round}: {recipient} has {} messages", messages.len());
    }
    for email in &reset_answered {
        let message =
            &inbox.get(email).unwrap_or_else(|| panic!("round {round}: the reset email to {email} is lost"))[0];
        let id = message["ID"].as_str().unwrap();
        let text =
            TestApp::send(app.get(&format!("/api/v1/message/{id}"))).await.json()["Text"].as_str().unwrap().to_owned();
        let token = token_from_link(&text);
        assert_eq!(app.live_token(email).await.as_deref(), Some(token.as_str()), "round {round}: {email}'s token");
    }
    let subjects: BTreeSet<String> =
        inbox.values().flatten().map(|m| m["Subject"].as_str().unwrap().to_owned()).collect();
    for subject in &smtp_answered {
        assert!(subjects.contains(subject), "round {round}: the SMTP message {subject:?} (answered 250) is lost");
    }
    // The journal: an entry for every answered reset, once, in id order, naming a kept message.
    let journal = journal_of(&app).await;
    let ids: Vec<u64> = journal.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "round {round}: journal ids in order, once each");
    let mut journaled: BTreeMap<&str, &Value> = BTreeMap::new();
    for entry in journal.iter().filter(|e| e["operation"] == "requestPasswordResetEmail") {
        let email = entry["email"].as_str().unwrap();
        assert!(journaled.insert(email, entry).is_none(), "round {round}: {email} journaled twice");
    }
    let kept_ids: BTreeSet<&str> = inbox.values().flatten().map(|m| m["ID"].as_str().unwrap()).collect();
    for email in &reset_answered {
        let entry = journaled.get(email.as_str()).unwrap_or_else(|| panic!("round {round}: {email}'s entry is lost"));
        assert_eq!(entry["result"], true, "round {round}: {entry}");
        let message_id = entry["message_id"].as_str().unwrap_or_default();
        assert!(kept_ids.contains(message_id), "round {round}: {email}'s entry names a lost message: {entry}");
    }
    let customers = TestApp::send(app.get("/__admin/customers")).await.json();
    let known: BTreeSet<&str> = customers.as_array().unwrap().iter().map(|c| c["email"].as_str().unwrap()).collect();
    assert!(emails.iter().all(|e| known.contains(e.as_str())), "round {round}: accounts made before the kill are kept");

    // A link captured before the kill still resets the password after the restart.
    let email = reset_answered.first().expect("some reset was answered before the kill");
    let token = app.live_token(email).await.unwrap();
    let reset = app.reset_password(email, &token, "Restarted1!").await.json();
    assert_eq!(reset["data"]["resetPassword"], true, "round {round}: {reset}");
    let signed_in = app.sign_in(email, "Restarted1!").await.json();
    assert!(signed_in["data"]["generateCustomerToken"]["token"].is_string(), "round {round}: {signed_in}");

    eprintln!(
        "round {round}: killed after {} resets and {} SMTP deliveries answered; {} messages kept",
        reset_answered.len(),
        smtp_answered.len(),
        inbox.len()
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// PERSIST_ROUNDS rounds (3 unless set): each kills the server at a different moment of the load.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_under_load_keeps_every_answered_email_and_token_once() {
    let rounds = std::env::var("PERSIST_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    for n in 0..rounds {
        round(n).await;
    }
}

fn start_fails(dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--listen", "127.0.0.1:0", "--smtp-listen", "off"])
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap();
    assert!(!output.status.success(), "the server started on a bad database");
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn a_database_file_of_garbage_stops_the_start_with_the_reason() {
    let dir = fresh_dir("garbage");
    std::fs::write(dir.join("mock-server.sqlite3"), b"this is not SQLite, just bytes\n".repeat(200)).unwrap();
    let stderr = start_fails(&dir);
    assert!(stderr.contains("is not a readable mock-server database"), "{stderr}");
    assert!(stderr.contains("mock-server.sqlite3"), "the message names the file: {stderr}");
}

#[test]
fn a_database_from_a_newer_release_stops_the_start_with_the_reason() {
    let dir = fresh_dir("newer");
    let connection = rusqlite::Connection::open(dir.join("mock-server.sqlite3")).unwrap();
    connection.pragma_update(None, "user_version", 999).unwrap();
    drop(connection);
    let stderr = start_fails(&dir);
    assert!(stderr.contains("written by a newer mock-server (schema version 999"), "{stderr}");
}

/// Stops the server the hard way (SIGKILL) and starts it again on the same directory.
fn restart(server: Server, dir: &Path) -> Server {
    drop(server);
    start(dir)
}

async fn journal_of(app: &TestApp) -> Vec<Value> {
    let listed = TestApp::send(app.get("/__admin/requests")).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    listed.json().as_array().unwrap().clone()
}

#[tokio::test]
async fn the_journal_survives_a_restart_with_its_oldest_entries_dropped_beyond_the_limit() {
    const CAPACITY: usize = 1_000;
    let dir = fresh_dir("journal");
    let server = start(&dir);
    let app = server.app.in_namespace("journal");
    let other = server.app.in_namespace("journal-other");
    // A stub's note (who answered) is kept too.
    let stub = json!({ "id": "reset-false", "request": { "operation_name": "Forgot" },
                       "response": { "json": { "data": { "requestPasswordResetEmail": false } } } });
    assert_eq!(TestApp::send(app.post("/__admin/stubs").json(&stub)).await.status, StatusCode::CREATED);
    let forgot = "mutation Forgot { requestPasswordResetEmail(email: \"roni_cost@example.com\") }";
    assert_eq!(app.graphql(forgot).await.body, r#"{"data":{"requestPasswordResetEmail":false}}"#);
    for i in 0..CAPACITY + 4 {
        let answer = app.request_reset(&format!("nobody-{i}@example.com")).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    other.request_reset("roni_cost@example.com").await;
    let before = journal_of(&app).await;
    assert_eq!(before.len(), CAPACITY);
    assert_eq!((before[0]["id"].as_u64(), before[CAPACITY - 1]["id"].as_u64()), (Some(6), Some(1_005)));
    let other_before = journal_of(&other).await;

    let server = restart(server, &dir);
    let app = server.app.in_namespace("journal");
    assert_eq!(journal_of(&app).await, before, "the same entries, field by field");
    assert_eq!(journal_of(&server.app.in_namespace("journal-other")).await, other_before);
    // Ids go on after the last one, and the oldest still goes first.
    app.request_reset("roni_cost@example.com").await;
    let after = journal_of(&app).await;
    assert_eq!(after.len(), CAPACITY);
    assert_eq!((after[0]["id"].as_u64(), after[CAPACITY - 1]["id"].as_u64()), (Some(7), Some(1_006)));
    assert_eq!(after[CAPACITY - 1]["email"], "roni_cost@example.com");

    // What the list dropped is gone from the file too.
    let server = restart(server, &dir);
    let app = server.app.in_namespace("journal");
    assert_eq!(journal_of(&app).await, after);
    let rows: i64 = rusqlite::Connection::open(dir.join("mock-server.sqlite3"))
        .unwrap()
        .query_row("SELECT count(*) FROM journal WHERE namespace = 'journal'", [], |row| row.get(0))
        .unwrap();
    assert_eq!(rows, CAPACITY as i64, "rows beyond the limit are deleted from the file");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_stub_answered_journal_entry_keeps_who_answered_across_a_restart() {
    let dir = fresh_dir("journal-stub");
    let server = start(&dir);
    let app = server.app.in_namespace("stubbed");
    let stub = json!({ "id": "reset-false", "request": { "operation_name": "Forgot" },
                       "response": { "json": { "data": { "requestPasswordResetEmail": false } } } });
    assert_eq!(TestApp::send(app.post("/__admin/stubs").json(&stub)).await.status, StatusCode::CREATED);
    let forgot = "mutation Forgot { requestPasswordResetEmail(email: \"roni_cost@example.com\") }";
    assert_eq!(app.graphql(forgot).await.body, r#"{"data":{"requestPasswordResetEmail":false}}"#);
    let before = journal_of(&app).await;
    assert_eq!(before[0]["stub"], json!({ "answered_by": "stub", "id": "reset-false", "overrides_emulated": true }));
    let server = restart(server, &dir);
    assert_eq!(journal_of(&server.app.in_namespace("stubbed")).await, before);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// One delivery in its own session: the reply to `RCPT TO` unless it is 250, then the reply to
/// the end of DATA (codes only).
async fn attempt(smtp: std::net::SocketAddr, from: &str, to: &str) -> String {
    let stream = TcpStream::connect(smtp).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut read = AsyncBufReader::new(read);
    async fn code(read: &mut AsyncBufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
        loop {
            let mut line = String::new();
            if read.read_line(&mut line).await.unwrap() == 0 {
                return "closed".to_owned();
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return line.get(..3).unwrap_or_default().to_owned();
            }
        }
    }
    assert_eq!(code(&mut read).await, "220");
    for (command, expected) in [("EHLO kept.test\r\n".to_owned(), "250"), (format!("MAIL FROM:<{from}>\r\n"), "250")] {
        write.write_all(command.as_bytes()).await.unwrap();
        assert_eq!(code(&mut read).await, expected);
    }
    write.write_all(format!("RCPT TO:<{to}>\r\n").as_bytes()).await.unwrap();
    let rcpt = code(&mut read).await;
    if rcpt != "250" {
        return rcpt;
    }
    write.write_all(b"DATA\r\n").await.unwrap();
    assert_eq!(code(&mut read).await, "354");
    write.write_all(format!("To: <{to}>\r\nSubject: kept\r\n\r\nbody\r\n.\r\n").as_bytes()).await.unwrap();
    code(&mut read).await
}

async fn attempts(smtp: std::net::SocketAddr, range: std::ops::Range<usize>) -> Vec<String> {
    let mut codes = Vec::new();
    for i in range {
        codes.push(attempt(smtp, "seeded@shop.test", &format!("kept-{i}@example.com")).await);
    }
    codes
}

async fn shown(app: &TestApp, path: &str) -> Value {
    let answer = TestApp::send(app.get(path)).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    answer.json()
}

const SEEDED: &str = r#"{ "stage": "rcpt", "code": 450, "sender": "seeded@shop.test", "probability": 0.5, "seed": 7 }"#;

#[tokio::test]
async fn rules_stubs_smtp_faults_and_settings_survive_a_restart_and_go_on_where_they_were() {
    let dir = fresh_dir("control");
    let server = start(&dir);
    let app = server.app.in_namespace("");
    let other = server.app.in_namespace("control-other");
    let rule = json!({ "operation": "requestPasswordResetEmail", "email": "roni_cost@example.com",
                       "state": "locked", "times": 3 });
    assert_eq!(TestApp::send(app.post("/__admin/scenarios").json(&rule)).await.status, StatusCode::CREATED);
    let locked = "The account is locked";
    assert_eq!(app.request_reset("roni_cost@example.com").await.json()["errors"][0]["message"], locked);
    let stub = json!({ "id": "reset-false", "request": { "operation_name": "Forgot" },
                       "response": { "json": { "data": { "requestPasswordResetEmail": false } } } });
    assert_eq!(TestApp::send(other.post("/__admin/stubs").json(&stub)).await.status, StatusCode::CREATED);
    let seeded: Value = serde_json::from_str(SEEDED).unwrap();
    assert_eq!(TestApp::send(app.post("/__admin/smtp-faults").json(&seeded)).await.status, StatusCode::CREATED);
    let counted = json!({ "stage": "data", "code": 554, "recipient": "counted@example.com", "times": 2 });
    assert_eq!(TestApp::send(app.post("/__admin/smtp-faults").json(&counted)).await.status, StatusCode::CREATED);
    assert_eq!(attempt(server.smtp, "counted@shop.test", "counted@example.com").await, "554");
    let first = attempts(server.smtp, 0..12).await;
    let change = json!({ "enumeration": "uniform", "throttle": "off" });
    let patch = app.client.patch(format!("{}/__admin/settings", app.base)).json(&change);
    assert_eq!(TestApp::send(patch).await.status, StatusCode::OK);
    let before = (
        shown(&app, "/__admin/scenarios").await,
        shown(&other, "/__admin/stubs").await,
        shown(&app, "/__admin/smtp-faults").await,
        shown(&app, "/__admin/settings").await,
    );
    assert_eq!(before.0[0]["uses_left"], 2, "{}", before.0);
    assert_eq!(before.3["enumeration"], "uniform", "{}", before.3);

    let server = restart(server, &dir);
    let app = server.app.in_namespace("");
    let other = server.app.in_namespace("control-other");
    let after = (
        shown(&app, "/__admin/scenarios").await,
        shown(&other, "/__admin/stubs").await,
        shown(&app, "/__admin/smtp-faults").await,
        shown(&app, "/__admin/settings").await,
    );
    assert_eq!(after, before);
    // The rule has two uses left, then Magento answers again.
    for _ in 0..2 {
        assert_eq!(app.request_reset("roni_cost@example.com").await.json()["errors"][0]["message"], locked);
    }
    assert_eq!(app.request_reset("roni_cost@example.com").await.body, r#"{"data":{"requestPasswordResetEmail":true}}"#);
    let forgot = "mutation Forgot { requestPasswordResetEmail(email: \"roni_cost@example.com\") }";
    assert_eq!(other.graphql(forgot).await.body, r#"{"data":{"requestPasswordResetEmail":false}}"#);
    // One use of the counted fault left; the seeded one goes on with its pattern.
    assert_eq!(attempt(server.smtp, "counted@shop.test", "counted@example.com").await, "554");
    assert_eq!(attempt(server.smtp, "counted@shop.test", "counted@example.com").await, "250");
    let then = attempts(server.smtp, 12..24).await;

    // The same seed on a server never restarted: the pattern of 24 deliveries in one go.
    let reference_dir = fresh_dir("control-reference");
    let reference = start(&reference_dir);
    let posted = TestApp::send(reference.app.post("/__admin/smtp-faults").json(&seeded)).await;
    assert_eq!(posted.status, StatusCode::CREATED);
    let whole = attempts(reference.smtp, 0..24).await;
    assert_eq!([first, then].concat(), whole);
    assert!(whole.iter().any(|c| c == "450") && whole.iter().any(|c| c == "250"), "{whole:?}");
    drop((server, reference));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&reference_dir);
}

/// What a namespace shows: its customers, its inbox's ids and its journal's ids, sorted.
async fn contents(app: &TestApp) -> (Vec<String>, Vec<String>, Vec<u64>) {
    let customers = shown(app, "/__admin/customers").await;
    let mut emails: Vec<String> =
        customers.as_array().unwrap().iter().map(|c| c["email"].as_str().unwrap().to_owned()).collect();
    emails.sort();
    let messages = shown(app, "/api/v1/messages?limit=100000").await;
    let mut ids: Vec<String> =
        messages["messages"].as_array().unwrap().iter().map(|m| m["ID"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    let journal = journal_of(app).await.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    (emails, ids, journal)
}

/// Requests in flight while their namespace is reset must not write the old namespace back:
/// after each round of resets racing writes, a restart shows what memory showed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reset_racing_writes_leaves_the_file_as_memory_has_it() {
    const ROUNDS: usize = 8;
    const WRITERS: usize = 6;
    const PER_WRITER: usize = 12;
    let dir = fresh_dir("race");
    let mut server = start(&dir);
    for round in 0..ROUNDS {
        let app = server.app.in_namespace("race");
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let app = app.in_namespace("race");
                tokio::spawn(async move {
                    for i in 0..PER_WRITER {
                        let email = format!("race-{round}-{writer}-{i}@example.com");
                        let body =
                            json!({ "email": email, "password": "Original1!", "firstname": "R", "lastname": "W" });
                        TestApp::send(app.post("/__admin/customers").json(&body)).await;
                        app.request_reset("roni_cost@example.com").await;
                    }
                })
            })
            .collect();
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(15)).await;
            assert_eq!(TestApp::send(app.post("/__admin/reset")).await.status, StatusCode::OK);
        }
        for writer in writers {
            writer.await.unwrap();
        }
        let memory = contents(&app).await;
        server = restart(server, &dir);
        let app = server.app.in_namespace("race");
        let kept = contents(&app).await;
        assert_eq!(kept.0, memory.0, "round {round}: customers");
        assert_eq!(kept.1, memory.1, "round {round}: inbox");
        assert_eq!(kept.2, memory.2, "round {round}: journal");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file of schema version 1 (accounts as one document per namespace, written by the build of
/// `fixtures/persist-v1/README.md`) opens, migrates to rows and keeps its accounts.
#[tokio::test]
async fn a_version_1_file_is_migrated_and_keeps_its_accounts() {
    let dir = fresh_dir("v1");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/persist-v1/mock-server.sqlite3");
    std::fs::copy(fixture, dir.join("mock-server.sqlite3")).unwrap();
    let server = start(&dir);
    let app = server.app.in_namespace("");
    let customers = shown(&app, "/__admin/customers").await;
    let find = |customers: &Value, email: &str| {
        customers.as_array().unwrap().iter().find(|c| c["email"] == email).cloned().unwrap_or(Value::Null)
    };
    let kept = find(&customers, "v1-kept@example.com");
    assert_eq!((kept["id"].as_u64(), kept["has_reset_token"].as_bool()), (Some(6), Some(true)), "{customers}");
    assert_eq!(find(&customers, "roni_cost@example.com")["locked"], true, "{customers}");
    assert_eq!(customers.as_array().unwrap().len(), 6, "the five of the fixtures and one made: {customers}");
    let signed_in = app.sign_in("v1-kept@example.com", "Version1!").await.json();
    assert!(signed_in["data"]["generateCustomerToken"]["token"].is_string(), "{signed_in}");
    let other = shown(&server.app.in_namespace("v1-other"), "/__admin/customers").await;
    assert_eq!(find(&other, "v1-other@example.com")["id"], 6, "{other}");
    let messages = shown(&app, "/api/v1/messages").await;
    assert_eq!(messages["messages"][0]["To"][0]["Address"], "v1-kept@example.com", "{messages}");

    let connection = rusqlite::Connection::open(dir.join("mock-server.sqlite3")).unwrap();
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    assert_eq!(version, 4);
    let count = |sql: &str| connection.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM namespaces WHERE accounts IS NOT NULL"), 0, "no document is left");
    assert_eq!(count("SELECT count(*) FROM accounts WHERE namespace = ''"), 6);
    assert_eq!(count("SELECT count(*) FROM accounts WHERE namespace = 'v1-other'"), 6);

    // From now on one row per change, and the ids go on.
    let body =
        json!({ "email": "v4-new@example.com", "password": "Version4!", "firstname": "Ver", "lastname": "Four" });
    let created = TestApp::send(app.post("/__admin/customers").json(&body)).await;
    assert_eq!(created.json()["id"], 7, "{}", created.body);
    let server = restart(server, &dir);
    let app = server.app.in_namespace("");
    let customers = shown(&app, "/__admin/customers").await;
    assert_eq!(customers.as_array().unwrap().len(), 7, "{customers}");
    let signed_in = app.sign_in("v4-new@example.com", "Version4!").await.json();
    assert!(signed_in["data"]["generateCustomerToken"]["token"].is_string(), "{signed_in}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

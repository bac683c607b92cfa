//! SMTP capture: a real store (or any application) configured to send through us lands its
//! mail in the same inbox. Receive side only: no relay, no TLS; any AUTH is accepted (unless an
//! `auth` fault or Mailpit's chaos Authentication trigger refuses it).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::received::Received;
use super::smtp_faults::{Action, Stage};
use super::stored::Content;
use crate::state::{AppState, Namespace};

/// Commands longer than this are refused (RFC 5321 allows 512; clients send less).
const MAX_COMMAND_LINE: usize = 4096;
/// Lines of DATA longer than this are refused (RFC 5321 allows 1000).
const MAX_DATA_LINE: usize = 64 * 1024;
const MAX_RECIPIENTS: usize = 1000;
/// An idle client is dropped after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// Sessions served at once; more wait for a free one.
const MAX_SESSIONS: usize = 256;

/// Accepts SMTP sessions until the task is dropped.
pub async fn serve(listener: TcpListener, app: AppState, max_message_bytes: usize) {
    let sessions = Arc::new(Semaphore::new(MAX_SESSIONS));
    loop {
        let Ok(permit) = Arc::clone(&sessions).acquire_owned().await else { return };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(target: "smtp", %error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(error) = Session::new(app, peer, max_message_bytes).run(stream).await {
                tracing::debug!(target: "smtp", %peer, %error, "session ended");
            }
            drop(permit);
        });
    }
}

struct Session {
    app: AppState,
    peer: SocketAddr,
    max_message_bytes: usize,
    from: Option<String>,
    recipients: Vec<String>,
}

/// A line as bytes: DATA keeps them as sent (8-bit bodies need not be UTF-8); commands are
/// read as text.
enum Line {
    Text(Vec<u8>),
    TooLong,
    Closed,
}

impl Session {
    fn new(app: AppState, peer: SocketAddr, max_message_bytes: usize) -> Self {
        Self { app, peer, max_message_bytes, from: None, recipients: Vec::new() }
    }

    async fn run(mut self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut reader = BufReader::new(read);
        if let Some(reply) = self.fault_before_data(Stage::Connect, None, None).await? {
            write.write_all(format!("{reply}\r\n").as_bytes()).await?;
            return Ok(());
        }
        write.write_all(b"220 mock-server ESMTP ready\r\n").await?;
        loop {
            let line = match read_line(&mut reader, MAX_COMMAND_LINE).await? {
                Line::Text(line) => String::from_utf8_lossy(&line).into_owned(),
                Line::TooLong => {
                    write.write_all(b"500 5.5.2 Line too long\r\n").await?;
                    continue;
                }
                Line::Closed => return Ok(()),
            };
            let (verb, argument) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            let verb = verb.to_ascii_uppercase();
            if let Some(reply) = self.fault_at_command(&verb, argument).await? {
                write.write_all(format!("{reply}\r\n").as_bytes()).await?;
                if reply.starts_with("421") {
                    return Ok(());
                }
                continue;
            }
            let reply = match verb.as_str() {
                "HELO" => "250 mock-server".to_owned(),
                "EHLO" => format!(
                    "250-mock-server greets {}\r\n250-SIZE {}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 HELP",
                    argument.trim(),
                    self.max_message_bytes
                ),
                "MAIL" => self.mail_from(argument),
                "RCPT" => self.rcpt_to(argument),
                "DATA" if self.recipients.is_empty() => "503 5.5.1 Error: need RCPT command".to_owned(),
                "DATA" => {
                    write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                    self.data(&mut reader).await?
                }
                "RSET" => {
                    self.reset();
                    "250 2.0.0 Ok".to_owned()
                }
                "NOOP" => "250 2.0.0 Ok".to_owned(),
                "VRFY" => "252 2.0.0 Cannot VRFY user, but will accept message".to_owned(),
                "AUTH" => {
                    let mechanism = argument.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
                    let has_initial_response = argument.split_whitespace().nth(1).is_some();
                    if !matches!(mechanism.as_str(), "PLAIN" | "LOGIN") {
                        "504 5.5.4 Unrecognized authentication type".to_owned()
                    } else if let Some(reply) = self.fault_before_data(Stage::Auth, None, None).await? {
                        // Where Mailpit's chaos strikes: a known mechanism, before its exchange.
                        reply
                    } else {
                        authenticate(&mechanism, has_initial_response, &mut reader, &mut write).await?
                    }
                }
                "QUIT" => {
                    write.write_all(b"221 2.0.0 Bye\r\n").await?;
                    return Ok(());
                }
                "" => "500 5.5.2 Error: bad syntax".to_owned(),
                _ => "502 5.5.2 Error: command not recognized".to_owned(),
            };
            write.write_all(reply.as_bytes()).await?;
            write.write_all(b"\r\n").await?;
            // RFC 5321 3.8: 421 closes the channel.
            if reply.starts_with("421") {
                return Ok(());
            }
        }
    }

    /// A scripted fault for MAIL or RCPT (when the command itself is well-formed).
    async fn fault_at_command(&mut self, verb: &str, argument: &str) -> std::io::Result<Option<String>> {
        let reply = match verb {
            "MAIL" => match strip_prefix_ignore_case(argument, "FROM:") {
                Some(rest) => self.fault_before_data(Stage::Mail, Some(&split_path(rest).0), None).await?,
                None => None,
            },
            "RCPT" if self.from.is_some() => match strip_prefix_ignore_case(argument, "TO:") {
                Some(rest) => {
                    let from = self.from.clone();
                    self.fault_before_data(Stage::Rcpt, from.as_deref(), Some(&split_path(rest).0)).await?
                }
                None => None,
            },
            _ => None,
        };
        // A refused MAIL leaves no transaction open.
        if reply.is_some() && verb == "MAIL" {
            self.reset();
        }
        Ok(reply)
    }

    /// Before DATA the message's `X-Mock-Namespace` header is unknown: these faults are the
    /// default namespace's, where mail without the header lands.
    async fn fault_before_data(
        &self,
        stage: Stage,
        sender: Option<&str>,
        recipient: Option<&str>,
    ) -> std::io::Result<Option<String>> {
        let Ok(namespace) = self.app.namespace("") else { return Ok(None) };
        let recipients: Vec<&str> = recipient.into_iter().collect();
        self.fault(&namespace, stage, sender, &recipients).await
    }

    /// Takes a matching fault, journals it and carries it out: the reply to send instead, none
    /// (answer as usual, after its delay), or an error that ends the session (drop).
    async fn fault(
        &self,
        namespace: &Namespace,
        stage: Stage,
        sender: Option<&str>,
        recipients: &[&str],
    ) -> std::io::Result<Option<String>> {
        let Some(struck) = namespace.smtp_faults().take(stage, sender, recipients) else { return Ok(None) };
        namespace.record(struck.journal_entry(&namespace.name, namespace.clock.now(), sender, recipients));
        tracing::info!(target: "smtp", peer = %self.peer, namespace = %namespace.name, fault = %struck.id, ?stage, "scripted SMTP fault");
        tokio::time::sleep(struck.delay).await;
        match struck.action {
            Action::Reply => Ok(struck.reply),
            Action::Slow => Ok(None),
            Action::Disconnect => Err(std::io::ErrorKind::ConnectionAborted.into()),
        }
    }

    fn reset(&mut self) {
        self.from = None;
        self.recipients.clear();
    }

    fn mail_from(&mut self, argument: &str) -> String {
        let Some(rest) = strip_prefix_ignore_case(argument, "FROM:") else {
            return "501 5.5.4 Syntax: MAIL FROM:<address>".to_owned();
        };
        let (address, parameters) = split_path(rest);
        let declared_size = parameters
            .split_whitespace()
            .find_map(|p| strip_prefix_ignore_case(p, "SIZE="))
            .and_then(|s| s.parse::<usize>().ok());
        if declared_size.is_some_and(|size| size > self.max_message_bytes) {
            return "552 5.3.4 Message size exceeds fixed maximum message size".to_owned();
        }
        self.reset();
        self.from = Some(address);
        "250 2.1.0 Ok".to_owned()
    }

    fn rcpt_to(&mut self, argument: &str) -> String {
        if self.from.is_none() {
            return "503 5.5.1 Error: need MAIL command".to_owned();
        }
        let Some(rest) = strip_prefix_ignore_case(argument, "TO:") else {
            return "501 5.5.4 Syntax: RCPT TO:<address>".to_owned();
        };
        if self.recipients.len() >= MAX_RECIPIENTS {
            return "452 4.5.3 Error: too many recipients".to_owned();
        }
        let (address, _) = split_path(rest);
        if address.is_empty() {
            return "501 5.1.3 Bad recipient address syntax".to_owned();
        }
        self.recipients.push(address);
        "250 2.1.5 Ok".to_owned()
    }

    /// Reads the message up to the lone dot, undoing dot-stuffing, and stores it.
    async fn data(&mut self, reader: &mut (impl AsyncBufRead + Unpin)) -> std::io::Result<String> {
        let mut raw = Vec::new();
        let mut too_big = false;
        loop {
            let line = match read_line(reader, MAX_DATA_LINE).await? {
                Line::Text(line) => line,
                Line::TooLong => {
                    too_big = true;
                    continue;
                }
                Line::Closed => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            };
            if line == b"." {
                break;
            }
            let line = line.strip_prefix(b".").unwrap_or(&line);
            if raw.len() + line.len() + 2 > self.max_message_bytes {
                too_big = true;
            }
            if !too_big {
                raw.extend_from_slice(line);
                raw.extend_from_slice(b"\r\n");
            }
        }
        let from = self.from.take();
        let recipients = std::mem::take(&mut self.recipients);
        if too_big {
            return Ok("552 5.3.4 Message size exceeds fixed maximum message size".to_owned());
        }
        let Some(received) = Received::parse(raw, from.as_deref(), &recipients) else {
            return Ok("554 5.6.0 Message could not be parsed".to_owned());
        };
        let namespace_name = received_namespace(&received);
        let namespace = match self.app.namespace(&namespace_name) {
            Ok(namespace) => namespace,
            Err(error) => return Ok(format!("451 4.3.0 Error: {error}")),
        };
        let recipient_refs: Vec<&str> = recipients.iter().map(String::as_str).collect();
        if let Some(reply) = self.fault(&namespace, Stage::Data, from.as_deref(), &recipient_refs).await? {
            return Ok(reply);
        }
        let message_id = received.message_id.clone();
        match self.app.capture(&namespace, message_id, namespace.clock.now(), Content::Received(Box::new(received))) {
            Ok(id) => {
                tracing::info!(target: "smtp", peer = %self.peer, namespace = %namespace_name, id = %id, "message captured");
                Ok(format!("250 2.0.0 Ok: queued as {id}"))
            }
            Err(error) => Ok(format!("451 4.3.0 Error: {error}")),
        }
    }
}

/// Any credentials pass: the exchange of `PLAIN` or `LOGIN`, answered 235.
async fn authenticate(
    mechanism: &str,
    has_initial_response: bool,
    reader: &mut (impl AsyncBufRead + Unpin),
    write: &mut (impl AsyncWrite + Unpin),
) -> std::io::Result<String> {
    match mechanism {
        "PLAIN" if !has_initial_response => {
            write.write_all(b"334 \r\n").await?;
            read_line(reader, MAX_COMMAND_LINE).await?;
        }
        "LOGIN" => {
            if !has_initial_response {
                write.write_all(b"334 VXNlcm5hbWU6\r\n").await?;
                read_line(reader, MAX_COMMAND_LINE).await?;
            }
            write.write_all(b"334 UGFzc3dvcmQ6\r\n").await?;
            read_line(reader, MAX_COMMAND_LINE).await?;
        }
        _ => {}
    }
    Ok("235 2.7.0 Authentication successful".to_owned())
}

/// Mail can choose its namespace with an `X-Mock-Namespace` header, as HTTP requests do.
fn received_namespace(received: &Received) -> String {
    let Some(message) = mail_parser::MessageParser::default().parse_headers(&received.raw) else {
        return String::new();
    };
    message
        .header_raw("X-Mock-Namespace")
        .map(str::trim)
        .filter(|name| {
            name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
        .unwrap_or_default()
        .to_owned()
}

/// `<address> PARAMS` → the address without brackets, and the parameters.
fn split_path(text: &str) -> (String, &str) {
    let text = text.trim();
    match text.strip_prefix('<').and_then(|rest| rest.split_once('>')) {
        Some((address, parameters)) => (address.trim().to_owned(), parameters.trim()),
        None => {
            let (address, parameters) = text.split_once(' ').unwrap_or((text, ""));
            (address.to_owned(), parameters.trim())
        }
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let text = text.trim_start();
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// One line without its CRLF (or LF), at most `max` bytes; longer lines are consumed and
/// reported, so a client cannot make us buffer without bound.
async fn read_line(reader: &mut (impl AsyncBufRead + Unpin), max: usize) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = match tokio::time::timeout(IDLE_TIMEOUT, reader.fill_buf()).await {
            Ok(result) => result?,
            Err(_) => return Err(std::io::ErrorKind::TimedOut.into()),
        };
        if available.is_empty() {
            return Ok(if line.is_empty() && !too_long { Line::Closed } else { finish(line, too_long) });
        }
        let (chunk, found_end) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..=end], true),
            None => (available, false),
        };
        let consumed = chunk.len();
        if line.len() + chunk.len() > max + 2 {
            too_long = true;
        } else {
            line.extend_from_slice(chunk);
        }
        reader.consume(consumed);
        if found_end {
            return Ok(finish(line, too_long));
        }
    }
}

fn finish(mut line: Vec<u8>, too_long: bool) -> Line {
    if too_long {
        return Line::TooLong;
    }
    while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        line.pop();
    }
    Line::Text(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_parameters_are_split() {
        assert_eq!(
            split_path(" <a@example.com> SIZE=100 BODY=8BITMIME"),
            ("a@example.com".to_owned(), "SIZE=100 BODY=8BITMIME")
        );
        assert_eq!(split_path("<>"), (String::new(), ""));
        assert_eq!(split_path("a@example.com"), ("a@example.com".to_owned(), ""));
        assert_eq!(strip_prefix_ignore_case("from:<a@b>", "FROM:"), Some("<a@b>"));
    }

    #[tokio::test]
    async fn long_lines_are_consumed_and_reported() {
        let input = format!("{}\r\nNOOP\r\n", "x".repeat(10_000));
        let mut reader = BufReader::new(input.as_bytes());
        assert!(matches!(read_line(&mut reader, 100).await.unwrap(), Line::TooLong));
        assert!(matches!(read_line(&mut reader, 100).await.unwrap(), Line::Text(line) if line == b"NOOP"));
        assert!(matches!(read_line(&mut reader, 100).await.unwrap(), Line::Closed));
    }
}

//! The log: tracing's plain text format on stderr, and the one line per GraphQL operation.
//!
//! The operation line is on every request's path, and tracing-subscriber's formatter spent about
//! 12,000 instructions on it (BENCHMARKS.md). When the binary's own subscriber is installed
//! ([`init`], no colours), the line is written in the same text from a reused buffer instead; an
//! embedding application's subscriber (or a terminal, with colours) still gets the tracing event.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use tracing_subscriber::EnvFilter;

mod batched_stderr;

use batched_stderr::BatchedStderr;
pub use batched_stderr::flush;

/// Set once [`init`] has installed the plain (uncoloured) stderr format.
static PLAIN_STDERR: AtomicBool = AtomicBool::new(false);

/// The binary's subscriber: `RUST_LOG` (default `info`), stderr, colours only on a terminal.
/// Lines reach stderr within `batched_stderr::FLUSH_AFTER`; call [`flush`] before exiting.
pub fn init() {
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let installed = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(BatchedStderr)
        .with_ansi(ansi)
        .try_init()
        .is_ok();
    if installed {
        batched_stderr::init();
    }
    PLAIN_STDERR.store(installed && !ansi, Ordering::Relaxed);
}

/// What the `graphql` target's line says about one executed request.
pub(crate) struct OperationLine<'a> {
    pub(crate) namespace: &'a str,
    pub(crate) operation: &'a str,
    /// The root fields, joined with `,`.
    pub(crate) fields: &'a [&'a str],
    pub(crate) scenario: Option<String>,
    pub(crate) status: u16,
    /// The errors' messages, joined with ` | `.
    pub(crate) errors: &'a [&'a str],
    pub(crate) elapsed: Duration,
}

impl OperationLine<'_> {
    pub(crate) fn log(&self) {
        if !PLAIN_STDERR.load(Ordering::Relaxed) {
            return self.event();
        }
        let enabled = tracing::enabled!(
            kind: tracing::metadata::Kind::EVENT,
            target: "graphql",
            tracing::Level::INFO,
            { message, namespace, operation, fields, scenario, status, errors, elapsed_us }
        );
        if !enabled {
            return;
        }
        thread_local! {
            static LINE: RefCell<String> = const { RefCell::new(String::new()) };
        }
        LINE.with_borrow_mut(|line| {
            line.clear();
            if self.write_plain(line, SystemTime::now()).is_ok() {
                // Whole lines into the batch that tracing-subscriber writes to: they never interleave.
                let _ = BatchedStderr.write_all(line.as_bytes());
            }
            // A rare huge line (long error messages) does not keep its buffer.
            if line.capacity() > 16 * 1024 {
                *line = String::new();
            }
        });
    }

    /// The tracing event, for any other subscriber.
    fn event(&self) {
        tracing::info!(
            target: "graphql",
            namespace = %self.namespace,
            operation = %self.operation,
            fields = %Joined(self.fields, ","),
            scenario = ?self.scenario,
            status = self.status,
            errors = %Joined(self.errors, " | "),
            elapsed_us = self.elapsed.as_micros() as u64,
            "graphql operation"
        );
    }

    /// tracing-subscriber's full format without colours, for this one event (no spans are ever
    /// entered): `{time}  INFO graphql: graphql operation name=value ...`.
    fn write_plain(&self, out: &mut String, now: SystemTime) -> fmt::Result {
        write_time_cached(out, now)?;
        out.push_str("  INFO graphql: graphql operation namespace=");
        out.push_str(self.namespace);
        out.push_str(" operation=");
        out.push_str(self.operation);
        out.push_str(" fields=");
        push_joined(out, self.fields, ",");
        match &self.scenario {
            None => out.push_str(" scenario=None"),
            Some(scenario) => write!(out, " scenario={:?}", Some(scenario))?,
        }
        out.push_str(" status=");
        push_decimal(out, u64::from(self.status));
        out.push_str(" errors=");
        push_joined(out, self.errors, " | ");
        out.push_str(" elapsed_us=");
        push_decimal(out, self.elapsed.as_micros() as u64);
        out.push('\n');
        Ok(())
    }
}

/// `n` in decimal, without the formatting machinery (two numbers on every request's line).
fn push_decimal(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn push_joined(out: &mut String, items: &[&str], separator: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item);
    }
}

/// Items written with a separator, without collecting them first.
struct Joined<'a>(&'a [&'a str], &'a str);

impl fmt::Display for Joined<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            f.write_str(item)?;
        }
        Ok(())
    }
}

/// RFC 3339 in UTC with microseconds, as tracing-subscriber's default timer writes it.
fn write_time(out: &mut String, now: SystemTime) -> fmt::Result {
    let Ok(since) = now.duration_since(SystemTime::UNIX_EPOCH) else {
        out.push_str("<unknown time>");
        return Ok(());
    };
    let Ok(time) = time::OffsetDateTime::from_unix_timestamp_nanos(since.as_nanos() as i128) else {
        out.push_str("<unknown time>");
        return Ok(());
    };
    write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        time.microsecond()
    )
}

/// [`write_time`], with the text up to the second formatted once per second and thread.
fn write_time_cached(out: &mut String, now: SystemTime) -> fmt::Result {
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let Ok(since) = now.duration_since(SystemTime::UNIX_EPOCH) else { return write_time(out, now) };
    SECOND.with_borrow_mut(|(second, prefix)| {
        if *second != since.as_secs() {
            prefix.clear();
            write_time(prefix, SystemTime::UNIX_EPOCH + Duration::from_secs(since.as_secs()))?;
            if prefix.strip_suffix("000000Z").is_none() {
                return write_time(out, now);
            }
            prefix.truncate(prefix.len() - "000000Z".len());
            *second = since.as_secs();
        }
        out.push_str(prefix);
        let micros = since.subsec_micros();
        for divisor in [100_000, 10_000, 1_000, 100, 10, 1] {
            out.push(char::from(b'0' + (micros / divisor % 10) as u8));
        }
        out.push('Z');
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use proptest::prelude::*;

    use super::*;

    /// A `MakeWriter` into a shared buffer.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The line as tracing-subscriber writes the event, and as `write_plain` writes it, each
    /// without its timestamp (the text up to the first space).
    fn both(line: &OperationLine<'_>) -> (String, String) {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        tracing::subscriber::with_default(subscriber, || line.event());
        let theirs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let mut ours = String::new();
        line.write_plain(&mut ours, SystemTime::now()).unwrap();
        let cut = |s: &str| s.split_once(' ').map(|(_, rest)| rest.to_owned()).unwrap_or_default();
        (cut(&theirs), cut(&ours))
    }

    #[test]
    fn the_line_is_tracing_subscribers_text() {
        let line = OperationLine {
            namespace: "default",
            operation: "mutation",
            fields: &["requestPasswordResetEmail", "resetPassword"],
            scenario: Some("locked".into()),
            status: 200,
            errors: &["The account is locked.", "Another \"quoted\" one"],
            elapsed: Duration::from_micros(1234),
        };
        let (theirs, ours) = both(&line);
        assert!(theirs.starts_with(" INFO graphql: graphql operation namespace=default "), "{theirs}");
        assert_eq!(ours, theirs);
        let none = OperationLine { fields: &[], scenario: None, errors: &[], ..line };
        let (theirs, ours) = both(&none);
        assert_eq!(ours, theirs);
    }

    #[test]
    fn the_timestamp_is_tracing_subscribers() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_764_712_800_123_456_789);
        let mut out = String::new();
        write_time(&mut out, at).unwrap();
        assert_eq!(out, "2025-12-02T22:00:00.123456Z");
        out.clear();
        write_time(&mut out, SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400)).unwrap();
        assert_eq!(out, "2000-02-29T00:00:00.000000Z");
        // The per-second cache gives the same text, within a second and across seconds.
        for at in [at, at + Duration::from_micros(7), at + Duration::from_millis(1500), SystemTime::now()] {
            let (mut cached, mut plain) = (String::new(), String::new());
            write_time_cached(&mut cached, at).unwrap();
            write_time(&mut plain, at).unwrap();
            assert_eq!(cached, plain);
        }
    }

    proptest! {
        #[test]
        fn any_text_is_written_as_tracing_subscriber_writes_it(
            namespace in "\\PC{0,12}",
            operation in "(query|mutation|subscription)",
            fields in proptest::collection::vec("[a-zA-Z_]{1,10}", 0..3),
            scenario in proptest::option::of("[a-z0-9-]{1,12}"),
            status in 100u16..600,
            errors in proptest::collection::vec("\\PC{0,20}|[\\x00-\\x1f\\x7f-\\x9f\"\\\\]{0,4}", 0..3),
            micros in 0u64..10_000_000,
        ) {
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            let errors: Vec<&str> = errors.iter().map(String::as_str).collect();
            let line = OperationLine {
                namespace: &namespace,
                operation: &operation,
                fields: &fields,
                scenario,
                status,
                errors: &errors,
                elapsed: Duration::from_micros(micros),
            };
            let (theirs, ours) = both(&line);
            prop_assert_eq!(ours, theirs);
        }
    }
}

//! Log output gathered for a few milliseconds and written to stderr in one `write(2)`.
//!
//! Under load the operation line was one `write(2)` per request (BENCHMARKS.md, "The fourth
//! pass"; `bench/kernel_share.sh mock 2 --syscalls`). Lines now wait at most
//! [`FLUSH_AFTER`] in a buffer shared by every writer, so they keep their order, and a buffer of
//! [`MAX_PENDING`] bytes is written at once by whoever fills it, so memory stays bounded. An idle
//! server makes no wake-ups: the flushing thread sleeps until a line arrives. It writes a batch
//! after letting go of the buffer, so a request appending its line never waits behind a write.
//!
//! What can be lost: the last [`FLUSH_AFTER`] of lines if the process is killed with SIGKILL.
//! A normal stop and a panic write everything out first ([`flush`], [`init`]).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, Once, PoisonError};
use std::time::Duration;

/// How long a line may wait before it is written.
pub(crate) const FLUSH_AFTER: Duration = Duration::from_millis(10);
/// Bytes waiting at which a writer writes them itself instead of waiting for the flusher.
pub(crate) const MAX_PENDING: usize = 64 * 1024;

static PENDING: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static ARRIVED: Condvar = Condvar::new();
static STARTED: Once = Once::new();
/// Set once the flushing thread runs; until then (or if it could not start) each line is written at once.
static FLUSHING: AtomicBool = AtomicBool::new(false);

/// A `Write` (and tracing-subscriber `MakeWriter`) that appends to the shared buffer.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BatchedStderr;

impl Write for BatchedStderr {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        append(bytes);
        Ok(bytes.len())
    }

    /// Nothing: tracing-subscriber flushes after every event, which would undo the batching.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl tracing_subscriber::fmt::MakeWriter<'_> for BatchedStderr {
    type Writer = BatchedStderr;

    fn make_writer(&self) -> Self::Writer {
        *self
    }
}

/// Starts the flushing thread and makes a panic write out what is waiting before its message.
pub(crate) fn init() {
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new().name("log-flush".into()).spawn(flush_forever);
        if spawned.is_err() {
            return; // No thread: `append` writes every line itself, as before.
        }
        FLUSHING.store(true, Ordering::Release);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // try_lock: the panic may have come from a thread that holds the buffer.
            if let Ok(mut pending) = PENDING.try_lock() {
                write_out(&mut pending);
            }
            previous(info);
        }));
    });
}

/// Writes out everything waiting now (at shutdown, and before writing to stderr directly).
pub fn flush() {
    write_out(&mut lock());
}

fn append(bytes: &[u8]) {
    let mut pending = lock();
    if !FLUSHING.load(Ordering::Acquire) {
        pending.extend_from_slice(bytes);
        return write_out(&mut pending);
    }
    let was_empty = pending.is_empty();
    pending.extend_from_slice(bytes);
    if pending.len() >= MAX_PENDING {
        write_out(&mut pending);
    } else if was_empty {
        ARRIVED.notify_one();
    }
}

fn flush_forever() {
    // Swapped with the shared buffer, so writers append to an empty one while this is written.
    let mut batch = Vec::new();
    let mut pending = lock();
    loop {
        while pending.is_empty() {
            pending = ARRIVED.wait(pending).unwrap_or_else(PoisonError::into_inner);
        }
        drop(pending);
        std::thread::sleep(FLUSH_AFTER);
        pending = lock();
        std::mem::swap(&mut *pending, &mut batch);
        // Taken before the buffer is let go: a writer that fills the buffer next writes after
        // this batch, so lines keep their order.
        let mut stderr = io::stderr().lock();
        drop(pending);
        write_to(&mut stderr, &mut batch);
        drop(stderr);
        pending = lock();
    }
}

/// Written while the buffer is held, so no later line can overtake it.
fn write_out(pending: &mut Vec<u8>) {
    if !pending.is_empty() {
        write_to(&mut io::stderr().lock(), pending);
    }
}

/// Writes `lines` and empties them.
fn write_to(stderr: &mut io::StderrLock<'_>, lines: &mut Vec<u8>) {
    // Nowhere to report a failing stderr; the lines are dropped, as `eprintln!` would panic.
    let _ = stderr.write_all(lines);
    lines.clear();
    // A burst's buffer is not kept for ever.
    if lines.capacity() > 4 * MAX_PENDING {
        *lines = Vec::new();
    }
}

fn lock() -> MutexGuard<'static, Vec<u8>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

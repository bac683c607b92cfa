//! The HTTP accept loop: HTTP/1.1 with upgrades (for `/api/events`), a cap on connections, a
//! timeout on reading request headers (slow clients cannot hold connections), breakable
//! connections for the `connection-reset` fault, and graceful shutdown. The header timeout and the
//! shutdown are kept by one watchdog over every connection (`watchdog.rs`).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::connection::{FaultableStream, Peer, ResetSwitch};
use super::dispatch::Dispatch;
use super::watchdog::{HeadTimer, Watchdog};

/// Connections served at once; further clients wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `dispatch` on `listener` until `shutdown` completes, then lets requests in flight finish.
/// A client must send its request line and headers within `header_read_timeout` (and is cut
/// off at most a tenth of it later, 10 ms at least and a second at most: `watchdog.rs`).
pub async fn serve(
    listener: TcpListener,
    dispatch: Dispatch,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let watchdog = Watchdog::new(header_read_timeout, MAX_CONNECTIONS);
    let watching = tokio::spawn(watchdog.run());
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let reset = ResetSwitch::default();
        let peer = Peer { address, reset: reset.clone() };
        let io = TokioIo::new(FaultableStream::new(stream, reset));
        let service = dispatch.for_connection(peer);
        let watch = watchdog.watch();
        tokio::spawn(async move {
            let mut builder = http1::Builder::new();
            builder.timer(HeadTimer(Arc::clone(&watch))).header_read_timeout(header_read_timeout);
            // A client that closes its side mid-request still gets its answer written, and the
            // request runs to its end, as a PHP script does (it only notices an aborted client
            // when it writes output). It also spares hyper a read while the handler runs, which
            // allocated a new 8 KiB buffer for every request (BENCHMARKS.md, the eighth pass).
            builder.half_close(true);
            let connection = builder.serve_connection(io, service).with_upgrades();
            let mut connection = pin!(connection);
            let mut shutting_down = false;
            let ended = std::future::poll_fn(|cx| {
                if !shutting_down && watch.stopping(cx) {
                    shutting_down = true;
                    connection.as_mut().graceful_shutdown();
                }
                connection.as_mut().poll(cx)
            });
            if let Err(error) = ended.await {
                tracing::trace!(%error, "connection ended");
            }
            drop(permit);
        });
    }
    watchdog.stop();
    // Every connection holds a permit until it ends.
    let max = u32::try_from(MAX_CONNECTIONS).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, connections.acquire_many(max)).await;
    watching.abort();
    Ok(())
}

//! The HTTP accept loop: HTTP/1.1 with upgrades (for `/api/events`), a cap on connections, a
//! timeout on reading request headers (slow clients cannot hold connections), breakable
//! connections for the `connection-reset` fault, and graceful shutdown.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::connection::{FaultableStream, Peer, ResetSwitch};
use super::dispatch::Dispatch;

/// Connections served at once; further clients wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `dispatch` on `listener` until `shutdown` completes, then lets requests in flight finish.
/// A client must send its request line and headers within `header_read_timeout`.
pub async fn serve(
    listener: TcpListener,
    dispatch: Dispatch,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (stop_tx, stop_rx) = watch::channel(false);
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
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut builder = http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
            // A client that closes its side mid-request still gets its answer written, and the
            // request runs to its end, as a PHP script does (it only notices an aborted client
            // when it writes output). It also spares hyper a read while the handler runs, which
            // allocated a new 8 KiB buffer for every request (BENCHMARKS.md, the eighth pass).
            builder.half_close(true);
            let connection = builder.serve_connection(io, service).with_upgrades();
            let mut connection = pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::trace!(%error, "connection ended");
                    }
                }
                () = stopping(&mut stop) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(permit);
        });
    }
    let _ = stop_tx.send(true);
    // Every connection holds a permit until it ends.
    let max = u32::try_from(MAX_CONNECTIONS).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, connections.acquire_many(max)).await;
    Ok(())
}

/// Completes once shutdown has begun.
async fn stopping(stop: &mut watch::Receiver<bool>) {
    loop {
        if *stop.borrow_and_update() {
            return;
        }
        if stop.changed().await.is_err() {
            return;
        }
    }
}

//! Connections the server can break on purpose: the `connection-reset` fault must reach the
//! client as a real TCP reset, not as an HTTP answer.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Flipped by a handler; the connection then ends with a TCP RST at its next write.
#[derive(Clone, Debug, Default)]
pub struct ResetSwitch(Arc<AtomicBool>);

impl ResetSwitch {
    pub fn trip(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn is_tripped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

pub struct FaultableStream {
    inner: TcpStream,
    reset: ResetSwitch,
}

impl FaultableStream {
    pub fn new(inner: TcpStream, reset: ResetSwitch) -> Self {
        Self { inner, reset }
    }

    fn reset_now(&self) -> io::Error {
        // A zero linger makes the close that follows send RST instead of FIN (and, being zero,
        // never blocks the thread on drop).
        let _ = self.inner.set_zero_linger();
        io::Error::new(io::ErrorKind::ConnectionReset, "connection-reset scenario")
    }
}

impl AsyncRead for FaultableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.reset.is_tripped() {
            return Poll::Ready(Err(self.reset_now()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.reset.is_tripped() {
            return Poll::Ready(Err(self.reset_now()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// What a handler learns about its connection (`ConnectInfo<Peer>`).
#[derive(Clone, Debug)]
pub struct Peer {
    pub address: SocketAddr,
    pub reset: ResetSwitch,
}

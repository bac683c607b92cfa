//! Connections the server can break on purpose: the `connection-reset` fault must reach the
//! client as a real TCP reset, not as an HTTP answer.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections carry a [`ResetSwitch`].
pub struct FaultableListener {
    inner: TcpListener,
}

impl FaultableListener {
    pub fn new(inner: TcpListener) -> Self {
        Self { inner }
    }
}

impl Listener for FaultableListener {
    type Io = FaultableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, address) = Listener::accept(&mut self.inner).await;
        // Answers are small and many: send them at once.
        let _ = stream.set_nodelay(true);
        (FaultableStream { inner: stream, reset: ResetSwitch::default() }, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

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

impl Connected<IncomingStream<'_, FaultableListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, FaultableListener>) -> Self {
        Self { address: *stream.remote_addr(), reset: stream.io().reset.clone() }
    }
}

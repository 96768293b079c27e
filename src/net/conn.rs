//! One open session: the socket it reads and writes, its output queue, its times and the
//! flags that guarantee exactly one onClose.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};

/// An accepted connection's socket.
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    /// A TCP connection after its TLS handshake (boxed: rustls' state is large). Reads and
    /// writes go through rustls; nothing may write to the raw socket behind its back.
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
    /// A plain TCP or unix stream connection served by the io_uring backend.
    Uring(super::uring::UringStream),
}

impl Stream {
    pub(super) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self {
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Unix(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(&mut **s).poll_read(cx, buf),
            Stream::Uring(s) => {
                let n = std::task::ready!(s.poll_read(cx, buf.initialize_unfilled()))?;
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
        }
    }
    pub(super) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self {
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Unix(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(&mut **s).poll_write(cx, buf),
            Stream::Uring(s) => s.poll_write(cx, buf),
        }
    }
    /// Registers interest in writability (for sendfile(2), which bypasses `poll_write`).
    pub(super) fn poll_write_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            Stream::Tcp(s) => s.poll_write_ready(cx),
            Stream::Unix(s) => s.poll_write_ready(cx),
            Stream::Tls(s) => s.get_ref().0.poll_write_ready(cx),
            Stream::Uring(s) => s.poll_write_ready(cx),
        }
    }
    /// Runs a non-blocking write done outside tokio (sendfile(2)); a WouldBlock clears
    /// tokio's cached readiness, so the next `poll_write_ready` waits for the kernel.
    pub(super) fn try_write_io(&self, f: impl FnMut() -> io::Result<usize>) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.try_io(tokio::io::Interest::WRITABLE, f),
            Stream::Unix(s) => s.try_io(tokio::io::Interest::WRITABLE, f),
            Stream::Tls(s) => s.get_ref().0.try_io(tokio::io::Interest::WRITABLE, f),
            Stream::Uring(s) => s.try_write_io(f),
        }
    }
    pub(super) fn raw_fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
            Stream::Tls(s) => s.get_ref().0.as_raw_fd(),
            Stream::Uring(s) => s.raw_fd(),
        }
    }

    /// Moves a plain TCP or unix stream to the io_uring backend (tokio lets go of the fd);
    /// anything else stays as it is. None if tokio could not deregister the socket (the
    /// connection is lost, as when accept fails).
    pub(super) fn into_uring(self, driver: &std::rc::Rc<super::uring::Driver>) -> Option<Stream> {
        let fd: std::os::fd::OwnedFd = match self {
            Stream::Tcp(s) => s.into_std().ok()?.into(),
            Stream::Unix(s) => s.into_std().ok()?.into(),
            other => return Some(other),
        };
        Some(Stream::Uring(super::uring::UringStream::new(
            driver.clone(),
            fd,
        )))
    }

    /// The ring state a `Conn` shares with this stream (io_uring backend only).
    pub(super) fn uring_io(&self) -> Option<std::rc::Rc<super::uring::ConnIo>> {
        match self {
            Stream::Uring(s) => Some(s.io().clone()),
            _ => None,
        }
    }

    /// Before the task waits: completions of the ring wake this waker.
    pub(super) fn register(&self, cx: &Context<'_>) {
        if let Stream::Uring(s) = self {
            s.io().register(cx);
        }
    }

    pub(super) fn is_tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }

    /// Pushes out TLS records rustls still holds (written plaintext is encrypted into its
    /// buffer first). Ready at once for plain sockets, which buffer nothing.
    pub(super) fn poll_flush_tls(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            Stream::Tls(s) if s.get_ref().1.wants_write() => {
                tokio::io::AsyncWrite::poll_flush(Pin::new(&mut **s), cx)
            }
            _ => Poll::Ready(Ok(())),
        }
    }

    /// The verified client certificate of a TLS connection, as PEM.
    pub(super) fn peer_certificate_pem(&self) -> Option<String> {
        match self {
            Stream::Tls(s) => s
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|c| c.first())
                .map(|c| super::tls::pem_certificate(c.as_ref())),
            _ => None,
        }
    }
}

/// One queued piece of output.
pub(super) enum Chunk {
    Bytes(Vec<u8>),
    /// `sendfile()`: bytes `offset..end` of an open file, sent with sendfile(2) when the
    /// chunk reaches the front, so a large file is never read into memory.
    File {
        file: std::fs::File,
        offset: u64,
        end: u64,
    },
}

/// Why a session ended, reported by `getClientInfo()` inside onClose (`close_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer closed its side (EOF).
    PeerClosed,
    /// The connection failed: reset by the peer, or a read/write error.
    PeerReset,
    /// Idle longer than `heartbeat_idle_time` (closed by the heartbeat or `heartbeat()`).
    Heartbeat,
    /// Nothing received or sent for `max_idle_time`.
    IdleTimeout,
    /// `$server->close()`.
    ServerClose,
    /// A framing error (packet too large, malformed data).
    ProtocolError,
    /// An uncaught exception in one of this connection's callbacks.
    CallbackException,
    /// The server shuts down.
    Shutdown,
    /// This worker stops (max_request, reload) while the server keeps running.
    WorkerExit,
}

impl CloseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::PeerClosed => "peer_closed",
            CloseReason::PeerReset => "peer_reset",
            CloseReason::Heartbeat => "heartbeat",
            CloseReason::IdleTimeout => "max_idle_time",
            CloseReason::ServerClose => "server_close",
            CloseReason::ProtocolError => "protocol_error",
            CloseReason::CallbackException => "callback_exception",
            CloseReason::Shutdown => "shutdown",
            CloseReason::WorkerExit => "worker_exit",
        }
    }
}

/// One open session. Shared between its task (which owns the socket) and the PHP methods
/// (which write to it directly while its queue is empty and otherwise queue and wake it).
pub struct Conn {
    pub id: u64,
    /// Index of the listener that accepted it (0: the primary port), whose settings and
    /// callbacks apply.
    pub port: usize,
    /// The OS descriptor, for direct non-blocking sends; valid while the task lives, which
    /// is at least as long as the session is in the table.
    pub socket_fd: RawFd,
    pub remote_ip: String,
    pub remote_port: u16,
    /// Accepted through a PROXY protocol header: the balancer's side (`open_proxy_protocol`).
    pub proxied: Option<Box<super::proxy::Proxied>>,
    /// A TLS session: `send()` must queue (rustls encrypts in the task), never write the fd.
    pub tls: bool,
    /// `getClientInfo()['ssl_client_cert']`: the verified client certificate (PEM).
    pub ssl_client_cert: Option<String>,
    pub connect_time: f64,
    pub last_recv_time: Cell<f64>,
    pub last_send_time: Cell<f64>,
    pub last_dispatch_time: Cell<f64>,
    /// Queued output not yet accepted by the kernel, oldest first.
    pub(super) out: RefCell<VecDeque<Chunk>>,
    /// Bytes of the front chunk already written.
    pub(super) out_offset: Cell<usize>,
    /// Queued bytes held in memory (what `socket_buffer_size` bounds).
    pub(super) out_bytes: Cell<usize>,
    /// Queued `sendfile()` chunks: output is pending while this is non-zero too.
    pub(super) out_files: Cell<u32>,
    /// Above `buffer_high_watermark` since the last BufferFull, until BufferEmpty.
    pub(super) buffer_full: Cell<bool>,
    /// BufferFull / BufferEmpty to deliver from the connection's task (not from inside
    /// `send()`, which runs in the middle of a user callback).
    pub(super) pending_full: Cell<bool>,
    pub(super) pending_empty: Cell<bool>,
    /// Exempt from the heartbeat (`protect()`).
    pub protected: Cell<bool>,
    /// `enable_delay_receive`: not read until `confirm()`.
    pub(super) delayed: Cell<bool>,
    pub(super) close_reason: Cell<CloseReason>,
    pub recv_queued: Cell<usize>,
    /// Set once onClose has been scheduled; guarantees exactly one onClose.
    pub(super) closing: Cell<bool>,
    /// Close without flushing (`close($fd, true)`), with an RST.
    pub(super) reset: Cell<bool>,
    pub(super) paused: Cell<bool>,
    pub(super) waker: RefCell<Option<Waker>>,
    /// io_uring backend: the ring state shared with the task's stream (`send()` starts a
    /// `Send` through it instead of writing the fd; one in flight counts as output).
    pub(super) ring: Option<std::rc::Rc<super::uring::ConnIo>>,
}

impl Conn {
    pub fn is_closing(&self) -> bool {
        self.closing.get()
    }
    pub fn send_queued(&self) -> usize {
        self.out_bytes.get()
    }
    /// Set once closing has begun (meaningful inside onClose).
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.closing.get().then(|| self.close_reason.get())
    }
    pub(super) fn has_output(&self) -> bool {
        self.out_bytes.get() > 0
            || self.out_files.get() > 0
            || self.ring.as_ref().is_some_and(|r| r.sending())
    }
    pub(super) fn wake(&self) {
        if let Some(w) = self.waker.borrow().as_ref() {
            w.wake_by_ref();
        }
    }
}

/// Makes the following close send an RST instead of a FIN (`close($fd, true)`).
pub(crate) fn set_linger_zero(fd: RawFd) {
    let l = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: fd is the connection's open socket; the struct outlives the call.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&l as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

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
        }
    }
    pub(super) fn raw_fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }
}

/// One open session. Shared between its task (which owns the socket) and the PHP methods
/// (which write to it directly while its queue is empty and otherwise queue and wake it).
pub struct Conn {
    pub id: u64,
    /// The OS descriptor, for direct non-blocking sends; valid while the task lives, which
    /// is at least as long as the session is in the table.
    pub socket_fd: RawFd,
    pub remote_ip: String,
    pub remote_port: u16,
    pub connect_time: f64,
    pub last_recv_time: Cell<f64>,
    pub last_send_time: Cell<f64>,
    pub last_dispatch_time: Cell<f64>,
    /// Queued output not yet accepted by the kernel, oldest first.
    pub(super) out: RefCell<VecDeque<Vec<u8>>>,
    /// Bytes of the front chunk already written.
    pub(super) out_offset: Cell<usize>,
    pub(super) out_bytes: Cell<usize>,
    pub recv_queued: Cell<usize>,
    /// Set once onClose has been scheduled; guarantees exactly one onClose.
    pub(super) closing: Cell<bool>,
    /// Close without flushing (`close($fd, true)`), with an RST.
    pub(super) reset: Cell<bool>,
    pub(super) paused: Cell<bool>,
    pub(super) waker: RefCell<Option<Waker>>,
}

impl Conn {
    pub fn is_closing(&self) -> bool {
        self.closing.get()
    }
    pub fn send_queued(&self) -> usize {
        self.out_bytes.get()
    }
    pub(super) fn wake(&self) {
        if let Some(w) = self.waker.borrow().as_ref() {
            w.wake_by_ref();
        }
    }
}

/// Makes the following close send an RST instead of a FIN (`close($fd, true)`).
pub(super) fn set_linger_zero(fd: RawFd) {
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

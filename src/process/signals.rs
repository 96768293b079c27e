//! Signals while a server runs.
//!
//! PHP CLI has its own signal handlers and tokio's signal module would chain to them, killing the
//! process without a graceful shutdown. Instead, while `start()` runs, SIGTERM and SIGINT (and,
//! in the manager, SIGUSR1 and SIGCHLD) get an async-signal-safe handler that writes the signal
//! number to a pipe watched by the loop; the previous actions are restored when `start()`
//! returns. SIGPIPE is ignored meanwhile (writes use MSG_NOSIGNAL anyway; this covers any
//! other write path).

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use tokio::io::unix::AsyncFd;

/// Write end of the signal pipe, read by the handler (which may only touch atomics).
static SIGNAL_PIPE_WR: AtomicI32 = AtomicI32::new(-1);

const HANDLED: [libc::c_int; 2] = [libc::SIGTERM, libc::SIGINT];

extern "C" fn on_signal(sig: libc::c_int) {
    let fd = SIGNAL_PIPE_WR.load(Ordering::Relaxed);
    if fd >= 0 {
        let b = sig as u8;
        // SAFETY: write(2) is async-signal-safe; the fd is a non-blocking pipe.
        unsafe { libc::write(fd, (&b as *const u8).cast(), 1) };
    }
}

/// Installed handlers; dropping it restores what was there before and closes the pipe.
pub struct SignalGuard {
    old: Vec<(libc::c_int, libc::sigaction)>,
    read_fd: RawFd,
    write_fd: RawFd,
}

impl SignalGuard {
    pub fn install() -> io::Result<SignalGuard> {
        SignalGuard::install_for(&HANDLED)
    }

    /// Like `install()`, for the given signals (the manager adds SIGUSR1 and SIGCHLD).
    pub fn install_for(signals: &[libc::c_int]) -> io::Result<SignalGuard> {
        let mut fds = [0; 2];
        // SAFETY: fds is a valid 2-element array.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
        SIGNAL_PIPE_WR.store(fds[1], Ordering::Relaxed);
        let mut guard = SignalGuard {
            old: Vec::new(),
            read_fd: fds[0],
            write_fd: fds[1],
        };
        for &sig in signals {
            guard.set(sig, on_signal as extern "C" fn(libc::c_int) as usize)?;
        }
        guard.set(libc::SIGPIPE, libc::SIG_IGN)?;
        Ok(guard)
    }

    fn set(&mut self, sig: libc::c_int, handler: usize) -> io::Result<()> {
        // SAFETY: zeroed sigaction is a valid starting point; pointers are valid.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = handler;
            act.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut act.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, &act, &mut old) != 0 {
                return Err(io::Error::last_os_error());
            }
            self.old.push((sig, old));
        }
        Ok(())
    }

    /// Waits for the next SIGTERM or SIGINT; returns its number.
    pub async fn wait(&self) -> io::Result<i32> {
        // SAFETY: read_fd stays open until this guard is dropped, which cannot happen while
        // `self` is borrowed here; the registration is dropped when this function returns.
        let afd = unsafe { AsyncFd::register(self.read_fd) }.map_err(io::Error::from)?;
        loop {
            let mut ready = afd.readable().await?;
            let mut b = 0u8;
            // SAFETY: reading one byte into a valid local from our own pipe.
            let n = unsafe { libc::read(self.read_fd, (&mut b as *mut u8).cast(), 1) };
            if n == 1 {
                return Ok(b as i32);
            }
            ready.clear_ready();
        }
    }
}

impl SignalGuard {
    /// Waits (blocking, no runtime) up to `timeout` for signals; returns those received.
    pub fn wait_blocking(&self, timeout: Duration) -> Vec<i32> {
        let mut pfd = libc::pollfd {
            fd: self.read_fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut pfd, 1, ms) };
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: reading into a valid local buffer from our own non-blocking pipe.
            let n = unsafe { libc::read(self.read_fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            out.extend(buf[..n as usize].iter().map(|b| *b as i32));
        }
        out
    }

    /// In a freshly forked child: forget this guard without touching the parent's pipe
    /// contents. Restores the saved signal actions and closes the child's copies of the fds.
    /// The caller must never drop this guard in the child (it ends with `_exit`).
    pub fn release_in_child(&self) {
        SIGNAL_PIPE_WR.store(-1, Ordering::Relaxed);
        for (sig, old) in self.old.iter().rev() {
            // SAFETY: restoring the action saved by install().
            unsafe { libc::sigaction(*sig, old, std::ptr::null_mut()) };
        }
        // SAFETY: closing the child's copies of the pipe; the parent keeps its own.
        unsafe {
            libc::close(self.read_fd);
            libc::close(self.write_fd);
        }
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        for (sig, old) in self.old.drain(..).rev() {
            // SAFETY: restoring the action saved by install().
            unsafe { libc::sigaction(sig, &old, std::ptr::null_mut()) };
        }
        SIGNAL_PIPE_WR.store(-1, Ordering::Relaxed);
        // SAFETY: closing the pipe we created.
        unsafe {
            libc::close(self.read_fd);
            libc::close(self.write_fd);
        }
    }
}

/// Blocks every signal; returns the previous mask (for `restore_sigmask`). Used around
/// `fork()` so no handler runs in the child before it has reset the parent's handlers.
pub fn block_all_signals() -> libc::sigset_t {
    // SAFETY: sigset_t values are initialised by sigfillset / pthread_sigmask.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        old
    }
}

pub fn restore_sigmask(old: &libc::sigset_t) {
    // SAFETY: `old` came from block_all_signals().
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, old, std::ptr::null_mut()) };
}

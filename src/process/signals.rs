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
    /// Handlers for `signals` (the manager's SIGTERM, SIGINT, SIGUSR1/2, SIGCHLD, …), with
    /// SIGPIPE ignored.
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
        self.drain()
    }

    /// The signals waiting in the pipe, without blocking.
    fn drain(&self) -> Vec<i32> {
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

    /// Like [`wait_blocking`](Self::wait_blocking), but also wakes when `extra` is readable
    /// (the PROCESS master's `dispatch_func` queue); returns the signals and whether `extra`
    /// was readable. The signal pipe is only read when poll says it has something.
    pub fn wait_blocking_or(&self, extra: RawFd, timeout: Duration) -> (Vec<i32>, bool) {
        let mut pfds = [
            libc::pollfd {
                fd: self.read_fd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: extra,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: two valid pollfds.
        unsafe { libc::poll(pfds.as_mut_ptr(), 2, ms) };
        let out = if pfds[0].revents != 0 {
            self.drain()
        } else {
            Vec::new()
        };
        (out, pfds[1].revents != 0)
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

/// What an event loop reads from its signalfd: SIGTERM/SIGINT (stop) and SIGRTMIN/SIGWINCH
/// (reopen `log_file`, as Swoole).
fn loop_signals() -> [libc::c_int; 4] {
    [
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGRTMIN(),
        libc::SIGWINCH,
    ]
}

/// Signals of an event loop (a worker, or a server without a manager): SIGTERM and SIGINT
/// (and the log-reopening signals) stay **blocked** and are read from a `signalfd` the loop watches, so a reload or shutdown
/// never interrupts user code: a callback inside `sleep()` finishes its sleep (a handler would
/// make `sleep()` return early), and the manager kills a worker that overruns
/// `max_wait_time`, as Swoole does. SIGPIPE is ignored meanwhile.
///
/// The mask is inherited by processes the callbacks start (`exec()`, `proc_open()`), as with
/// Swoole: such children start with SIGTERM/SIGINT blocked.
pub struct LoopSignals {
    fd: RawFd,
    old_mask: libc::sigset_t,
    old_pipe: libc::sigaction,
    /// The signals the signalfd reads now (the fixed ones plus those watched for PHP's
    /// `Swoole\Process::signal()`).
    watched: std::cell::Cell<libc::sigset_t>,
}

impl LoopSignals {
    /// Blocks SIGTERM and SIGINT on top of `base` (a forked worker passes the mask it had
    /// before the fork; None keeps the current one) and opens the signalfd.
    pub fn install(base: Option<&libc::sigset_t>) -> io::Result<LoopSignals> {
        // SAFETY: sigset_t/sigaction values initialised by the libc calls below; every
        // pointer is to a valid local.
        unsafe {
            let mut old_mask: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_SETMASK, std::ptr::null(), &mut old_mask);
            let mut set = *base.unwrap_or(&old_mask);
            let mut only: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut only);
            for sig in loop_signals() {
                libc::sigaddset(&mut set, sig);
                libc::sigaddset(&mut only, sig);
            }
            if libc::pthread_sigmask(libc::SIG_SETMASK, &set, std::ptr::null_mut()) != 0 {
                return Err(io::Error::last_os_error());
            }
            let fd = libc::signalfd(-1, &only, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC);
            if fd < 0 {
                let e = io::Error::last_os_error();
                libc::pthread_sigmask(libc::SIG_SETMASK, &old_mask, std::ptr::null_mut());
                return Err(e);
            }
            let mut ign: libc::sigaction = std::mem::zeroed();
            ign.sa_sigaction = libc::SIG_IGN;
            libc::sigemptyset(&mut ign.sa_mask);
            let mut old_pipe: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGPIPE, &ign, &mut old_pipe);
            Ok(LoopSignals {
                fd,
                old_mask,
                old_pipe,
                watched: std::cell::Cell::new(only),
            })
        }
    }

    /// Also reads `sig` from now on (blocked, so its default action never runs): for a PHP
    /// handler installed with `Swoole\Process::signal()`. SIGKILL and SIGSTOP cannot be.
    pub fn watch(&self, sig: libc::c_int) -> io::Result<()> {
        if sig == libc::SIGKILL || sig == libc::SIGSTOP || !(1..=64).contains(&sig) {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        let mut set = self.watched.get();
        // SAFETY: valid sigset_t values; our own signalfd.
        unsafe {
            libc::sigaddset(&mut set, sig);
            let mut one: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut one);
            libc::sigaddset(&mut one, sig);
            libc::pthread_sigmask(libc::SIG_BLOCK, &one, std::ptr::null_mut());
            if libc::signalfd(self.fd, &set, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC) < 0 {
                return Err(io::Error::last_os_error());
            }
        }
        self.watched.set(set);
        Ok(())
    }

    /// Stops reading `sig` (its handler was removed): it gets its default action again.
    /// The loop's own signals stay.
    pub fn unwatch(&self, sig: libc::c_int) {
        if loop_signals().contains(&sig) {
            return;
        }
        let mut set = self.watched.get();
        // SAFETY: valid sigset_t values; our own signalfd.
        unsafe {
            libc::sigdelset(&mut set, sig);
            libc::signalfd(self.fd, &set, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC);
            let mut one: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut one);
            libc::sigaddset(&mut one, sig);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &one, std::ptr::null_mut());
        }
        self.watched.set(set);
    }

    /// Waits for the next signal the loop reads; returns its number.
    pub async fn wait(&self) -> io::Result<i32> {
        // SAFETY: the fd stays open until this value is dropped, which cannot happen while
        // `self` is borrowed here; the registration is dropped when this function returns.
        let afd = unsafe { AsyncFd::register(self.fd) }.map_err(io::Error::from)?;
        loop {
            let mut ready = afd.readable().await?;
            if let Some(sig) = self.read_one() {
                return Ok(sig);
            }
            ready.clear_ready();
        }
    }

    fn read_one(&self) -> Option<i32> {
        // SAFETY: an all-zero signalfd_siginfo is valid; read(2) fills at most its size.
        let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::signalfd_siginfo>();
        // SAFETY: reading one record into a valid local from our own non-blocking signalfd.
        let n = unsafe {
            libc::read(
                self.fd,
                (&mut info as *mut libc::signalfd_siginfo).cast(),
                size,
            )
        };
        (n as usize == size).then_some(info.ssi_signo as i32)
    }
}

impl Drop for LoopSignals {
    fn drop(&mut self) {
        // Consume what arrived after the loop stopped listening, so restoring the mask does
        // not hand it to PHP's default action.
        while self.read_one().is_some() {}
        // SAFETY: restoring what install() saved, and closing our own fd.
        unsafe {
            libc::sigaction(libc::SIGPIPE, &self.old_pipe, std::ptr::null_mut());
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old_mask, std::ptr::null_mut());
            libc::close(self.fd);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_signal_is_read_from_the_signalfd_and_sleep_is_not_interrupted() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let s = LoopSignals::install(None).unwrap();
            // SAFETY: sending ourselves a signal that is blocked (so nothing runs).
            unsafe { libc::raise(libc::SIGTERM) };
            // A blocking sleep with the signal pending returns only when its time is up.
            let t = std::time::Instant::now();
            // SAFETY: plain usleep.
            unsafe { libc::usleep(50_000) };
            assert!(t.elapsed() >= Duration::from_millis(45));
            assert_eq!(s.wait().await.unwrap(), libc::SIGTERM);
            // A watched extra signal is read too.
            s.watch(libc::SIGUSR2).unwrap();
            // SAFETY: as above.
            unsafe { libc::raise(libc::SIGUSR2) };
            assert_eq!(s.wait().await.unwrap(), libc::SIGUSR2);
            assert!(s.watch(libc::SIGKILL).is_err());
            s.unwatch(libc::SIGUSR2);
            // SAFETY: as above.
            unsafe { libc::raise(libc::SIGINT) };
            drop(s); // drained: restoring the mask does not kill the test process
        });
    }
}

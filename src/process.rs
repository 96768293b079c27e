//! Process-level concerns: signal handling, pids, the page of counters shared by worker
//! processes, the manager's restart back-off, and the log (`log_file`, `log_level`).
//!
//! PHP CLI has its own signal handlers and tokio's signal module would chain to them, killing the
//! process without a graceful shutdown. Instead, while `start()` runs, SIGTERM and SIGINT get
//! an async-signal-safe handler that writes the signal number to a pipe watched by the loop;
//! the previous actions are restored when `start()` returns. SIGPIPE is ignored meanwhile
//! (writes use MSG_NOSIGNAL anyway; this covers any other write path).

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::unix::AsyncFd;

use crate::shm::{Mapping, ShmSafe};

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

pub fn getpid() -> i64 {
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() as i64 }
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

/// Worker slots tracked in the shared page (pids, open connections). Workers with a higher
/// id share slots modulo this number.
pub const MAX_SLOTS: usize = 256;

/// Counters shared by every worker of a server: session ids and `stats()`. Lives in a
/// `MAP_SHARED` anonymous mapping created before the workers are forked (or on the heap for
/// a single-process server).
#[repr(C)]
pub struct SharedStats {
    /// The last session id handed out (`session_round`).
    pub next_session: AtomicU64,
    pub start_time: AtomicU64,
    pub accept_count: AtomicU64,
    pub close_count: AtomicU64,
    pub abort_count: AtomicU64,
    pub request_count: AtomicU64,
    pub response_count: AtomicU64,
    pub total_recv_bytes: AtomicU64,
    pub total_send_bytes: AtomicU64,
    /// Open connections per worker slot (summed for `connection_num`; a dead worker's slot
    /// is zeroed by the manager).
    pub connections: [AtomicU64; MAX_SLOTS],
    /// Pid of the worker in each slot (0 when none).
    pub pids: [AtomicI32; MAX_SLOTS],
    /// Set by a worker that stops because it reached `max_request`: the manager replaces it
    /// at once, without counting the exit as a failure.
    pub recycled: [AtomicBool; MAX_SLOTS],
}

impl SharedStats {
    pub fn new(start_session_id: u64, start_time: u64) -> SharedStats {
        SharedStats {
            next_session: AtomicU64::new(start_session_id),
            start_time: AtomicU64::new(start_time),
            accept_count: AtomicU64::new(0),
            close_count: AtomicU64::new(0),
            abort_count: AtomicU64::new(0),
            request_count: AtomicU64::new(0),
            response_count: AtomicU64::new(0),
            total_recv_bytes: AtomicU64::new(0),
            total_send_bytes: AtomicU64::new(0),
            connections: [const { AtomicU64::new(0) }; MAX_SLOTS],
            pids: [const { AtomicI32::new(0) }; MAX_SLOTS],
            recycled: [const { AtomicBool::new(false) }; MAX_SLOTS],
        }
    }

    /// A fresh page in a shared mapping, inherited by children forked afterwards. It is
    /// never unmapped: one small block per multi-worker `start()`.
    pub fn new_shared(start_session_id: u64, start_time: u64) -> io::Result<&'static SharedStats> {
        let s = Mapping::leak_zeroed::<SharedStats>()?;
        s.next_session.store(start_session_id, Ordering::Relaxed);
        s.start_time.store(start_time, Ordering::Relaxed);
        Ok(s)
    }

    pub fn add(c: &AtomicU64, by: u64) {
        c.fetch_add(by, Ordering::Relaxed);
    }

    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    /// Reserves the next session id, unique across every worker.
    pub fn next_id(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn connection_num(&self) -> u64 {
        self.connections
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }
}

// SAFETY: only atomics; all-zero is a valid (empty) page.
unsafe impl ShmSafe for SharedStats {}

/// Which worker process owns a session: a table in a shared mapping, indexed by session id
/// modulo its size. An entry packs `id << 22 | pid` (Linux pids fit in 22 bits); a closed
/// session's entry is cleared, and a dead worker's sessions no longer match a live pid.
pub struct Owners {
    slots: [AtomicU64; OWNER_SLOTS],
    /// What `getClientInfo()` reports, published by the owner so any worker can read it.
    info: [SessionInfo; OWNER_SLOTS],
}

/// One session's connection details in the shared table. Each field is its own atomic (no
/// torn values); `id` is stored last on publish and cleared on close, and a reader checks it
/// before and after reading, so it never mixes two sessions that shared a slot.
#[derive(Default)]
struct SessionInfo {
    id: AtomicU64,
    ip: [AtomicU64; 2],
    /// remote_port (16 bits) | worker_id (16) | socket_fd (32)
    port_wid_fd: AtomicU64,
    connect_time: AtomicU64,
    last_recv_time: AtomicU64,
    last_send_time: AtomicU64,
}

/// Connection details of a session owned by another worker (see [`Owners::info`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteInfo {
    pub remote_ip: String,
    pub remote_port: u16,
    pub worker_id: u16,
    pub socket_fd: i32,
    pub connect_time: f64,
    pub last_recv_time: f64,
    pub last_send_time: f64,
}

// SAFETY: only atomics; all-zero entries are empty slots.
unsafe impl ShmSafe for Owners {}

pub const OWNER_SLOTS: usize = 1 << 16;
const PID_BITS: u32 = 22;

impl Owners {
    pub fn new_shared() -> io::Result<&'static Owners> {
        Mapping::leak_zeroed::<Owners>()
    }

    fn entry(id: u64, pid: i32) -> u64 {
        (id << PID_BITS) | (pid as u64 & ((1 << PID_BITS) - 1))
    }

    pub fn set(&self, id: u64, pid: i32) {
        self.slots[id as usize % OWNER_SLOTS].store(Self::entry(id, pid), Ordering::Relaxed);
    }

    pub fn clear(&self, id: u64, pid: i32) {
        let _ = self
            .info_slot(id)
            .id
            .compare_exchange(id, 0, Ordering::Release, Ordering::Relaxed);
        let _ = self.slots[id as usize % OWNER_SLOTS].compare_exchange(
            Self::entry(id, pid),
            0,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    fn info_slot(&self, id: u64) -> &SessionInfo {
        &self.info[id as usize % OWNER_SLOTS]
    }

    /// Publishes a new session's details (by its owner, at accept).
    pub fn publish(&self, id: u64, ip: &str, port: u16, worker_id: u16, socket_fd: i32, t: f64) {
        let s = self.info_slot(id);
        let bytes = match ip.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(v4)) => v4.to_ipv6_mapped().octets(),
            Ok(std::net::IpAddr::V6(v6)) => v6.octets(),
            Err(_) => [0; 16],
        };
        s.ip[0].store(
            u64::from_be_bytes(bytes[..8].try_into().unwrap_or_default()),
            Ordering::Relaxed,
        );
        s.ip[1].store(
            u64::from_be_bytes(bytes[8..].try_into().unwrap_or_default()),
            Ordering::Relaxed,
        );
        s.port_wid_fd.store(
            (port as u64) << 48 | (worker_id as u64) << 32 | socket_fd as u32 as u64,
            Ordering::Relaxed,
        );
        s.connect_time.store(t.to_bits(), Ordering::Relaxed);
        s.last_recv_time.store(0f64.to_bits(), Ordering::Relaxed);
        s.last_send_time.store(0f64.to_bits(), Ordering::Relaxed);
        s.id.store(id, Ordering::Release);
    }

    /// Records activity on a published session (by its owner).
    pub fn touch(&self, id: u64, recv: Option<f64>, send: Option<f64>) {
        let s = self.info_slot(id);
        if s.id.load(Ordering::Relaxed) != id {
            return;
        }
        if let Some(t) = recv {
            s.last_recv_time.store(t.to_bits(), Ordering::Relaxed);
        }
        if let Some(t) = send {
            s.last_send_time.store(t.to_bits(), Ordering::Relaxed);
        }
    }

    /// Details of session `id` as its owner published them, if it is still open.
    pub fn info(&self, id: u64) -> Option<RemoteInfo> {
        let s = self.info_slot(id);
        if id == 0 || s.id.load(Ordering::Acquire) != id {
            return None;
        }
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&s.ip[0].load(Ordering::Relaxed).to_be_bytes());
        bytes[8..].copy_from_slice(&s.ip[1].load(Ordering::Relaxed).to_be_bytes());
        let v6 = std::net::Ipv6Addr::from(bytes);
        let remote_ip = match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        };
        let pwf = s.port_wid_fd.load(Ordering::Relaxed);
        let info = RemoteInfo {
            remote_ip,
            remote_port: (pwf >> 48) as u16,
            worker_id: (pwf >> 32) as u16,
            socket_fd: pwf as u32 as i32,
            connect_time: f64::from_bits(s.connect_time.load(Ordering::Relaxed)),
            last_recv_time: f64::from_bits(s.last_recv_time.load(Ordering::Relaxed)),
            last_send_time: f64::from_bits(s.last_send_time.load(Ordering::Relaxed)),
        };
        (s.id.load(Ordering::Acquire) == id).then_some(info)
    }

    /// The pid of the process owning session `id`, if it is open.
    pub fn owner(&self, id: u64) -> Option<i32> {
        let e = self.slots[id as usize % OWNER_SLOTS].load(Ordering::Relaxed);
        (e != 0 && e >> PID_BITS == id).then_some((e & ((1 << PID_BITS) - 1)) as i32)
    }
}

/// A message from one worker to the owner of a session, over that worker's datagram socket.
#[derive(Debug, PartialEq)]
pub enum PeerMsg<'a> {
    Send(u64, &'a [u8]),
    Close(u64, bool),
}

/// Largest payload per forwarded datagram (bigger sends are split).
pub const PEER_CHUNK: usize = 60 * 1024;

impl PeerMsg<'_> {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            PeerMsg::Send(id, data) => {
                let mut v = Vec::with_capacity(9 + data.len());
                v.push(1);
                v.extend_from_slice(&id.to_le_bytes());
                v.extend_from_slice(data);
                v
            }
            PeerMsg::Close(id, reset) => {
                let mut v = vec![2];
                v.extend_from_slice(&id.to_le_bytes());
                v.push(*reset as u8);
                v
            }
        }
    }

    pub fn decode(b: &[u8]) -> Option<PeerMsg<'_>> {
        let id = u64::from_le_bytes(b.get(1..9)?.try_into().ok()?);
        match b[0] {
            1 => Some(PeerMsg::Send(id, &b[9..])),
            2 => Some(PeerMsg::Close(id, b.get(9) == Some(&1))),
            _ => None,
        }
    }
}

/// A datagram socket pair per worker slot, created by the manager before forking: everyone
/// writes to `tx`, only the slot's worker reads `rx`.
#[derive(Clone, Copy)]
pub struct PeerChannel {
    pub tx: RawFd,
    pub rx: RawFd,
}

impl PeerChannel {
    pub fn new() -> io::Result<PeerChannel> {
        let mut fds = [0; 2];
        // SAFETY: fds is a valid 2-element array.
        if unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        } != 0
        {
            return Err(io::Error::last_os_error());
        }
        let tv = libc::timeval {
            tv_sec: 1,
            tv_usec: 0,
        };
        let buf: libc::c_int = 4 << 20;
        // SAFETY: setting options on the sockets just created, with valid option values.
        unsafe {
            libc::setsockopt(
                fds[0],
                libc::SOL_SOCKET,
                libc::SO_SNDTIMEO,
                (&tv as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
            libc::setsockopt(
                fds[0],
                libc::SOL_SOCKET,
                libc::SO_SNDBUF,
                (&buf as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
        Ok(PeerChannel {
            tx: fds[0],
            rx: fds[1],
        })
    }

    /// Sends one message (blocking up to 1 s when the owner's queue is full).
    pub fn send(&self, msg: &PeerMsg) -> io::Result<()> {
        let b = msg.encode();
        // SAFETY: sending a valid buffer on our socket.
        let n = unsafe { libc::send(self.tx, b.as_ptr().cast(), b.len(), libc::MSG_NOSIGNAL) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

/// How long the manager waits before restarting a worker that died abnormally
/// `consecutive` times in a row (1 = its first abnormal exit): at once the first time, then
/// 100 ms doubling up to 5 s. The count resets once a worker has run for `RESET_AFTER`.
pub fn restart_delay(consecutive: u32) -> Duration {
    if consecutive <= 1 {
        return Duration::ZERO;
    }
    let exp = (consecutive - 2).min(16);
    Duration::from_millis(100u64 << exp).min(MAX_RESTART_DELAY)
}

pub const MAX_RESTART_DELAY: Duration = Duration::from_secs(5);
pub const RESET_AFTER: Duration = Duration::from_secs(10);

/// Swoole's log levels (`SWOOLE_LOG_*`).
pub const LOG_DEBUG: i32 = 0;
pub const LOG_INFO: i32 = 2;
pub const LOG_NOTICE: i32 = 3;
pub const LOG_WARNING: i32 = 4;
pub const LOG_ERROR: i32 = 5;
pub const LOG_NONE: i32 = 6;

/// Where the manager's and workers' own log lines go: `log_file` (opened by `start()`,
/// inherited by the workers) or stderr (-1), and the lowest level written.
static LOG_FD: AtomicI32 = AtomicI32::new(-1);
static LOG_LEVEL: AtomicI32 = AtomicI32::new(LOG_INFO);

/// The log destination for this `start()`: `fd` (-1: stderr) and `log_level`.
pub fn set_log(fd: RawFd, level: i32) {
    LOG_FD.store(fd, Ordering::Relaxed);
    LOG_LEVEL.store(level, Ordering::Relaxed);
}

/// Restores the defaults (stderr, INFO); returns the log fd that was set, for closing.
pub fn reset_log() -> RawFd {
    LOG_LEVEL.store(LOG_INFO, Ordering::Relaxed);
    LOG_FD.swap(-1, Ordering::Relaxed)
}

/// Swoole's level names.
pub fn level_name(level: i32) -> &'static str {
    match level {
        LOG_DEBUG => "DEBUG",
        1 => "TRACE",
        LOG_INFO => "INFO",
        LOG_NOTICE => "NOTICE",
        LOG_WARNING => "WARNING",
        _ => "ERROR",
    }
}

/// Whether a line at `level` is written with `log_level = threshold` (NONE drops everything).
pub fn log_enabled(level: i32, threshold: i32) -> bool {
    threshold < LOG_NONE && level >= threshold
}

/// One log line in Swoole's format: `[date <kind><pid>.<id>]\t<LEVEL>\t<message>\n`.
pub fn format_log_line(date: &str, kind: char, pid: i64, id: i64, level: i32, msg: &str) -> String {
    format!("[{date} {kind}{pid}.{id}]\t{}\t{msg}\n", level_name(level))
}

/// Logs `msg` at `level` as process `kind` (`$` manager, `*` worker) with id `id`, in one
/// write(2) so lines from several processes sharing the output do not interleave.
pub fn log(level: i32, kind: char, id: i64, msg: &str) {
    if !log_enabled(level, LOG_LEVEL.load(Ordering::Relaxed)) {
        return;
    }
    let line = format_log_line(&log_date(), kind, getpid(), id, level, msg);
    let fd = match LOG_FD.load(Ordering::Relaxed) {
        -1 => libc::STDERR_FILENO,
        fd => fd,
    };
    // SAFETY: writing a valid buffer to an fd this process owns (O_APPEND for log_file).
    unsafe { libc::write(fd, line.as_ptr().cast(), line.len()) };
}

/// Local time as Swoole's default `log_date_format` (`%F %T`).
fn log_date() -> String {
    // SAFETY: time/localtime_r/strftime with valid local buffers.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&t, &mut tm);
        let mut buf = [0u8; 32];
        let n = libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            c"%Y-%m-%d %H:%M:%S".as_ptr(),
            &tm,
        );
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }
}

/// A cheap per-process random number (for the `max_request` jitter): pid and clock mixed
/// through splitmix64.
pub fn random_u64() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut z = t ^ ((getpid() as u64) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {

    #[test]
    fn session_info_round_trip_and_clear() {
        let o = Owners::new_shared().expect("mmap");
        o.set(70_000, 1234);
        o.publish(70_000, "127.0.0.1", 40_000, 1, 17, 1_700_000_000.5);
        o.touch(70_000, Some(1_700_000_001.0), Some(1_700_000_002.0));
        let i = o.info(70_000).expect("published");
        assert_eq!(i.remote_ip, "127.0.0.1");
        assert_eq!((i.remote_port, i.worker_id, i.socket_fd), (40_000, 1, 17));
        assert_eq!(
            (i.connect_time, i.last_recv_time, i.last_send_time),
            (1_700_000_000.5, 1_700_000_001.0, 1_700_000_002.0)
        );
        // Another session id in the same slot does not read this one's details.
        assert_eq!(o.info(70_000 + OWNER_SLOTS as u64), None);
        o.publish(2, "::1", 1, 0, 3, 0.0);
        assert_eq!(o.info(2).map(|i| i.remote_ip), Some("::1".to_string()));
        o.clear(70_000, 1234);
        assert_eq!(o.info(70_000), None);
        assert_eq!(o.owner(70_000), None);
    }

    use super::*;

    #[test]
    fn restart_delay_backs_off_and_caps() {
        let ms = |n| restart_delay(n).as_millis();
        assert_eq!(ms(0), 0);
        assert_eq!(ms(1), 0);
        assert_eq!(ms(2), 100);
        assert_eq!(ms(3), 200);
        assert_eq!(ms(4), 400);
        assert_eq!(ms(7), 3200);
        assert_eq!(ms(8), 5000);
        assert_eq!(ms(1000), 5000);
        assert_eq!(ms(u32::MAX), 5000);
    }

    #[test]
    fn log_lines_use_swoole_format_and_levels() {
        let l = format_log_line("2026-01-02 03:04:05", '$', 42, 0, LOG_WARNING, "boom");
        assert_eq!(l, "[2026-01-02 03:04:05 $42.0]\tWARNING\tboom\n");
        let l = format_log_line("d", '*', 7, 3, LOG_ERROR, "x");
        assert_eq!(l, "[d *7.3]\tERROR\tx\n");
        assert_eq!(level_name(LOG_INFO), "INFO");
        assert_eq!(level_name(LOG_NOTICE), "NOTICE");
        assert!(log_enabled(LOG_WARNING, LOG_INFO));
        assert!(log_enabled(LOG_WARNING, LOG_WARNING));
        assert!(!log_enabled(LOG_WARNING, LOG_ERROR));
        assert!(log_enabled(LOG_ERROR, LOG_ERROR));
        assert!(!log_enabled(LOG_ERROR, LOG_NONE));
        assert!(log_enabled(LOG_DEBUG, LOG_DEBUG));
        let d = log_date();
        assert_eq!(d.len(), 19, "{d}");
    }

    #[test]
    fn random_numbers_vary() {
        let a: std::collections::HashSet<u64> = (0..50).map(|_| random_u64()).collect();
        assert!(a.len() > 40);
    }

    #[test]
    fn owners_track_open_sessions() {
        let o = Owners::new_shared().unwrap();
        assert_eq!(o.owner(5), None);
        o.set(5, 1234);
        assert_eq!(o.owner(5), Some(1234));
        assert_eq!(o.owner(5 + OWNER_SLOTS as u64), None);
        o.clear(5, 999);
        assert_eq!(o.owner(5), Some(1234));
        o.clear(5, 1234);
        assert_eq!(o.owner(5), None);
    }

    #[test]
    fn peer_messages_round_trip() {
        for m in [
            PeerMsg::Send(7, b"hello"),
            PeerMsg::Close(u64::MAX, true),
            PeerMsg::Close(1, false),
        ] {
            assert_eq!(PeerMsg::decode(&m.encode()), Some(m));
        }
        assert_eq!(PeerMsg::decode(&[1, 2]), None);
        assert_eq!(PeerMsg::decode(&[9; 12]), None);
    }

    #[test]
    fn shared_stats_hand_out_unique_ids() {
        let s = SharedStats::new_shared(10, 0).unwrap();
        assert_eq!(s.next_id(), 11);
        assert_eq!(s.next_id(), 12);
        s.connections[3].store(2, Ordering::Relaxed);
        s.connections[0].store(1, Ordering::Relaxed);
        assert_eq!(s.connection_num(), 3);
    }
}

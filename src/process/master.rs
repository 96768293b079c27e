//! SWOOLE_PROCESS: the master process. It owns every client socket; its reactor threads
//! never call Zend (what needs user code there, `dispatch_func` and `package_length_func`, is
//! a question queued for the master's PHP thread, see [`Answers`]):
//! `reactor_num` threads, each a tokio current-thread runtime, accept (on every stream
//! listener: the primary port and the `listen()` ports, each with its own framing,
//! heartbeat and PROXY header), read, frame (`crate::codec`) and write; whole packets
//! travel to the event workers over their slot's channel (a datagram socket pair made before the manager was forked and kept by the
//! manager, so a restarted worker reads the same queue), and what workers send back
//! (`send()`, `close()`, `pause()`, `bind()`) arrives on the master's own channel.
//!
//! Per connection, one task on the thread that accepted it (its `$reactor_id`): it reads,
//! frames, dispatches (`process::dispatch`), writes what the workers sent, and is the only
//! place a connection ends, so each session's Close is sent exactly once, to the worker that
//! owns the session at that moment. Per worker slot, a bounded queue of frames and one writer
//! task that hands them to the kernel several per `sendmmsg(2)`; when a queue is full the
//! connection that wants to dispatch waits (it is not read meanwhile: back-pressure to the
//! client, never a dropped packet), counted in [`Loads::queue_full`].
//!
//! What workers send to a connection (bytes, and files named by `sendfile()`) waits in that
//! connection's own queue ([`Output`]) and is written as the socket takes it while the task
//! goes on reading, so a slow reader stalls only itself; its size is published in the shared
//! session table (workers refuse `send()` above `socket_buffer_size`) and its crossings of
//! the watermarks become BufferFull / BufferEmpty messages to the owning worker.
//!
//! The master publishes every session in the shared owner table (pid = the master), so
//! `exists()`, `getClientInfo()`, `getClientList()` and the forwarded `send()`/`close()` of
//! every worker and task worker work on every session without asking the master.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, Interest};
use tokio::sync::{mpsc, oneshot, watch};

use super::certs::CertStore;
use super::channel::{
    decode, encode, next_msg_id, Header, Kind, FLAG_CONT, FLAG_RESET, FLAG_RESUME, HEADER_LEN,
    MAX_PAYLOAD,
};
use super::dispatch::{self, Decision, Event, Loads, Mode, FUNC_DATA_MAX};
use super::log::{self, LOG_WARNING};
use super::shm::{Owners, SharedStats, MAX_SLOTS};
use super::signals::SignalGuard;
use super::Channel;
use crate::codec::{Decoder, Framing};
use crate::net::proxy::Proxied;
use crate::net::proxy_accept::{read_header, RawSock};

/// The slot of the shared page where the master counts its open connections (the manager
/// zeroes a worker's slot when the worker dies; this one belongs to no worker).
pub const MASTER_SLOT: usize = MAX_SLOTS - 1;

/// The master's frames carry `MASTER_SRC | reactor id` as their sender: never a worker id, so
/// the receiver's reassembly (keyed by sender and message id) cannot mix a chunked packet
/// with a chunked task or pipe message from a worker.
pub const MASTER_SRC: u16 = 0x8000;

/// Frames handed to the kernel per `sendmmsg(2)` / taken per `recvmmsg(2)` at most.
const BATCH: usize = 32;

/// Bytes read per `read(2)` (Swoole delivers at most 64 KiB per raw onReceive).
const READ_BUF: usize = 64 * 1024;

/// The frames' sender for master messages carries the listener index in these bits (above
/// the reactor id), so the worker runs that port's callbacks without keeping a table.
pub const PORT_SHIFT: u16 = 8;

/// Listeners the master serves at most (the bits left in a frame's sender).
pub const MAX_PORTS: usize = 1 << 7;

/// Reactor id and listener index of a master frame's sender.
pub fn split_src(src: u16) -> (u16, usize) {
    let bits = src & !MASTER_SRC;
    (bits & 0xff, (bits >> PORT_SHIFT) as usize)
}

/// One stream listener the master serves, with its own settings (the server's `set()`
/// overridden by the port's own, as in BASE mode).
pub struct MasterPort {
    pub listen_fd: RawFd,
    pub unix: bool,
    /// A UDP / unix datagram listener: no connections; each datagram goes to a worker
    /// (chosen by its sender, so one client's datagrams keep their order) as a Packet.
    pub dgram: bool,
    pub framing: Framing,
    pub package_max_length: usize,
    pub nodelay: bool,
    /// `heartbeat_check_interval` and `heartbeat_idle_time`: a session that sent nothing for
    /// the idle time is closed at the next check (ticks of the interval since the master
    /// started, as Swoole's and BASE mode's checks: till then `heartbeat()` lists it), its
    /// onClose getting the reactor id, unless `protect()`ed.
    pub heartbeat: Option<(Duration, Duration)>,
    /// `max_idle_time`: a session that neither sent nor was sent anything (written to the
    /// kernel) for this long is closed, its onClose getting the reactor id, unless
    /// `protect()`ed.
    pub max_idle: Option<Duration>,
    /// `open_proxy_protocol`: each connection starts with a PROXY header, awaited this long
    /// (`proxy_protocol_timeout`).
    pub proxy_timeout: Option<Duration>,
    /// `SWOOLE_SSL`: the acceptor (a plain-Rust config, built on the PHP thread before the
    /// fork) and `ssl_handshake_timeout`. The master holds the TLS state, so a worker that
    /// dies costs no client its session.
    pub tls: Option<crate::net::tls::TlsListener>,
    /// `socket_buffer_size`: while a connection's output held here exceeds it, workers'
    /// `send()`s to it are refused (read from the shared session table, as BASE refuses).
    pub socket_buffer_size: usize,
    /// `buffer_high_watermark` / `buffer_low_watermark`: BufferFull / BufferEmpty.
    pub high_watermark: usize,
    pub low_watermark: usize,
    /// `enable_delay_receive`: a new connection is not read until a worker's `confirm()`.
    pub delay_receive: bool,
}

/// What the master needs, all made before the manager was forked.
pub struct MasterConfig {
    /// Every listener, in the order of `$server->ports` (index 0: the primary port).
    pub ports: Vec<MasterPort>,
    pub reactor_num: usize,
    /// The event worker slots' channels (the master writes to `tx`).
    pub workers: Vec<Channel>,
    /// The master's own channel (it reads `rx`).
    pub inbound: Channel,
    pub stats: &'static SharedStats,
    pub owners: &'static Owners,
    pub loads: &'static Loads,
    /// Where the verified TLS client certificates go for every process to read (None
    /// without a TLS port).
    pub certs: Option<&'static CertStore>,
    pub mode: Mode,
    /// Connect/Close go to the workers (see [`Mode::sends_connection_events`]).
    pub events: bool,
    pub max_connection: usize,
    /// Frames queued per worker slot before dispatching waits.
    pub queue_frames: usize,
    pub max_wait: Duration,
    pub manager_pid: i32,
}

/// What a worker asked for, in the order it asked, for one connection.
enum Cmd {
    Data(Vec<u8>),
    /// `sendfile()`: a path (the worker checked it), from `offset` to `end`.
    File(String, u64, u64),
    Close(bool),
    Pause(bool),
    Protect(bool),
}

struct Entry {
    tx: mpsc::UnboundedSender<Cmd>,
    /// `bind()`'s uid (0: unbound).
    uid: AtomicU64,
    /// The worker that gets this session's Connect and Close (and, in the fixed modes, its
    /// packets).
    home: usize,
}

struct Queue {
    tx: mpsc::Sender<Vec<u8>>,
    /// Frames queued or being written: 0 means everything reached the worker's socket.
    pending: AtomicUsize,
}

/// A question for the master's PHP thread, from a connection task (which waits for the
/// answer; its reactor thread serves the other connections meanwhile).
enum Ask {
    /// `dispatch_func`: which worker gets `event` of `session`.
    Dispatch {
        event: Event,
        session: u64,
        data: Vec<u8>,
        reply: oneshot::Sender<Decision>,
    },
    /// `package_length_func` of listener `port`: the length of the packet that starts the
    /// bytes `session` has buffered. The reply is dropped unanswered when PHP is stopping.
    Length {
        port: usize,
        session: u64,
        buffered: Vec<u8>,
        reply: oneshot::Sender<i64>,
    },
}

/// The queue of questions for user code (`dispatch_func`, `package_length_func`): reactor
/// threads push questions and await the answer (only that connection waits; the thread
/// serves its others meanwhile); the PHP thread polls the eventfd, takes every question
/// queued and answers them in order. The eventfd is written only when the queue was empty,
/// so under load one wake-up serves a batch.
struct Asks {
    queue: Mutex<Vec<Ask>>,
    efd: RawFd,
}
impl Asks {
    fn new() -> io::Result<Asks> {
        // SAFETY: eventfd(2) with constant flags.
        let efd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if efd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Asks {
            queue: Mutex::new(Vec::new()),
            efd,
        })
    }

    fn push(&self, a: Ask) {
        let was_empty = match self.queue.lock() {
            Ok(mut q) => {
                q.push(a);
                q.len() == 1
            }
            Err(_) => return,
        };
        if was_empty {
            let one = 1u64;
            // SAFETY: writing 8 bytes from a valid local to our own eventfd.
            unsafe { libc::write(self.efd, (&one as *const u64).cast(), 8) };
        }
    }

    /// Everything queued (the eventfd is reset first, so a push after this wakes again).
    fn take(&self) -> Vec<Ask> {
        let mut v = 0u64;
        // SAFETY: reading 8 bytes into a valid local from our own non-blocking eventfd.
        unsafe { libc::read(self.efd, (&mut v as *mut u64).cast(), 8) };
        self.queue
            .lock()
            .map(|mut q| std::mem::take(&mut *q))
            .unwrap_or_default()
    }
}

impl Drop for Asks {
    fn drop(&mut self) {
        // SAFETY: closing the eventfd we opened.
        unsafe { libc::close(self.efd) };
    }
}

/// How the master's PHP thread answers the reactor threads' questions (it alone may call
/// user code); each answer is None when PHP is stopping (a fatal error or `exit()` in the
/// callable).
pub trait Answers {
    /// `dispatch_func`: where `event` of session `fd` (with at most [`FUNC_DATA_MAX`] bytes
    /// of its packet) goes.
    fn dispatch(&mut self, event: Event, fd: u64, data: &[u8]) -> Option<Decision>;
    /// `package_length_func` of listener `port`: the total length of the packet that starts
    /// `buffered` (0: need more bytes; negative: malformed).
    fn length(&mut self, port: usize, fd: u64, buffered: &[u8]) -> Option<i64>;
    /// Runs the master's due timers (`Swoole\Timer`s created in onStart), between waits.
    fn timers(&mut self) -> TimerPoll {
        TimerPoll {
            next: None,
            stop: false,
        }
    }
}

/// What the master's PHP thread reports after running its due timers: when the next one is
/// due, and whether PHP asked to stop (`shutdown()`, `exit()`, a fatal error in a callback).
pub struct TimerPoll {
    pub next: Option<Instant>,
    pub stop: bool,
}

/// Answers every queued question; false when the PHP side asked to stop (the questions
/// after that get no user code: dispatching takes the default, framing ends the connection).
fn answer_all(asks: &Asks, answers: &mut dyn Answers) -> bool {
    let mut go_on = true;
    for a in asks.take() {
        match a {
            Ask::Dispatch {
                event,
                session,
                data,
                reply,
            } => {
                let d = match go_on.then(|| answers.dispatch(event, session, &data)) {
                    Some(Some(d)) => d,
                    Some(None) => {
                        go_on = false;
                        Decision::Default
                    }
                    None => Decision::Default,
                };
                let _ = reply.send(d);
            }
            Ask::Length {
                port,
                session,
                buffered,
                reply,
            } => match go_on.then(|| answers.length(port, session, &buffered)) {
                Some(Some(n)) => {
                    let _ = reply.send(n);
                }
                Some(None) => go_on = false,
                None => {}
            },
        }
    }
    go_on
}

struct Master {
    cfg: MasterConfig,
    /// With `dispatch_func` or a `package_length_func` (on any listener) only.
    asks: Option<Asks>,
    sessions: Mutex<HashMap<u64, Arc<Entry>>>,
    queues: Vec<Queue>,
    stop: watch::Receiver<bool>,
    turn: AtomicUsize,
    /// Connection tasks still running.
    live: AtomicUsize,
    pid: i32,
    /// When the master started: the heartbeat checks tick from here.
    epoch: tokio::time::Instant,
}

/// How a connection ended, for the reactor id its onClose gets.
#[derive(Clone, Copy, PartialEq)]
enum End {
    /// By the peer (or an I/O error, or bad framing): the reactor's id, as Swoole.
    Peer,
    /// By `close()` or at shutdown: -1.
    Server,
}

struct Fd(RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// Runs the master until SIGTERM/SIGINT (or the manager's death), then shuts down in order:
/// no new connection; every open session closed, its Close queued to its worker; the queues
/// flushed into the workers' sockets; only then the manager is told to stop, so each worker
/// reads every Close (exactly one onClose per session) before its WorkerStop. SIGUSR1 and
/// SIGUSR2 are passed on to the manager (reload). Must be called with no other thread in
/// the process and `signals` installed for SIGTERM, SIGINT, SIGUSR1, SIGUSR2 and SIGCHLD.
/// With `dispatch_func` or a `package_length_func` this thread (the PHP one) also answers the
/// reactor threads' questions through `answers`, until the reactor threads have ended, and
/// runs the master's timers through it while serving (not once the shutdown began).
pub fn run(cfg: MasterConfig, signals: &SignalGuard, answers: &mut dyn Answers) -> io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let (end_tx, end_rx) = watch::channel(false);
    let mut receivers = Vec::new();
    let queues = (0..cfg.workers.len())
        .map(|_| {
            let (tx, rx) = mpsc::channel(cfg.queue_frames.max(1));
            receivers.push(rx);
            Queue {
                tx,
                pending: AtomicUsize::new(0),
            }
        })
        .collect();
    let reactor_num = cfg.reactor_num.max(1);
    let manager = cfg.manager_pid;
    let max_wait = cfg.max_wait;
    let custom = cfg
        .ports
        .iter()
        .any(|p| matches!(p.framing, Framing::Custom));
    let asks = if cfg.mode == Mode::Func || custom {
        Some(Asks::new()?)
    } else {
        None
    };
    let m = Arc::new(Master {
        asks,
        cfg,
        sessions: Mutex::new(HashMap::new()),
        queues,
        stop: stop_rx,
        turn: AtomicUsize::new(0),
        live: AtomicUsize::new(0),
        // SAFETY: getpid has no preconditions.
        pid: unsafe { libc::getpid() },
        epoch: tokio::time::Instant::now(),
    });
    let mut threads = Vec::new();
    for k in 0..reactor_num {
        let m = m.clone();
        let mut end = end_rx.clone();
        let rxs = if k == 0 {
            std::mem::take(&mut receivers)
        } else {
            Vec::new()
        };
        let mut fds = Vec::with_capacity(m.cfg.ports.len());
        for p in &m.cfg.ports {
            // SAFETY: dup(2) of a listening socket this process holds; each thread owns its
            // copy.
            let fd = unsafe { libc::dup(p.listen_fd) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            fds.push(fd);
        }
        let t = std::thread::Builder::new()
            .name(format!("reactor-{k}"))
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        log::log(
                            LOG_WARNING,
                            '#',
                            k as i64,
                            &format!("reactor thread #{k} cannot start: {e}"),
                        );
                        return;
                    }
                };
                rt.block_on(async move {
                    if k == 0 {
                        tokio::spawn(inbound_loop(m.clone()));
                        for (w, rx) in rxs.into_iter().enumerate() {
                            tokio::spawn(writer_loop(m.clone(), w, rx));
                        }
                    }
                    let acc: Vec<_> = fds
                        .into_iter()
                        .enumerate()
                        .map(|(port, fd)| {
                            if m.cfg.ports[port].dgram {
                                tokio::spawn(dgram_loop(m.clone(), fd, k as u16, port))
                            } else {
                                tokio::spawn(accept_loop(m.clone(), fd, k as u16, port))
                            }
                        })
                        .collect();
                    let _ = end.wait_for(|v| *v).await;
                    for a in acc {
                        a.abort();
                    }
                });
            })?;
        threads.push(t);
    }

    // Waits up to `timeout` for signals, answering user code's questions meanwhile; false
    // when the PHP side asked to stop. While `serving`, then runs the due timers.
    let mut pump = |timeout: Duration, serving: bool| -> (Vec<i32>, bool, Option<TimerPoll>) {
        let (sigs, go_on) = match &m.asks {
            None => (signals.wait_blocking(timeout), true),
            Some(asks) => {
                let (sigs, _) = signals.wait_blocking_or(asks.efd, timeout);
                (sigs, answer_all(asks, answers))
            }
        };
        (sigs, go_on, serving.then(|| answers.timers()))
    };
    let mut manager_gone = false;
    let mut reloads = m.cfg.stats.reloads.load(Ordering::Relaxed);
    // The first turn does not wait: it runs what onStart scheduled and learns the next due.
    let mut next_timer = Some(Instant::now());
    loop {
        let wait = next_timer.map_or(Duration::from_millis(500), |t| {
            t.saturating_duration_since(Instant::now())
                .min(Duration::from_millis(500))
        });
        let (sigs, go_on, timer) = pump(wait, true);
        let timer = timer.unwrap_or(TimerPoll {
            next: None,
            stop: false,
        });
        next_timer = timer.next;
        let now_reloads = m.cfg.stats.reloads.load(Ordering::Relaxed);
        if now_reloads != reloads {
            // reload(): the manager restarts the workers; the TLS state is ours, so the
            // certificates are re-read here (new handshakes get them, sessions keep theirs).
            reloads = now_reloads;
            reload_tls(&m.cfg.ports);
        }
        let mut stop = !go_on || timer.stop;
        for sig in sigs {
            match sig {
                libc::SIGTERM | libc::SIGINT => stop = true,
                libc::SIGUSR1 | libc::SIGUSR2 => {
                    // SAFETY: kill(2) with our child's pid.
                    unsafe { libc::kill(manager, sig) };
                }
                _ => {}
            }
        }
        let mut status = 0;
        // SAFETY: polling our own child.
        if unsafe { libc::waitpid(manager, &mut status, libc::WNOHANG) } == manager {
            manager_gone = true;
            log::log(
                LOG_WARNING,
                '#',
                0,
                "Server: the manager process exited; the master stops",
            );
            stop = true;
        }
        if stop {
            break;
        }
    }

    let _ = stop_tx.send(true);
    let deadline = Instant::now() + max_wait;
    while m.live.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
        pump(Duration::from_millis(2), false);
    }
    while m
        .queues
        .iter()
        .any(|q| q.pending.load(Ordering::Acquire) > 0)
        && Instant::now() < deadline
    {
        pump(Duration::from_millis(2), false);
    }
    if !manager_gone {
        // SAFETY: kill(2) with our child's pid.
        unsafe { libc::kill(manager, libc::SIGTERM) };
        let limit = Instant::now() + max_wait + Duration::from_secs(2);
        loop {
            let mut status = 0;
            // SAFETY: waiting for our own child.
            let r = unsafe { libc::waitpid(manager, &mut status, libc::WNOHANG) };
            if r == manager || r < 0 {
                break;
            }
            if Instant::now() >= limit {
                log::log(
                    LOG_WARNING,
                    '#',
                    0,
                    "Server: the manager did not stop in time; killing it",
                );
                // SAFETY: as above.
                unsafe {
                    libc::kill(manager, libc::SIGKILL);
                    libc::waitpid(manager, &mut status, 0);
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let _ = end_tx.send(true);
    for t in threads {
        let _ = t.join();
    }
    Ok(())
}

/// Re-reads every TLS listener's certificates; a broken renewal keeps the previous ones.
fn reload_tls(ports: &[MasterPort]) {
    for tls in ports.iter().filter_map(|p| p.tls.as_ref()) {
        if let Err(e) = tls.reload() {
            log::log(
                LOG_WARNING,
                '#',
                0,
                &format!("SSL certificates not reloaded, still serving the previous ones: {e}"),
            );
        }
    }
}

/// Accepts on this thread's copy of listener `port`'s socket until the runtime ends.
async fn accept_loop(m: Arc<Master>, fd: RawFd, reactor: u16, port: usize) {
    enum L {
        Tcp(tokio::net::TcpListener),
        Unix(tokio::net::UnixListener),
    }
    let cfg = &m.cfg.ports[port];
    let listener = if cfg.unix {
        // SAFETY: `fd` is this thread's own dup of the listening socket.
        let l = unsafe { std::os::unix::net::UnixListener::from_raw_fd(fd) };
        let _ = l.set_nonblocking(true);
        tokio::net::UnixListener::from_std(l).map(L::Unix)
    } else {
        // SAFETY: as above.
        let l = unsafe { std::net::TcpListener::from_raw_fd(fd) };
        let _ = l.set_nonblocking(true);
        tokio::net::TcpListener::from_std(l).map(L::Tcp)
    };
    let listener = match listener {
        Ok(l) => l,
        Err(e) => {
            log::log(
                LOG_WARNING,
                '#',
                reactor as i64,
                &format!("cannot register the listening socket: {e}"),
            );
            return;
        }
    };
    // Accepted connections copy the listener's TCP_NODELAY (sockopt::apply_listen_options).
    let inherits_nodelay = match &listener {
        L::Tcp(l) => socket2::SockRef::from(l).nodelay().unwrap_or(false),
        L::Unix(_) => false,
    };
    loop {
        let accepted = match &listener {
            L::Tcp(l) => l.accept().await.map(|(s, a)| {
                if cfg.nodelay && !inherits_nodelay {
                    let _ = s.set_nodelay(true);
                }
                let fd = s.as_raw_fd();
                (Stream::Tcp(s), a.ip().to_string(), a.port(), fd)
            }),
            L::Unix(l) => l.accept().await.map(|(s, _)| {
                let fd = s.as_raw_fd();
                (Stream::Unix(s), String::new(), 0, fd)
            }),
        };
        if *m.stop.borrow() {
            return;
        }
        match accepted {
            Ok((stream, ip, rport, sock_fd)) => {
                let listener = port;
                let open = m.sessions.lock().map(|s| s.len()).unwrap_or(0);
                if open >= m.cfg.max_connection {
                    SharedStats::add(&m.cfg.stats.abort_count, 1);
                    log::log(
                        LOG_WARNING,
                        '#',
                        reactor as i64,
                        &format!(
                            "Too many connections [now: {open}], max_connection is {}",
                            m.cfg.max_connection
                        ),
                    );
                    drop(stream);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
                // Counted before the task runs, so a shutdown right now still waits for it
                // (and its Close).
                m.live.fetch_add(1, Ordering::AcqRel);
                let m2 = m.clone();
                let proxy = cfg.proxy_timeout;
                tokio::spawn(async move {
                    let (stream, ip, rport, proxied) = match proxy {
                        None => (stream, ip, rport, None),
                        Some(limit) => {
                            match read_proxy_header(&m2, stream, ip, rport, limit, reactor).await {
                                Some(admitted) => admitted,
                                None => {
                                    m2.live.fetch_sub(1, Ordering::AcqRel);
                                    return;
                                }
                            }
                        }
                    };
                    let tls = m2.cfg.ports[listener].tls.clone();
                    let at = (reactor, listener);
                    // The id only after the PROXY header and the TLS handshake: a connection
                    // that fails either never becomes a session.
                    match (stream, tls) {
                        (Stream::Tcp(s), Some(tls)) => {
                            let (acceptor, limit) = (tls.acceptor(), tls.handshake_timeout);
                            if let Some(t) = tls_handshake(&m2, acceptor, s, limit).await {
                                let id = m2.cfg.stats.next_id();
                                // The verified client certificate rides with the Connect,
                                // for getClientInfo()['ssl_client_cert'] in that worker.
                                let cert = t
                                    .get_ref()
                                    .1
                                    .peer_certificates()
                                    .and_then(|c| c.first())
                                    .map(|c| crate::net::tls::pem_certificate(c.as_ref()));
                                if let (Some(store), Some(pem)) = (m2.cfg.certs, &cert) {
                                    // Before the session's first event is dispatched, so
                                    // any process that hears of it can read it.
                                    store.put(id, pem.as_bytes());
                                }
                                serve(&m2, t, sock_fd, id, at, (ip, rport, cert), proxied).await;
                            }
                        }
                        (Stream::Tcp(s), None) => {
                            let id = m2.cfg.stats.next_id();
                            serve(&m2, s, sock_fd, id, at, (ip, rport, None), proxied).await;
                        }
                        // start() refuses SWOOLE_SSL on anything but TCP.
                        (Stream::Unix(s), _) => {
                            let id = m2.cfg.stats.next_id();
                            serve(&m2, s, sock_fd, id, at, (ip, rport, None), proxied).await;
                        }
                    }
                    m2.live.fetch_sub(1, Ordering::AcqRel);
                });
            }
            // One connection that reset while queued: take the next one at once.
            Err(e) if crate::net::listener::transient(&e) => {}
            Err(e) => {
                log::log(
                    LOG_WARNING,
                    '#',
                    reactor as i64,
                    &format!("accept() failed: {e}; retrying in 100 ms"),
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Registers one of the master's descriptors with this thread's runtime; None (logged, at
/// warning level, as "cannot {what}") when the runtime refuses it.
///
/// # Safety
/// `fd` must stay open for as long as the returned registration lives.
unsafe fn watch(fd: RawFd, interest: Interest, reactor: u16, what: &str) -> Option<AsyncFd<Fd>> {
    // SAFETY: the caller keeps `fd` open while the registration lives.
    match unsafe { AsyncFd::register_with_interest(Fd(fd), interest) } {
        Ok(a) => Some(a),
        Err(e) => {
            log::log(
                LOG_WARNING,
                '#',
                reactor as i64,
                &format!("cannot {what}: {e}"),
            );
            None
        }
    }
}

/// Reads datagrams from this thread's copy of listener `port`'s socket (the kernel hands each
/// to one reader) and dispatches each, until the server stops.
async fn dgram_loop(m: Arc<Master>, fd: RawFd, reactor: u16, port: usize) {
    // SAFETY: `fd` is this thread's own dup of the datagram socket, open for the process's life.
    let Some(afd) = (unsafe {
        watch(
            fd,
            Interest::READABLE,
            reactor,
            "register the datagram socket",
        )
    }) else {
        return;
    };
    let src = Master::src(reactor, port);
    let n = m.cfg.workers.len().max(1);
    let mut stop = m.stop.clone();
    let mut buf = vec![0u8; crate::net::dgram::MAX_DATAGRAM];
    loop {
        let mut guard = tokio::select! {
            g = afd.readable() => match g {
                Ok(g) => g,
                Err(_) => return,
            },
            _ = stop.wait_for(|v| *v) => return,
        };
        for _ in 0..BATCH {
            match crate::net::dgram::recv_from(fd, &mut buf) {
                Ok((len, _, peer)) => {
                    if *m.stop.borrow() {
                        return;
                    }
                    let payload = packet_payload(&peer, &buf[..len]);
                    let w = (fnv(&payload[..payload.len() - len]) % n as u64) as usize;
                    m.cfg.loads.dispatched[w % MAX_SLOTS].fetch_add(1, Ordering::Relaxed);
                    m.dispatch(w, Master::header(Kind::Packet, 0, src, 0), &payload)
                        .await;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    guard.clear_ready();
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // ICMP errors from an earlier sendto surface here: not ours.
                Err(_) => {}
            }
        }
    }
}

/// A Packet frame's payload: the sender (u16 LE length, then `ip:port`, `[ip6]:port` or
/// `unix:PATH`) and the datagram.
pub fn packet_payload(peer: &crate::net::Peer, data: &[u8]) -> Vec<u8> {
    let who = match peer {
        crate::net::Peer::Inet(a) => a.to_string(),
        crate::net::Peer::Unix(p) => format!("unix:{p}"),
    };
    let mut out = Vec::with_capacity(2 + who.len() + data.len());
    out.extend_from_slice(&(who.len() as u16).to_le_bytes());
    out.extend_from_slice(who.as_bytes());
    out.extend_from_slice(data);
    out
}

/// The sender and datagram of a Packet frame's payload (see [`packet_payload`]).
pub fn split_packet(payload: &[u8]) -> Option<(crate::net::Peer, &[u8])> {
    let len = u16::from_le_bytes(payload.get(..2)?.try_into().ok()?) as usize;
    let who = std::str::from_utf8(payload.get(2..2 + len)?).ok()?;
    let peer = match who.strip_prefix("unix:") {
        Some(p) => crate::net::Peer::Unix(p.to_string()),
        None => crate::net::Peer::Inet(who.parse().ok()?),
    };
    Some((peer, &payload[2 + len..]))
}

/// FNV-1a: which worker a datagram sender's packets go to.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

enum Stream {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

/// How a connection's stream ends once the session is over.
trait CloseNotify: AsyncWrite + Unpin {
    /// Queues what must go out before the socket closes; true if anything was queued.
    fn close_notify(&mut self) -> bool {
        false
    }

    /// sendfile(2) of `file` from `*off` (advanced) up to `end`; None when the stream
    /// cannot take it (TLS).
    fn poll_sendfile(
        &mut self,
        _cx: &mut std::task::Context<'_>,
        _file: RawFd,
        _off: &mut u64,
        _end: u64,
    ) -> Option<std::task::Poll<io::Result<usize>>> {
        None
    }
}

/// sendfile(2) on a plain stream socket, through tokio's readiness (`try_io` clears it on
/// EAGAIN, so the task sleeps until the peer reads).
macro_rules! plain_sendfile {
    ($t:ty) => {
        impl CloseNotify for $t {
            fn poll_sendfile(
                &mut self,
                cx: &mut std::task::Context<'_>,
                file: RawFd,
                off: &mut u64,
                end: u64,
            ) -> Option<std::task::Poll<io::Result<usize>>> {
                use std::task::Poll;
                let sock = self.as_raw_fd();
                loop {
                    match self.poll_write_ready(cx) {
                        Poll::Ready(Ok(())) => {}
                        Poll::Ready(Err(e)) => return Some(Poll::Ready(Err(e))),
                        Poll::Pending => return Some(Poll::Pending),
                    }
                    let want = (end - *off).min(1 << 20) as usize;
                    let r = self.try_io(Interest::WRITABLE, || {
                        let mut o = *off as libc::off_t;
                        // SAFETY: both descriptors are open; `o` is a valid in/out offset.
                        let n = unsafe { libc::sendfile(sock, file, &mut o, want) };
                        if n < 0 {
                            Err(io::Error::last_os_error())
                        } else {
                            Ok(n as usize)
                        }
                    });
                    match r {
                        Ok(n) => {
                            *off += n as u64;
                            return Some(Poll::Ready(Ok(n)));
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Some(Poll::Ready(Err(e))),
                    }
                }
            }
        }
    };
}

plain_sendfile!(tokio::net::TcpStream);
plain_sendfile!(tokio::net::UnixStream);
impl CloseNotify for tokio_rustls::server::TlsStream<tokio::net::TcpStream> {
    /// close_notify, so the peer can tell our close from a truncation (as BASE mode).
    fn close_notify(&mut self) -> bool {
        self.get_mut().1.send_close_notify();
        true
    }
}

/// A `SWOOLE_SSL` listener's handshake, bounded by `ssl_handshake_timeout`; None when it
/// failed, timed out (counted in `ssl_handshake_fail_count`: no session, no onConnect, no
/// onClose, as BASE mode) or the server is stopping.
async fn tls_handshake(
    m: &Master,
    acceptor: tokio_rustls::TlsAcceptor,
    s: tokio::net::TcpStream,
    limit: Duration,
) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    let mut stop = m.stop.clone();
    if *stop.borrow() {
        return None;
    }
    let done = tokio::select! {
        r = tokio::time::timeout(limit, acceptor.accept(s)) => r,
        _ = stop.changed() => return None,
    };
    match done {
        Ok(Ok(t)) => Some(t),
        Ok(Err(_)) | Err(_) => {
            SharedStats::add(&m.cfg.stats.ssl_handshake_fail_count, 1);
            None
        }
    }
}

/// `open_proxy_protocol`: reads an accepted connection's PROXY header (BASE mode's parser,
/// `crate::net::proxy`; peeked, then consumed) before it is a session;
/// the client's address from the header, or None when the connection is dropped (a bad,
/// missing or late header: warned and counted in `proxy_protocol_errors`; a peer that left
/// without a byte, as balancers' health checks do: silently; or the server is stopping).
async fn read_proxy_header(
    m: &Master,
    stream: Stream,
    ip: String,
    port: u16,
    limit: Duration,
    reactor: u16,
) -> Option<(Stream, String, u16, Option<Proxied>)> {
    let mut stop = m.stop.clone();
    let verdict = tokio::select! {
        r = tokio::time::timeout(limit, read_header(match &stream {
            Stream::Tcp(s) => RawSock::Tcp(s),
            Stream::Unix(s) => RawSock::Unix(s),
        })) => match r {
            Ok(v) => v,
            Err(_) => Err(Some(format!(
                "no complete PROXY protocol header within {} s (proxy_protocol_timeout)",
                limit.as_secs_f64()
            ))),
        },
        _ = stop.wait_for(|v| *v) => return None,
    };
    match verdict {
        Ok(header) => {
            let (ip, port, proxied) = Proxied::from_header(header, ip, port);
            Some((stream, ip, port, Some(proxied)))
        }
        Err(None) => None,
        Err(Some(reason)) => {
            SharedStats::add(&m.cfg.stats.proxy_protocol_errors, 1);
            let peer = match stream {
                Stream::Unix(_) if ip.is_empty() => "a unix socket peer".to_string(),
                Stream::Unix(_) => ip,
                Stream::Tcp(_) => format!("{ip}:{port}"),
            };
            log::log(
                LOG_WARNING,
                '#',
                reactor as i64,
                &format!(
                    "open_proxy_protocol: closed the connection from {peer} before onConnect: {reason}"
                ),
            );
            None
        }
    }
}

impl Master {
    /// A master frame about session `id`; `src` is [`Self::src`] of its connection.
    fn header(kind: Kind, flags: u8, src: u16, id: u64) -> Header {
        Header {
            kind,
            flags,
            src,
            msg_id: next_msg_id(),
            target: id,
        }
    }

    /// The sender of a connection's frames: the master, its reactor thread and the listener
    /// that accepted it (see [`split_src`]).
    fn src(reactor: u16, listener: usize) -> u16 {
        MASTER_SRC | (listener as u16) << PORT_SHIFT | (reactor & 0xff)
    }

    /// Queues a message for worker slot `w`, chunked; waits while the queue is full.
    async fn dispatch(&self, w: usize, header: Header, payload: &[u8]) -> bool {
        let Some(q) = self.queues.get(w) else {
            return false;
        };
        for frame in encode(header, payload) {
            q.pending.fetch_add(1, Ordering::AcqRel);
            let frame = match q.tx.try_send(frame) {
                Ok(()) => continue,
                Err(mpsc::error::TrySendError::Full(f)) => f,
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    q.pending.fetch_sub(1, Ordering::AcqRel);
                    return false;
                }
            };
            self.cfg.loads.queue_full.fetch_add(1, Ordering::Relaxed);
            if q.tx.send(frame).await.is_err() {
                q.pending.fetch_sub(1, Ordering::AcqRel);
                return false;
            }
        }
        true
    }

    /// Asks `dispatch_func` (on the master's PHP thread) where an event goes.
    async fn ask(&self, event: Event, session: u64, data: &[u8]) -> Decision {
        let Some(asks) = &self.asks else {
            return Decision::Default;
        };
        let (reply, answer) = oneshot::channel();
        asks.push(Ask::Dispatch {
            event,
            session,
            data: data[..data.len().min(FUNC_DATA_MAX)].to_vec(),
            reply,
        });
        answer.await.unwrap_or(Decision::Default)
    }

    /// Asks listener `port`'s `package_length_func` (on the master's PHP thread) how long the
    /// packet at the start of `buffered` is; None when PHP is stopping (no answer comes).
    async fn ask_length(&self, port: usize, session: u64, buffered: &[u8]) -> Option<i64> {
        let asks = self.asks.as_ref()?;
        let (reply, answer) = oneshot::channel();
        asks.push(Ask::Length {
            port,
            session,
            buffered: buffered.to_vec(),
            reply,
        });
        answer.await.ok()
    }

    /// One whole packet to the worker `dispatch_mode` picks; Some when the connection must
    /// end (the worker's queue is gone, or `dispatch_func` said -2).
    async fn packet(&self, e: &Entry, id: u64, src: u16, data: &[u8]) -> Option<End> {
        if self.cfg.mode == Mode::Func {
            let w = match self.ask(Event::Receive, id, data).await {
                Decision::Worker(w) => w,
                Decision::Default => e.home,
                Decision::Discard => return None,
                Decision::Close => return Some(End::Server),
            };
            self.cfg.loads.dispatched[w % MAX_SLOTS].fetch_add(1, Ordering::Relaxed);
            let ok = self
                .dispatch(w, Self::header(Kind::Receive, 0, src, id), data)
                .await;
            return (!ok).then_some(End::Peer);
        }
        let loads = self.cfg.loads;
        let now_us = if self.cfg.mode.per_packet() {
            dispatch::monotonic_us()
        } else {
            0
        };
        let w = dispatch::packet_worker(
            self.cfg.mode,
            self.cfg.workers.len(),
            e.home,
            e.uid.load(Ordering::Relaxed),
            self.turn.fetch_add(1, Ordering::Relaxed),
            |w| loads.load(w, now_us),
        );
        loads.dispatched[w % MAX_SLOTS].fetch_add(1, Ordering::Relaxed);
        let ok = self
            .dispatch(w, Self::header(Kind::Receive, 0, src, id), data)
            .await;
        (!ok).then_some(End::Peer)
    }

    /// After a connection's held output changed: publishes it (a worker's `send()` refuses
    /// while it exceeds `socket_buffer_size`) and tells the worker that owns the session
    /// when it crossed a watermark (BufferFull once per crossing, then BufferEmpty).
    async fn note_output(
        &self,
        e: &Entry,
        pcfg: &MasterPort,
        out: &Output,
        marks: &mut Marks,
        id: u64,
        src: u16,
    ) {
        if out.bytes != marks.published {
            marks.published = out.bytes;
            let over = out.bytes >= pcfg.socket_buffer_size;
            self.cfg.owners.set_output(id, out.bytes as u64, over);
        }
        let kind = if !marks.full && out.bytes > 0 && out.bytes >= pcfg.high_watermark {
            marks.full = true;
            Kind::BufferFull
        } else if marks.full && out.bytes <= pcfg.low_watermark {
            marks.full = false;
            Kind::BufferEmpty
        } else {
            return;
        };
        if self.cfg.events {
            let w = self.owner_worker(e);
            self.dispatch(w, Self::header(kind, 0, src, id), &[]).await;
        }
    }

    /// The worker that owns session `e` now (a bound uid moves it in mode 5).
    fn owner_worker(&self, e: &Entry) -> usize {
        let uid = e.uid.load(Ordering::Relaxed);
        if self.cfg.mode == Mode::Uid && uid > 0 {
            (uid % self.cfg.workers.len().max(1) as u64) as usize
        } else {
            e.home
        }
    }

    /// A frame from a worker.
    fn inbound(&self, raw: &[u8]) {
        let Some(f) = decode(raw) else {
            return;
        };
        let h = f.header;
        let entry = self
            .sessions
            .lock()
            .ok()
            .and_then(|s| s.get(&h.target).cloned());
        let Some(e) = entry else {
            return;
        };
        match h.kind {
            Kind::Send => {
                if h.flags & FLAG_CONT == 0 {
                    SharedStats::add(&self.cfg.stats.response_count, 1);
                }
                let _ = e.tx.send(Cmd::Data(f.payload.to_vec()));
            }
            Kind::Sendfile => {
                if let Some((path, offset, end)) = split_sendfile(f.payload) {
                    SharedStats::add(&self.cfg.stats.response_count, 1);
                    let _ = e.tx.send(Cmd::File(path, offset, end));
                }
            }
            Kind::Close => {
                let _ = e.tx.send(Cmd::Close(h.flags & FLAG_RESET != 0));
            }
            Kind::Pause => {
                let _ = e.tx.send(Cmd::Pause(h.flags & FLAG_RESUME == 0));
            }
            Kind::Protect => {
                // Published at once, for every worker's heartbeat().
                let on = h.flags & FLAG_RESET != 0;
                self.cfg.owners.set_protected(h.target, on);
                let _ = e.tx.send(Cmd::Protect(on));
            }
            Kind::Bind => {
                if let Ok(b) = <[u8; 8]>::try_from(f.payload) {
                    e.uid.store(u64::from_le_bytes(b), Ordering::Relaxed);
                }
            }
            _ => {}
        }
    }
}

fn now() -> f64 {
    crate::net::now()
}

/// The first heartbeat check (every `every` since `epoch`) at or after `at`.
/// Sleeps until `at`; never returns without one.
async fn deadline(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn check_after(
    epoch: tokio::time::Instant,
    at: tokio::time::Instant,
    every: Duration,
) -> tokio::time::Instant {
    let every_ns = every.as_nanos().max(1);
    let ticks = at
        .saturating_duration_since(epoch)
        .as_nanos()
        .div_ceil(every_ns);
    epoch + Duration::from_nanos((ticks * every_ns).min(u64::MAX as u128) as u64)
}

/// One connection, from accept to its Close.
#[allow(clippy::too_many_arguments)]
async fn serve<S: AsyncRead + CloseNotify>(
    m: &Master,
    mut s: S,
    sock_fd: RawFd,
    id: u64,
    (reactor, listener): (u16, usize),
    (ip, port, cert): (String, u16, Option<String>),
    proxied: Option<Proxied>,
) {
    let cfg = &m.cfg;
    let pcfg = &cfg.ports[listener];
    let src = Master::src(reactor, listener);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let addr = ip.parse::<IpAddr>().ok();
    let home = dispatch::home_worker(
        cfg.mode,
        cfg.workers.len(),
        id,
        addr.as_ref(),
        m.turn.fetch_add(1, Ordering::Relaxed),
        |w| cfg.loads.connections[w % MAX_SLOTS].load(Ordering::Relaxed),
    );
    cfg.loads.connections[home % MAX_SLOTS].fetch_add(1, Ordering::Relaxed);
    let entry = Arc::new(Entry {
        tx,
        uid: AtomicU64::new(0),
        home,
    });
    if let Ok(mut sessions) = m.sessions.lock() {
        sessions.insert(id, entry.clone());
    }
    let t = now();
    cfg.owners.set(id, m.pid);
    cfg.owners.set_listener(id, listener as u16);
    cfg.owners.set_proxied(id, proxied.as_ref());
    cfg.owners.publish(id, &ip, port, reactor, sock_fd, t);
    SharedStats::add(&cfg.stats.connections[MASTER_SLOT], 1);
    SharedStats::add(&cfg.stats.accept_count, 1);
    // dispatch_func's -2 on Connect: the session never reaches a worker (no onConnect, so
    // no onClose either).
    let mut refused = false;
    if cfg.events {
        let w = if cfg.mode == Mode::Func {
            match m.ask(Event::Connect, id, &[]).await {
                Decision::Worker(w) => Some(w),
                Decision::Close => None,
                Decision::Default | Decision::Discard => Some(home),
            }
        } else {
            Some(home)
        };
        match w {
            Some(w) => {
                let payload = cert.as_deref().unwrap_or_default().as_bytes();
                m.dispatch(w, Master::header(Kind::Connect, 0, src, id), payload)
                    .await;
            }
            None => refused = true,
        }
    }
    let mut decoder = match pcfg.framing {
        Framing::Raw => None,
        ref f => Some(Decoder::new(f.clone(), pcfg.package_max_length)),
    };
    let mut buf = vec![0u8; READ_BUF];
    let mut stop = m.stop.clone();
    // enable_delay_receive: not read until confirm() (a resume) arrives.
    let mut paused = pcfg.delay_receive;
    let mut out = Output::default();
    let mut marks = Marks::default();
    let mut protected = false;
    let mut reset_sent = false;
    let idle = pcfg.heartbeat;
    let max_idle = pcfg.max_idle;
    let mut last_recv = tokio::time::Instant::now();
    let mut last_active = last_recv;
    let end = loop {
        if refused {
            break End::Server;
        }
        if *stop.borrow() {
            break End::Server;
        }
        tokio::select! {
            biased;
            _ = stop.changed() => break End::Server,
            cmd = rx.recv() => match cmd {
                Some(Cmd::Data(d)) => {
                    out.push(d);
                    m.note_output(&entry, pcfg, &out, &mut marks, id, src).await;
                }
                Some(Cmd::File(path, offset, end)) => {
                    if let Some(f) = open_file(&path, id, reactor) {
                        out.chunks.push_back(Chunk::File(f, offset, end));
                    }
                }
                Some(Cmd::Close(reset)) => {
                    if reset {
                        crate::net::conn::set_linger_zero(sock_fd);
                        reset_sent = true;
                    } else {
                        flush_queued(&mut s, &mut out, &mut rx, cfg.stats, id, reactor).await;
                    }
                    break End::Server;
                }
                Some(Cmd::Pause(p)) => paused = p,
                Some(Cmd::Protect(p)) => protected = p,
                None => break End::Server,
            },
            // select! evaluates a disabled branch's expression too: these async blocks make
            // no timer until polled, so a connection without heartbeat or max_idle_time
            // builds none per message.
            _ = async { deadline(idle.map(|(every, limit)| check_after(m.epoch, last_recv + limit, every))).await }, if idle.is_some() && !protected => {
                break End::Peer;
            }
            _ = async { deadline(max_idle.map(|d| last_active + d)).await }, if max_idle.is_some() && !protected => {
                if !out.chunks.is_empty() {
                    // The peer stopped reading: what is queued would never leave; a reset
                    // frees the kernel's buffers too, instead of an orphan that retries.
                    crate::net::conn::set_linger_zero(sock_fd);
                    reset_sent = true;
                }
                break End::Peer;
            }
            io = std::future::poll_fn(|cx| poll_io(&mut s, &mut out, (!paused).then_some(&mut buf[..]), cx)) => match io {
                Io::Read(0) | Io::Gone => break End::Peer,
                Io::Wrote(n) => {
                    last_active = tokio::time::Instant::now();
                    SharedStats::add(&cfg.stats.total_send_bytes, n as u64);
                    cfg.owners.touch(id, None, Some(now()));
                    m.note_output(&entry, pcfg, &out, &mut marks, id, src).await;
                }
                Io::Read(n) => {
                    last_recv = tokio::time::Instant::now();
                    last_active = last_recv;
                    SharedStats::add(&cfg.stats.total_recv_bytes, n as u64);
                    cfg.owners.touch(id, Some(now()), None);
                    if let Some(end) = deliver(m, &entry, &mut decoder, &buf[..n], id, src, &ip, port).await {
                        break end;
                    }
                }
            },
        }
    };
    if end == End::Server && *stop.borrow() {
        // Shutdown: what the workers sent before it still goes out, briefly.
        let _ = tokio::time::timeout(
            Duration::from_millis(200),
            flush_queued(&mut s, &mut out, &mut rx, cfg.stats, id, reactor),
        )
        .await;
    }
    if !reset_sent && s.close_notify() {
        // Bounded: a peer that stopped reading must not hold the task.
        let _ = tokio::time::timeout(Duration::from_secs(1), s.flush()).await;
    }
    drop(s);
    if let Ok(mut sessions) = m.sessions.lock() {
        sessions.remove(&id);
    }
    if cfg.events && !refused {
        // The details stay readable for the worker's onClose (until the slot is reused).
        cfg.owners.release(id, m.pid);
    } else {
        cfg.owners.clear(id, m.pid);
    }
    cfg.stats.connections[MASTER_SLOT].fetch_sub(1, Ordering::Relaxed);
    cfg.loads.connections[home % MAX_SLOTS].fetch_sub(1, Ordering::Relaxed);
    SharedStats::add(&cfg.stats.close_count, 1);
    if cfg.events && !refused {
        let flags = if end == End::Server { FLAG_RESET } else { 0 };
        let w = if cfg.mode == Mode::Func {
            match m.ask(Event::Close, id, &[]).await {
                Decision::Worker(w) => w,
                _ => home,
            }
        } else {
            m.owner_worker(&entry)
        };
        m.dispatch(w, Master::header(Kind::Closed, flags, src, id), &[])
            .await;
    }
}

/// Writes everything held for a connection and the data commands already queued for it
/// (before a close).
async fn flush_queued<S: AsyncRead + CloseNotify>(
    s: &mut S,
    out: &mut Output,
    rx: &mut mpsc::UnboundedReceiver<Cmd>,
    stats: &SharedStats,
    id: u64,
    reactor: u16,
) {
    while let Ok(cmd) = rx.try_recv() {
        match cmd {
            Cmd::Data(d) => out.push(d),
            Cmd::File(path, offset, end) => {
                if let Some(f) = open_file(&path, id, reactor) {
                    out.chunks.push_back(Chunk::File(f, offset, end));
                }
            }
            _ => {}
        }
    }
    while !out.chunks.is_empty() {
        match std::future::poll_fn(|cx| poll_io(s, out, None, cx)).await {
            Io::Wrote(n) => SharedStats::add(&stats.total_send_bytes, n as u64),
            _ => return,
        }
    }
}

/// What a connection's output holds: the bytes workers sent, in order, and the files
/// `sendfile()` named (sent with sendfile(2) from the page cache, never read into memory
/// except through TLS), so a large file to a slow reader costs no memory and blocks nothing.
#[derive(Default)]
struct Output {
    chunks: std::collections::VecDeque<Chunk>,
    /// Bytes held in memory (what `socket_buffer_size` bounds; files do not count).
    bytes: usize,
    /// Written since the last flush (TLS keeps records until flushed).
    dirty: bool,
}

enum Chunk {
    /// Data, how much of it is written, and whether it counts in [`Output::bytes`] (a piece
    /// of a file read for TLS does not).
    Bytes(Vec<u8>, usize, bool),
    /// A file, the next offset to send and where to stop.
    File(std::fs::File, u64, u64),
}

impl Output {
    fn push(&mut self, d: Vec<u8>) {
        self.bytes += d.len();
        self.chunks.push_back(Chunk::Bytes(d, 0, true));
    }
}

/// Where BufferFull / BufferEmpty stand for one connection.
#[derive(Default)]
struct Marks {
    /// BufferFull was sent, BufferEmpty not yet.
    full: bool,
    /// The held bytes last published.
    published: usize,
}

enum Io {
    Read(usize),
    Wrote(usize),
    /// The peer is gone (a write failed or a read errored).
    Gone,
}

/// One step of a connection's I/O with a single borrow of its stream: writes what is held
/// (first: it was accepted before anything read now), then reads into `buf` (None: not
/// reading, paused or closing). Each write is reported, so the caller keeps the counts.
fn poll_io<S: AsyncRead + CloseNotify>(
    s: &mut S,
    out: &mut Output,
    buf: Option<&mut [u8]>,
    cx: &mut std::task::Context<'_>,
) -> std::task::Poll<Io> {
    use std::pin::Pin;
    use std::task::Poll;
    enum Step {
        Wrote(usize),
        Pop,
        Stage(Vec<u8>),
        Blocked,
    }
    while let Some(front) = out.chunks.front_mut() {
        let step = match front {
            Chunk::Bytes(b, off, counted) => match Pin::new(&mut *s).poll_write(cx, &b[*off..]) {
                Poll::Ready(Ok(n)) if n > 0 => {
                    *off += n;
                    if *counted {
                        out.bytes -= n;
                    }
                    if *off == b.len() {
                        out.chunks.pop_front();
                    }
                    Step::Wrote(n)
                }
                Poll::Ready(_) => return Poll::Ready(Io::Gone),
                Poll::Pending => Step::Blocked,
            },
            Chunk::File(_, off, end) if *off >= *end => Step::Pop,
            Chunk::File(f, off, end) => match s.poll_sendfile(cx, f.as_raw_fd(), off, *end) {
                // The file shrank since the worker looked at it: what is left is sent.
                Some(Poll::Ready(Ok(0))) => Step::Pop,
                Some(Poll::Ready(Ok(n))) => Step::Wrote(n),
                Some(Poll::Ready(Err(_))) => return Poll::Ready(Io::Gone),
                Some(Poll::Pending) => Step::Blocked,
                None => {
                    // TLS: the kernel cannot encrypt; a piece at a time goes through rustls.
                    use std::os::unix::fs::FileExt;
                    let mut v = vec![0u8; ((*end - *off) as usize).min(READ_BUF)];
                    match f.read_at(&mut v, *off) {
                        Ok(n) if n > 0 => {
                            *off += n as u64;
                            v.truncate(n);
                            Step::Stage(v)
                        }
                        _ => Step::Pop,
                    }
                }
            },
        };
        match step {
            Step::Wrote(n) => {
                out.dirty = true;
                return Poll::Ready(Io::Wrote(n));
            }
            Step::Pop => {
                out.chunks.pop_front();
            }
            Step::Stage(v) => out.chunks.push_front(Chunk::Bytes(v, 0, false)),
            Step::Blocked => break,
        }
    }
    if out.chunks.is_empty() && out.dirty {
        match Pin::new(&mut *s).poll_flush(cx) {
            Poll::Ready(Ok(())) => out.dirty = false,
            Poll::Ready(Err(_)) => return Poll::Ready(Io::Gone),
            Poll::Pending => {}
        }
    }
    let Some(buf) = buf else {
        return Poll::Pending;
    };
    let mut rb = tokio::io::ReadBuf::new(buf);
    match Pin::new(&mut *s).poll_read(cx, &mut rb) {
        Poll::Ready(Ok(())) => Poll::Ready(Io::Read(rb.filled().len())),
        Poll::Ready(Err(_)) => Poll::Ready(Io::Gone),
        Poll::Pending => Poll::Pending,
    }
}

/// Opens a file a worker's `sendfile()` named (it checked it; this can still fail, e.g. in
/// a worker that chroots): None, with a warning, when it cannot.
fn open_file(path: &str, id: u64, reactor: u16) -> Option<std::fs::File> {
    match std::fs::File::open(path) {
        Ok(f) => Some(f),
        Err(e) => {
            log::log(
                LOG_WARNING,
                '#',
                reactor as i64,
                &format!(
                    "sendfile(): the master cannot open {path} for connection#{id}: {e}; not sent"
                ),
            );
            None
        }
    }
}

/// A Sendfile frame's payload: offset and end (u64 LE each), then the path.
pub fn sendfile_payload(path: &str, offset: u64, end: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(16 + path.len());
    v.extend_from_slice(&offset.to_le_bytes());
    v.extend_from_slice(&end.to_le_bytes());
    v.extend_from_slice(path.as_bytes());
    v
}

/// The path, offset and end of a Sendfile frame's payload (see [`sendfile_payload`]).
fn split_sendfile(p: &[u8]) -> Option<(String, u64, u64)> {
    let offset = u64::from_le_bytes(p.get(..8)?.try_into().ok()?);
    let end = u64::from_le_bytes(p.get(8..16)?.try_into().ok()?);
    let path = std::str::from_utf8(p.get(16..)?).ok()?;
    Some((path.to_string(), offset, end))
}

/// Frames freshly read bytes and dispatches each whole packet; Some on a framing error
/// (logged with BASE mode's text; the connection is closed) or when a packet ends the
/// connection. With a `package_length_func`, the listener's function is asked (on the
/// master's PHP thread) whenever the decoder needs a length; only this connection waits.
#[allow(clippy::too_many_arguments)]
async fn deliver(
    m: &Master,
    e: &Entry,
    decoder: &mut Option<Decoder>,
    data: &[u8],
    id: u64,
    src: u16,
    ip: &str,
    port: u16,
) -> Option<End> {
    let Some(d) = decoder else {
        return m.packet(e, id, src, data).await;
    };
    d.push(data);
    loop {
        let mut next = d.next_packet();
        if matches!(next, Ok(None)) && d.wants_custom_length() {
            let Some(answer) = m.ask_length(split_src(src).1, id, d.buffered()).await else {
                // PHP is stopping: the server shuts down, this session with it.
                return Some(End::Server);
            };
            next = d.apply_custom_length(answer);
        }
        match next {
            Ok(Some(p)) => {
                if let Some(end) = m.packet(e, id, src, &p).await {
                    return Some(end);
                }
            }
            Ok(None) => return None,
            Err(err) => {
                let (code, msg) = crate::net::framing_warning(&err, ip, port);
                log::log(
                    LOG_WARNING,
                    '#',
                    split_src(src).0 as i64,
                    &format!("connection#{id} closed (ERRNO {code}): {msg}"),
                );
                return Some(End::Peer);
            }
        }
    }
}

/// Hands worker `w`'s queued frames to its socket, several per `sendmmsg(2)`.
async fn writer_loop(m: Arc<Master>, w: usize, mut rx: mpsc::Receiver<Vec<u8>>) {
    let fd = m.cfg.workers[w].tx;
    // SAFETY: the channel's fds stay open for the life of the process (made before the
    // fork, closed only after every thread ended).
    let what = format!("watch worker #{w}'s channel");
    let Some(afd) = (unsafe { watch(fd, Interest::WRITABLE, 0, &what) }) else {
        return;
    };
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let mut i = 0;
        while i < batch.len() {
            let Ok(mut guard) = afd.writable().await else {
                return;
            };
            match guard.try_io(|_| send_batch(fd, &batch[i..])) {
                Ok(Ok(n)) => i += n,
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Ok(Err(e)) => {
                    log::log(
                        LOG_WARNING,
                        '#',
                        0,
                        &format!("worker #{w}'s channel failed ({e}); a message was dropped"),
                    );
                    i += 1;
                }
                Err(_would_block) => {}
            }
        }
        m.queues[w].pending.fetch_sub(batch.len(), Ordering::AcqRel);
        batch.clear();
    }
}

/// `sendmmsg(2)` of up to [`BATCH`] frames without blocking; how many the kernel took.
fn send_batch(fd: RawFd, frames: &[Vec<u8>]) -> io::Result<usize> {
    let n = frames.len().min(BATCH);
    // SAFETY: zeroed iovec/mmsghdr arrays are valid; every pointer set below points into
    // `frames`, which outlives the call.
    unsafe {
        let mut iov: [libc::iovec; BATCH] = std::mem::zeroed();
        let mut msgs: [libc::mmsghdr; BATCH] = std::mem::zeroed();
        for i in 0..n {
            iov[i] = libc::iovec {
                iov_base: frames[i].as_ptr() as *mut libc::c_void,
                iov_len: frames[i].len(),
            };
            msgs[i].msg_hdr.msg_iov = &mut iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        let r = libc::sendmmsg(
            fd,
            msgs.as_mut_ptr(),
            n as libc::c_uint,
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
        );
        match r {
            r if r > 0 => Ok(r as usize),
            0 => Err(io::Error::from(io::ErrorKind::WouldBlock)),
            _ => Err(io::Error::last_os_error()),
        }
    }
}

/// Reads what the workers send (several frames per `recvmmsg(2)`) and routes it to the
/// connections' tasks.
async fn inbound_loop(m: Arc<Master>) {
    let fd = m.cfg.inbound.rx;
    // SAFETY: as in writer_loop.
    let Some(afd) = (unsafe { watch(fd, Interest::READABLE, 0, "watch the master's channel") })
    else {
        return;
    };
    let size = HEADER_LEN + MAX_PAYLOAD;
    let mut bufs = vec![0u8; size * BATCH];
    let mut lens = [0usize; BATCH];
    loop {
        let Ok(mut guard) = afd.readable().await else {
            return;
        };
        match guard.try_io(|_| recv_batch(fd, &mut bufs, size, &mut lens)) {
            Ok(Ok(n)) => {
                for (i, len) in lens.iter().enumerate().take(n) {
                    m.inbound(&bufs[i * size..i * size + len]);
                }
            }
            Ok(Err(_)) => {}
            Err(_would_block) => {}
        }
    }
}

/// `recvmmsg(2)` of up to [`BATCH`] frames into `bufs` (slices of `size`), without blocking.
fn recv_batch(fd: RawFd, bufs: &mut [u8], size: usize, lens: &mut [usize]) -> io::Result<usize> {
    let n = lens.len().min(BATCH).min(bufs.len() / size);
    // SAFETY: as in send_batch; every iovec points into `bufs`, which outlives the call.
    unsafe {
        let mut iov: [libc::iovec; BATCH] = std::mem::zeroed();
        let mut msgs: [libc::mmsghdr; BATCH] = std::mem::zeroed();
        for i in 0..n {
            iov[i] = libc::iovec {
                iov_base: bufs.as_mut_ptr().add(i * size).cast(),
                iov_len: size,
            };
            msgs[i].msg_hdr.msg_iov = &mut iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        let r = libc::recvmmsg(
            fd,
            msgs.as_mut_ptr(),
            n as libc::c_uint,
            libc::MSG_DONTWAIT,
            std::ptr::null_mut(),
        );
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        for i in 0..r as usize {
            lens[i] = msgs[i].msg_len as usize;
        }
        Ok(r as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_payloads_round_trip() {
        for peer in [
            crate::net::Peer::Inet("127.0.0.1:9".parse().unwrap()),
            crate::net::Peer::Inet("[::1]:65535".parse().unwrap()),
            crate::net::Peer::Unix("/tmp/c.sock".into()),
            crate::net::Peer::Unix(String::new()),
        ] {
            let p = packet_payload(&peer, b"data\0");
            assert_eq!(split_packet(&p), Some((peer, &b"data\0"[..])));
        }
        assert_eq!(split_packet(&[9]), None);
    }

    #[test]
    fn heartbeat_checks_fall_on_the_interval_ticks() {
        let e = tokio::time::Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(check_after(e, e + ms(500), ms(200)), e + ms(600));
        assert_eq!(check_after(e, e + ms(600), ms(200)), e + ms(600));
        assert_eq!(check_after(e, e, ms(200)), e);
    }

    #[test]
    fn the_sender_field_carries_reactor_and_listener() {
        for (reactor, listener) in [(0u16, 0usize), (3, 1), (254, MAX_PORTS - 1)] {
            let src = Master::src(reactor, listener);
            assert_ne!(src & MASTER_SRC, 0, "never a worker id");
            assert_eq!(split_src(src), (reactor, listener));
        }
    }

    /// Answers in order; the PHP side stops (None) at the question about session 3.
    struct Scripted(Vec<String>);

    impl Answers for Scripted {
        fn dispatch(&mut self, event: Event, fd: u64, data: &[u8]) -> Option<Decision> {
            self.0
                .push(format!("dispatch {event:?} {fd} {}", data.len()));
            (fd != 3).then_some(Decision::Worker(fd as usize))
        }
        fn length(&mut self, port: usize, fd: u64, buffered: &[u8]) -> Option<i64> {
            self.0.push(format!("length {port} {fd} {buffered:?}"));
            (fd != 3).then_some(buffered.len() as i64 * 10)
        }
    }

    #[test]
    fn one_queue_answers_both_kinds_in_order_until_php_stops() {
        let asks = Asks::new().unwrap();
        let mut replies = Vec::new();
        let mut lengths = Vec::new();
        for (fd, len) in [(1u64, true), (2, false), (3, true), (4, true), (5, false)] {
            if len {
                let (reply, rx) = oneshot::channel();
                let buffered = vec![fd as u8; fd as usize];
                asks.push(Ask::Length {
                    port: fd as usize % 2,
                    session: fd,
                    buffered,
                    reply,
                });
                lengths.push(rx);
            } else {
                let (reply, rx) = oneshot::channel();
                let data = b"abc".to_vec();
                asks.push(Ask::Dispatch {
                    event: Event::Receive,
                    session: fd,
                    data,
                    reply,
                });
                replies.push(rx);
            }
        }
        let mut php = Scripted(Vec::new());
        assert!(!answer_all(&asks, &mut php), "PHP asked to stop");
        // Nothing is asked of PHP once it stopped.
        assert_eq!(
            php.0,
            [
                "length 1 1 [1]",
                "dispatch Receive 2 3",
                "length 1 3 [3, 3, 3]"
            ]
        );
        let got: Vec<_> = lengths.into_iter().map(|mut r| r.try_recv().ok()).collect();
        // After the stop a length question gets no answer: its connection ends.
        assert_eq!(got, [Some(10), None, None]);
        let got: Vec<_> = replies.into_iter().map(|mut r| r.try_recv().ok()).collect();
        assert_eq!(got, [Some(Decision::Worker(2)), Some(Decision::Default)]);
        assert!(asks.take().is_empty());
    }

    #[test]
    fn batches_cross_a_datagram_pair_in_one_call_each() {
        let ch = Channel::new().unwrap();
        let frames: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 10 + i as usize]).collect();
        assert_eq!(send_batch(ch.tx, &frames).unwrap(), 5);
        let size = 64;
        let mut bufs = vec![0u8; size * BATCH];
        let mut lens = [0usize; BATCH];
        assert_eq!(recv_batch(ch.rx, &mut bufs, size, &mut lens).unwrap(), 5);
        for i in 0..5 {
            assert_eq!(lens[i], 10 + i);
            assert!(bufs[i * size..i * size + lens[i]]
                .iter()
                .all(|b| *b == i as u8));
        }
        let e = recv_batch(ch.rx, &mut bufs, size, &mut lens).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        ch.close();
    }
}

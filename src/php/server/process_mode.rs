//! `SWOOLE_PROCESS`, the PHP side. `start()` forks the manager before any thread exists (it
//! forks the event workers, task workers and user processes, as in BASE with workers), then
//! the process that called `start()` becomes the master: onStart, then the Rust-only reactor
//! threads of `process::master` until SIGTERM, then onShutdown. Workers run the ordinary
//! worker loop without accepting; the master's Connect / Receive / Close messages arrive on
//! their channel and become onConnect / onReceive / onClose here. Everything a worker does to
//! a session (`send`, `close`, `pause`, `bind`, …) is forwarded to the master, which owns it
//! (see `Shared::remote_owner`).

use std::cell::Cell;
use std::rc::Rc;

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use socket2::Socket;

use super::lifecycle::{finish_start, supervise, LoopEnd, StartFiles};
use super::listen::PortPlan;
use super::sink::{call_length_func, call_simple, PhpSink};
use super::state::Shared;
use crate::codec::Framing;
use crate::net::{EventSink, Reactor};
use crate::php::callback::{self, Cached, LoopCtl, Outcome};
use crate::php::convert::{bytes_zval, long, weak_int};
use crate::php::errors::{self, warning};
use crate::php::exception::swoole_exception;
use crate::process::certs::CertStore;
use crate::process::channel::{Header, Kind, FLAG_RESET};
use crate::process::dispatch::{func_decision, Decision, Event, Loads, Mode};
use crate::process::master::{self, MasterConfig, MasterPort};
use crate::process::privileges::Identity;
use crate::process::{self, Channel, PeerMsg, ServerPages, SharedStats, SignalGuard, MAX_SLOTS};

/// Frames queued per worker slot in the master before dispatching waits (about 60 MiB of
/// full frames at most; a ping-pong packet is one small frame).
const QUEUE_FRAMES: usize = 1024;

thread_local! {
    /// In every process of a PROCESS-mode server: the master's channel and pid.
    static MASTER: Cell<Option<(Channel, i64)>> = const { Cell::new(None) };
    static LOADS: Cell<Option<&'static Loads>> = const { Cell::new(None) };
    /// The session whose onClose runs now (its details stay readable there).
    static CLOSING: Cell<u64> = const { Cell::new(0) };
    /// `dispatch_mode` 5: `bind()` means something.
    static UID_MODE: Cell<bool> = const { Cell::new(false) };
    /// In a worker: the verified TLS client certificates (PEM) of the sessions whose
    /// onConnect ran here (the master sends each with the Connect), until their onClose.
    static CLIENT_CERTS: std::cell::RefCell<std::collections::HashMap<u64, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    /// In every process of a PROCESS-mode server with a TLS port: every session's verified
    /// client certificate, written by the master.
    static CERTS: Cell<Option<&'static CertStore>> = const { Cell::new(None) };
}

/// `getClientInfo()['ssl_client_cert']` of a session, in any process: the shared store, or
/// (for a certificate too large for it) the copy that came with the Connect to this worker.
pub(super) fn client_cert(fd: i64) -> Option<String> {
    if fd <= 0 {
        return None;
    }
    let shared = CERTS
        .with(|c| c.get())
        .and_then(|store| store.get(fd as u64))
        .and_then(|pem| String::from_utf8(pem).ok());
    shared.or_else(|| CLIENT_CERTS.with(|c| c.borrow().get(&(fd as u64)).cloned()))
}

/// The master's channel, in a PROCESS-mode server (where the master owns every session).
pub(super) fn master_channel() -> Option<Channel> {
    MASTER.with(|m| m.get()).map(|(c, _)| c)
}

/// The master's pid, in a PROCESS-mode server.
pub(super) fn master_pid() -> Option<i64> {
    MASTER.with(|m| m.get()).map(|(_, p)| p)
}

/// SWOOLE_PROCESS's `stats()['dispatch_queue_full']`: packets that found their worker's
/// queue full (their connection was not read until there was room).
pub(super) fn dispatch_queue_full() -> Option<u64> {
    LOADS
        .with(|l| l.get())
        .map(|l| l.queue_full.load(std::sync::atomic::Ordering::Relaxed))
}

/// Whether onClose of session `fd` runs now (the master has already let it go; Swoole's
/// `getClientInfo()` still answers there).
pub(super) fn in_on_close(fd: i64) -> bool {
    fd > 0 && CLOSING.with(|c| c.get()) == fd as u64
}

/// Whether a message on a worker's channel is one of the master's connection events.
pub(super) fn is_event(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Connect
            | Kind::Receive
            | Kind::Closed
            | Kind::Packet
            | Kind::BufferFull
            | Kind::BufferEmpty
    )
}

/// An option from `$server->setting`, as an int (the ones only PROCESS mode reads).
fn setting_int(sh: &Shared, key: &str) -> Option<i64> {
    let setting = sh.setting.borrow();
    let v = setting.as_ref()?.array()?.get(key)?;
    v.long()
        .or_else(|| v.bool().map(i64::from))
        .or_else(|| v.double().map(|d| d as i64))
        .or_else(|| v.str().and_then(|s| s.trim().parse().ok()))
}

/// Whether `set()` named `worker_num` (PROCESS mode defaults it to the CPU count).
pub(super) fn has_worker_num(sh: &Shared) -> bool {
    has_setting(sh, "worker_num")
}

fn has_setting(sh: &Shared, key: &str) -> bool {
    let setting = sh.setting.borrow();
    setting
        .as_ref()
        .and_then(|z| z.array())
        .is_some_and(|a| a.get(key).is_some())
}

/// `dispatch_func`, when it is callable (`set()` warned otherwise).
fn dispatch_func(sh: &Shared) -> Option<Zval> {
    let setting = sh.setting.borrow();
    let f = setting.as_ref()?.array()?.get("dispatch_func")?;
    f.is_callable().then(|| f.shallow_clone())
}

/// What PROCESS mode reads beyond `Settings`: (dispatch mode, events on, reactor_num).
fn process_options(sh: &Shared, func: bool) -> PhpResult<(Mode, bool, usize)> {
    let bad = |m: String| swoole_exception(m, errors::INVALID_PARAMS);
    let mode = match setting_int(sh, "dispatch_mode") {
        // A dispatch_func decides whatever dispatch_mode says (Swoole switches to 6 too).
        _ if func => Mode::Func,
        Some(6) => {
            warning("dispatch_mode 6 needs a callable dispatch_func; dispatching by fd (dispatch_mode 2)");
            Mode::Fd
        }
        Some(v) => Mode::from_option(v).map_err(bad)?,
        None => Mode::Fd,
    };
    let unsafe_event = setting_int(sh, "enable_unsafe_event").unwrap_or(0) != 0;
    let events = mode.sends_connection_events(unsafe_event);
    if !events {
        let n = setting_int(sh, "dispatch_mode").unwrap_or(2);
        for (event, name) in [("connect", "onConnect"), ("close", "onClose")] {
            if sh.callback(event).is_some() {
                process::log::log(
                    process::log::LOG_WARNING,
                    '#',
                    0,
                    &format!("Server::start_check() (ERRNO 9015): cannot set '{name}' event when using dispatch_mode={n}"),
                );
            }
        }
    }
    let cpus = crate::options::cpu_count() as usize;
    let reactor_num = match setting_int(sh, "reactor_num") {
        Some(n) if n < 0 => {
            return Err(bad(format!("option 'reactor_num' must be >= 0, {n} given")))
        }
        Some(0) | None => cpus.min(8),
        Some(n) => (n as usize).min(cpus * 4),
    };
    Ok((mode, events, reactor_num.max(1)))
}

/// `start()` in PROCESS mode, from the process that called it: forks the manager, then runs
/// the master until shutdown and returns as `start()` returns (after onShutdown).
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    sh: Rc<Shared>,
    server: Zval,
    plans: Vec<PortPlan>,
    sockets: Vec<Socket>,
    files: StartFiles,
    identity: Option<Identity>,
) -> PhpResult<bool> {
    // The master's reactor threads serve every listener (TLS included), each with its own
    // framing; what needs PHP there (`dispatch_func`, `package_length_func`) is asked of the
    // master's PHP thread (see `MasterAnswers`).
    if plans.len() > master::MAX_PORTS {
        return Err(swoole_exception(
            format!(
                "SWOOLE_PROCESS serves at most {} ports per server",
                master::MAX_PORTS
            ),
            errors::INVALID_PARAMS,
        ));
    }
    let func = dispatch_func(&sh);
    let (mode, events, reactor_num) = process_options(&sh, func.is_some())?;
    // run_server() gave worker_num its PROCESS-mode default (one per CPU) when unset.
    let settings = sh.settings.borrow().clone();
    let n = settings.worker_num.max(1) as usize;
    // As Swoole: never more reactor threads than workers.
    let reactor_num = reactor_num.min(n);
    let func = func.map(Cached::new);
    let tw = settings.task.worker_num as usize;
    let users = sh.user_processes.borrow().len();
    // run_server() checked that they fit below the master's slot.
    debug_assert!(n + tw + users < master::MASTER_SLOT);
    let now_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let pages = ServerPages::create(settings.start_session_id, now_secs)?;
    let loads = Loads::new_shared().map_err(|e| format!("cannot create the load page: {e}"))?;
    let peers = (0..n + tw)
        .map(|_| Channel::new())
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| format!("cannot create the worker channels: {e}"))?;
    let inbound = Channel::new().map_err(|e| format!("cannot create the master channel: {e}"))?;
    let master_pid = process::getpid();
    MASTER.with(|m| m.set(Some((inbound, master_pid))));
    LOADS.with(|l| l.set(Some(loads)));
    let certs = if plans.iter().any(|p| p.tls.is_some()) {
        // A slot per session that can be open at once (ids are taken modulo the size).
        let slots = settings
            .max_connection
            .clamp(1024, process::shm::OWNER_SLOTS);
        Some(
            CertStore::new_shared(slots)
                .map_err(|e| format!("cannot create the client certificate store: {e}"))?,
        )
    } else {
        None
    };
    CERTS.with(|c| c.set(certs));
    UID_MODE.with(|u| u.set(mode == Mode::Uid));

    // SAFETY: flushing PHP's output layers on the PHP thread, so the child does not write
    // what the parent buffered a second time.
    unsafe { php_output_flush_all() };
    // SAFETY: no runtime and no other thread exist in this process yet.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(format!(
            "cannot fork the manager: {}",
            std::io::Error::last_os_error()
        )
        .into());
    }
    if pid == 0 {
        manager_main(
            &sh, &server, &plans, &sockets, &settings, identity, pages, &peers, master_pid,
        );
    }

    // The master.
    let ctl = Rc::new(LoopCtl::default());
    callback::set_current(Some(ctl.clone()));
    sh.publish_running(pid as i64, n, tw, &pages, &peers);
    let signals = SignalGuard::install_for(&[
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGCHLD,
    ])
    .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    // The master's PHP thread serves no connection itself, but onStart and its timers may
    // call `send()`, `close()`, `stats()`, `heartbeat()`, …: a reactor without sessions makes
    // them work as in a worker (every session is the master's, so each call goes through the
    // master's own channel to the reactor thread that owns the connection).
    *sh.running.borrow_mut() = Some(master_reactor(&sh, &plans, &sockets, &pages));
    // Timers created in onStart fire on this thread between its waits (as the manager's).
    crate::php::timer::enable_in_manager(true);
    call_simple(&sh, &server, "start", None);
    let result = if ctl.fatal.get() || ctl.exit_code.get().is_some() {
        // onStart failed: stop the manager (and its workers) instead of serving.
        // SAFETY: kill(2)/waitpid(2) on our own child.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
        }
        Ok(())
    } else {
        let ports = plans
            .iter()
            .zip(&sockets)
            .map(|(p, socket)| MasterPort {
                listen_fd: std::os::fd::AsRawFd::as_raw_fd(socket),
                unix: matches!(p.kind, crate::net::PortKind::Stream { unix: true }),
                dgram: p.kind.is_dgram(),
                framing: p.framing.clone(),
                package_max_length: p.settings.package_max_length,
                nodelay: p.settings.open_tcp_nodelay,
                heartbeat: p.settings.heartbeat(),
                max_idle: p.settings.max_idle(),
                proxy_timeout: p
                    .settings
                    .open_proxy_protocol
                    .then(|| std::time::Duration::from_secs_f64(p.settings.proxy_protocol_timeout)),
                tls: p.tls.as_deref().cloned(),
                socket_buffer_size: p.settings.socket_buffer_size,
                high_watermark: p.settings.high_watermark(),
                low_watermark: p.settings.buffer_low_watermark,
                delay_receive: p.settings.enable_delay_receive,
            })
            .collect();
        let cfg = MasterConfig {
            ports,
            reactor_num,
            workers: peers[..n].to_vec(),
            inbound,
            stats: pages.stats,
            owners: pages.owners,
            loads,
            certs,
            mode,
            events,
            max_connection: settings.max_connection,
            queue_frames: QUEUE_FRAMES,
            max_wait: settings.max_wait_time,
            manager_pid: pid,
        };
        let mut answers = MasterAnswers {
            dispatch_func: func,
            length_funcs: plans
                .iter()
                .map(|p| match p.framing {
                    Framing::Custom => p
                        .length_func
                        .as_ref()
                        .map(|f| Cached::new(f.shallow_clone())),
                    _ => None,
                })
                .collect(),
            server: &server,
            workers: n,
            ctl: &ctl,
        };
        master::run(cfg, &signals, &mut answers)
    };
    // Cleared before onShutdown, as Swoole.
    crate::php::timer::enable_in_manager(false);
    *sh.running.borrow_mut() = None;
    drop(signals);
    sh.clear_running(peers);
    inbound.close();
    MASTER.with(|m| m.set(None));
    LOADS.with(|l| l.set(None));
    CERTS.with(|c| c.set(None));
    super::listen::remove_unix_files(&plans);
    drop(sockets);
    drop(files);
    result.map_err(|e| format!("the master failed: {e}"))?;
    finish_start(
        &sh,
        server,
        LoopEnd {
            fatal: ctl.fatal.get(),
            exit_code: ctl.exit_code.get(),
            fatal_in: None,
        },
    )
}

/// The user code the master's reactor threads ask for, called on the master's PHP thread.
struct MasterAnswers<'a> {
    dispatch_func: Option<Cached>,
    /// Per listener (index 0: the primary port), its `package_length_func` (its own from
    /// `Port::set()`, or the server's).
    length_funcs: Vec<Option<Cached>>,
    server: &'a Zval,
    workers: usize,
    /// The master's callbacks' state: `shutdown()`, `exit()` or a fatal error in one of them
    /// (a timer's included) stops the master.
    ctl: &'a LoopCtl,
}

impl master::Answers for MasterAnswers<'_> {
    fn dispatch(&mut self, event: Event, fd: u64, data: &[u8]) -> Option<Decision> {
        match &self.dispatch_func {
            Some(f) => ask_dispatch_func(f, self.server, self.workers, event, fd, data),
            None => Some(Decision::Default),
        }
    }

    /// As in BASE mode (`call_length_func`); a listener without one (it cannot ask) says
    /// malformed.
    fn length(&mut self, port: usize, fd: u64, buffered: &[u8]) -> Option<i64> {
        match self.length_funcs.get(port) {
            Some(Some(f)) => call_length_func(f, fd, buffered),
            _ => Some(-1),
        }
    }

    /// The timers created in onStart (or in a timer), run as the manager's are.
    fn timers(&mut self) -> master::TimerPoll {
        crate::php::timer::run_due();
        let c = self.ctl;
        master::TimerPoll {
            next: crate::php::timer::next_due(),
            stop: c.stopping.get() || c.fatal.get() || c.exit_code.get().is_some(),
        }
    }
}

/// The master's reactor on its PHP thread: the ports' settings (heartbeat, framing for
/// `getClientInfo()`) and the shared pages, no session, no event loop.
fn master_reactor(
    sh: &Shared,
    plans: &[PortPlan],
    sockets: &[Socket],
    pages: &ServerPages,
) -> Rc<Reactor> {
    let ports = plans
        .iter()
        .zip(sockets)
        .map(|(p, s)| p.cfg(s, false))
        .collect();
    Reactor::new(
        sh.settings.borrow().clone(),
        ports,
        Some((pages.stats, master::MASTER_SLOT)),
        Some(pages.owners),
    )
}

/// One `dispatch_func($server, $fd, $type, $data)` call on the master's PHP thread; None when
/// PHP is stopping (a fatal error or `exit()` there). What is not a worker id warns, naming
/// the fd and what came back, and the event goes to the default worker (fd modulo
/// `worker_num`).
fn ask_dispatch_func(
    f: &Cached,
    server: &Zval,
    n: usize,
    event: Event,
    fd: u64,
    data: &[u8],
) -> Option<Decision> {
    let mut args = [
        server.shallow_clone(),
        long(fd as i64),
        long(event as i64),
        bytes_zval(data),
    ];
    let (answer, what) = match f.call(&mut args, &|| format!("dispatch_func (fd {fd})")) {
        Outcome::Returned(z) => match weak_int(&z) {
            Some(w) => (Some(w), format!("returned {w}")),
            None => (
                None,
                format!("returned {}", z.get_type().to_string().to_lowercase()),
            ),
        },
        Outcome::Threw => (None, "threw".to_string()),
        Outcome::Stopping => return None,
    };
    let (d, warn) = func_decision(answer, n, event);
    if warn {
        let why = if answer.is_some() || what != "threw" {
            format!(", not a worker id (0 to {}) nor -1, -2 or -3", n - 1)
        } else {
            String::new()
        };
        warning(&format!(
            "dispatch_func {what} for fd {fd}{why}; dispatching to worker {} (fd modulo worker_num)",
            fd % n as u64
        ));
    }
    Some(d)
}

extern "C" {
    fn php_output_end_all();
    fn php_output_flush_all();
}

/// The forked manager: supervises the workers exactly as in BASE mode, and leaves without
/// returning into the script (the master owns it). It stops with its master.
#[allow(clippy::too_many_arguments)]
fn manager_main(
    sh: &Rc<Shared>,
    server: &Zval,
    plans: &[PortPlan],
    sockets: &[Socket],
    settings: &crate::options::Settings,
    identity: Option<Identity>,
    pages: ServerPages,
    peers: &[Channel],
    master_pid: i64,
) -> ! {
    // SAFETY: prctl with constant arguments: the manager stops gracefully when the master
    // dies; if it died already, leave.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
        if libc::getppid() as i64 != master_pid {
            libc::_exit(0);
        }
    }
    let (result, ctl) = supervise(sh, server, plans, sockets, settings, identity, pages, peers);
    if let Err(e) = result {
        warning(&e);
    }
    let code = if ctl.fatal.get() { 255 } else { 0 };
    callback::set_current(None);
    // SAFETY: flush what the manager printed, then leave without PHP's shutdown.
    unsafe {
        php_output_end_all();
        php_output_flush_all();
        libc::fflush(std::ptr::null_mut());
        libc::_exit(code)
    }
}

fn on_connect(
    sink: &PhpSink,
    cbs: &super::sink::PortCallbacks,
    id: u64,
    reactor: i64,
) -> Option<Outcome> {
    cbs.on_connect.as_ref().map(|cb| {
        let mut args = [sink.server.shallow_clone(), long(id as i64), long(reactor)];
        cb.call(&mut args, &|| format!("onConnect (fd {id})"))
    })
}

/// A connection event from the master, in a worker: the callback of the port that accepted
/// the session (the frame's sender names it; a port without its own falls back to the
/// server's, as in BASE), with the reactor id the master gave (its thread), and the failure
/// policy of BASE mode (an exception closes the
/// session, here by asking the master).
pub(super) fn on_event(sink: &PhpSink, h: Header, payload: &[u8]) {
    let id = h.target;
    let (reactor, port) = master::split_src(h.src);
    let reactor = reactor as i64;
    let cbs = sink.ports.get(port).unwrap_or(&sink.ports[0]);
    let outcome = match h.kind {
        Kind::Connect if !payload.is_empty() => {
            let pem = String::from_utf8_lossy(payload).into_owned();
            CLIENT_CERTS.with(|c| c.borrow_mut().insert(id, pem));
            on_connect(sink, cbs, id, reactor)
        }
        Kind::Connect => on_connect(sink, cbs, id, reactor),
        Kind::Receive => {
            let slot = sink.reactor.upgrade().map(|r| r.stats.slot % MAX_SLOTS);
            let loads = LOADS.with(|l| l.get());
            if let (Some(l), Some(s)) = (loads, slot) {
                l.busy_since[s].store(
                    crate::process::dispatch::monotonic_us(),
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
            let out = cbs.on_receive.as_ref().map(|cb| {
                let mut args = [
                    sink.server.shallow_clone(),
                    long(id as i64),
                    long(reactor),
                    bytes_zval(payload),
                ];
                cb.call(&mut args, &|| format!("onReceive (fd {id})"))
            });
            count_request(sink);
            out
        }
        Kind::Packet => {
            if let Some((peer, data)) = master::split_packet(payload) {
                sink.on_packet(port.min(sink.ports.len() - 1), data, &peer);
            }
            None
        }
        Kind::BufferFull => {
            crate::net::EventSink::on_buffer_full(sink, port.min(sink.ports.len() - 1), id);
            None
        }
        Kind::BufferEmpty => {
            crate::net::EventSink::on_buffer_empty(sink, port.min(sink.ports.len() - 1), id);
            None
        }
        Kind::Closed => {
            let rid = if h.flags & FLAG_RESET != 0 {
                -1
            } else {
                reactor
            };
            if let Some(cb) = &cbs.on_close {
                let mut args = [sink.server.shallow_clone(), long(id as i64), long(rid)];
                let before = CLOSING.with(|c| c.replace(id));
                cb.call(&mut args, &|| format!("onClose (fd {id})"));
                CLOSING.with(|c| c.set(before));
            }
            CLIENT_CERTS.with(|c| c.borrow_mut().remove(&id));
            None
        }
        _ => None,
    };
    if let Some(Outcome::Threw) = outcome {
        if let Some(ch) = master_channel() {
            let src = sink
                .shared
                .upgrade()
                .map_or(0, |s| s.worker_id.get().max(0) as u16);
            let _ = ch.send_peer(src, &PeerMsg::Close(id, false));
        }
    }
    if h.kind == Kind::Receive {
        sink.after_receive(id);
    }
}

/// A handled packet: the counters (`stats()`, dispatch mode 3's idle worker) and
/// `max_request`.
fn count_request(sink: &PhpSink) {
    let Some(r) = sink.reactor.upgrade() else {
        return;
    };
    SharedStats::add(&r.stats.shared().request_count, 1);
    let c = &r.stats.worker_request_count;
    c.set(c.get() + 1);
    if let Some(l) = LOADS.with(|l| l.get()) {
        let s = r.stats.slot % MAX_SLOTS;
        l.busy_since[s].store(0, std::sync::atomic::Ordering::Relaxed);
        l.handled[s].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `getClientInfo()['uid']` of a session bound to `uid` (0: unbound): Swoole shows it
/// always with `dispatch_mode` 5, else only once bound.
pub(super) fn shown_uid(uid: u32) -> Option<u32> {
    (master_channel().is_some() && (uid != 0 || UID_MODE.with(|u| u.get()))).then_some(uid)
}

/// `bind($fd, $uid)`, as Swoole: the uid must fit in `[INT32_MIN, UINT32_MAX]` (a warning
/// otherwise) and is kept as a u32; a session is bound once (a second `bind()`, from any
/// worker, is false without a warning; uid 0 succeeds and binds nothing). The shared session
/// table decides who wins (a compare-and-swap), so the answer needs no round trip; the master
/// is told, and with `dispatch_mode` 5 sends the session's packets to worker
/// `uid % worker_num` from then on (other modes only record it). False outside PROCESS mode
/// or for a closed fd.
pub(super) fn bind(sh: &Shared, fd: i64, uid: i64) -> bool {
    let Some(ch) = master_channel() else {
        warning("bind() needs SWOOLE_PROCESS (with dispatch_mode 5)");
        return false;
    };
    if !(i32::MIN as i64..=u32::MAX as i64).contains(&uid) {
        errors::warning_code(
            errors::PHP_FATAL_ERROR,
            &format!(
                "uid can not be greater than {} or less than {}",
                u32::MAX,
                i32::MIN
            ),
        );
        return false;
    }
    let uid = uid as u32;
    let Some(owners) = sh.owners.get() else {
        return false;
    };
    if fd <= 0 || sh.remote_owner(fd).is_none() {
        errors::set_last_error(crate::net::code::SESSION_NOT_EXIST);
        return false;
    }
    if !owners.bind_uid(fd as u64, uid) {
        return false;
    }
    if uid == 0 {
        return true;
    }
    let header = Header {
        kind: Kind::Bind,
        flags: 0,
        src: sh.worker_id.get().max(0) as u16,
        msg_id: process::channel::next_msg_id(),
        target: fd as u64,
    };
    ch.send_message(
        header,
        &(uid as u64).to_le_bytes(),
        None,
        std::time::Duration::from_secs(1),
    )
    .is_ok()
}

/// Whether the master holds more than `socket_buffer_size` bytes for session `fd` (a
/// PROCESS-mode `send()` is then refused as in BASE mode; what is already on its way to
/// the master is still sent).
pub(super) fn output_over(sh: &Shared, fd: i64) -> bool {
    master_channel().is_some()
        && fd > 0
        && sh.owners.get().is_some_and(|o| o.output_over(fd as u64))
}

/// `sendfile()` on a session of the master: the file is checked here (the same errors as
/// BASE mode), then its absolute path goes to the master, which sends it with sendfile(2)
/// behind what this worker sent before. None when the master does not own `fd`.
pub(super) fn sendfile(
    sh: &Shared,
    fd: i64,
    path: &str,
    offset: u64,
    length: u64,
) -> Option<Result<(), crate::net::SendfileError>> {
    use crate::net::SendfileError;
    let ch = sh.remote_owner(fd)?;
    master_channel()?;
    let check = || -> Result<(String, u64), SendfileError> {
        let file = std::fs::File::open(path).map_err(SendfileError::Open)?;
        let meta = file.metadata().map_err(SendfileError::Open)?;
        if !meta.is_file() {
            return Err(SendfileError::NotRegular);
        }
        if offset >= meta.len() {
            return Err(SendfileError::Empty(offset));
        }
        let end = if length == 0 {
            meta.len()
        } else {
            meta.len().min(offset.saturating_add(length))
        };
        // The master's working directory is not this worker's after a chdir(), nor its
        // root after the `chroot` option.
        let abs = std::fs::canonicalize(path).map_err(SendfileError::Open)?;
        let abs = crate::process::privileges::outside(&abs);
        Ok((abs.to_string_lossy().into_owned(), end))
    };
    let (abs, end) = match check() {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let header = Header {
        kind: Kind::Sendfile,
        flags: 0,
        src: sh.worker_id.get().max(0) as u16,
        msg_id: process::channel::next_msg_id(),
        target: fd as u64,
    };
    let payload = master::sendfile_payload(&abs, offset, end);
    Some(
        ch.send_message(header, &payload, None, std::time::Duration::from_secs(1))
            .map_err(|_| crate::net::SendfileError::Send(crate::net::SendError::Closed)),
    )
}

/// `heartbeat()` in PROCESS mode, from any worker or the master: every session of the server
/// (the master owns them all and publishes their last receive time and `protect()` in the
/// shared session table) idle longer than its port's `heartbeat_idle_time`, as Swoole. With
/// `close` each is closed through the master (asynchronously, as `close()`: onClose gets
/// reactor id -1, as in Swoole). None when no port has a heartbeat.
pub(super) fn heartbeat(sh: &Shared, r: &Reactor, close: bool) -> Option<Vec<u64>> {
    if !r.has_heartbeat() {
        return None;
    }
    let (owners, master) = (sh.owners.get()?, master_pid()? as i32);
    let now = crate::net::now();
    let idle: Vec<u64> = owners
        .open_sessions(|pid| pid == master)
        .into_iter()
        .filter(|&id| {
            let Some(info) = owners.info(id) else {
                return false;
            };
            let Some((_, limit)) = r
                .ports
                .get(info.listener as usize)
                .and_then(|p| p.heartbeat)
            else {
                return false;
            };
            !owners.is_protected(id)
                && info.last_recv_time.max(info.connect_time) + limit.as_secs_f64() <= now
        })
        .collect();
    if close {
        if let Some(ch) = master_channel() {
            let src = sh.worker_id.get().max(0) as u16;
            for &id in &idle {
                let _ = ch.send_peer(src, &PeerMsg::Close(id, false));
            }
        }
    }
    Some(idle)
}

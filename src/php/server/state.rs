//! What a `Swoole\Server` object owns, shared (`Rc`) with the objects it hands out
//! (connection iterators) and with the running loop; and the small queries every method
//! needs (is it running, which callback, which worker owns a session).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use ext_php_rs::types::Zval;

use super::port::{PortState, PORT_EVENTS};
use crate::net::Reactor;
use crate::options::Settings;
use crate::php::errors::{self, warning_code};
use crate::process::{self, Channel, Owners, SharedStats};

pub const SWOOLE_BASE: i64 = 1;
pub const SWOOLE_PROCESS: i64 = 2;
pub const SOCK_TCP: i64 = 1;
pub const SOCK_UDP: i64 = 2;
pub const SOCK_TCP6: i64 = 3;
pub const SOCK_UDP6: i64 = 4;
pub const SOCK_UNIX_STREAM: i64 = 5;
pub const SOCK_UNIX_DGRAM: i64 = 6;
/// OR-ed into a socket type: serve TLS on that listener.
pub const SWOOLE_SSL: i64 = 512;

/// Events `on()` accepts (Swoole's server and port event names, lower-cased). Events this
/// implementation does not raise yet are stored so `getCallback()` returns them.
pub(super) const EVENTS: &[&str] = &[
    "start",
    "beforeshutdown",
    "shutdown",
    "workerstart",
    "workerstop",
    "workerexit",
    "workererror",
    "managerstart",
    "managerstop",
    "beforereload",
    "afterreload",
    "connect",
    "receive",
    "close",
    "packet",
    "task",
    "finish",
    "pipemessage",
    "bufferfull",
    "bufferempty",
];

#[derive(Clone, Copy, PartialEq)]
pub(super) enum State {
    Created,
    Running,
    Stopped,
}

/// Everything a `Swoole\Server` object owns. Shared (`Rc`) with the objects it hands out
/// (connection iterators) and with the running loop.
pub struct Shared {
    pub(super) host: String,
    pub(super) port: i64,
    pub(super) mode: i64,
    pub(super) sock_type: i64,
    /// Every listener, bound when added (so a port conflict is reported there, as in
    /// Swoole); index 0 is the primary port, made by the constructor. `start()` listens.
    pub(super) ports: RefCell<Vec<Rc<PortState>>>,
    /// The TLS of every `SWOOLE_SSL` port, built at `start()` from that port's settings
    /// (kept here so `reload()` can re-read their certificates).
    pub(super) tls: RefCell<Vec<Rc<crate::net::tls::TlsListener>>>,
    pub(super) settings: RefCell<Settings>,
    /// `$server->setting`: null until `set()`, then every key given, merged.
    pub(super) setting: RefCell<Option<Zval>>,
    pub(super) callbacks: RefCell<HashMap<&'static str, Zval>>,
    pub(super) length_func: RefCell<Option<Zval>>,
    pub(super) state: Cell<State>,
    pub(super) running: RefCell<Option<Rc<Reactor>>>,
    /// The manager's pid when there is one (0 for a single-process server).
    pub(super) manager_pid: Cell<i64>,
    /// This process's worker id (-1 outside a worker, e.g. in the manager).
    pub(super) worker_id: Cell<i64>,
    pub(super) worker_num: Cell<i64>,
    /// Counters shared by the workers, while the manager runs.
    pub(super) stats_page: Cell<Option<&'static SharedStats>>,
    /// Which worker owns which session, with several workers.
    pub(super) owners: Cell<Option<&'static Owners>>,
    /// One datagram channel per worker slot, for forwarded `send()`/`close()`.
    pub(super) peers: RefCell<Vec<Channel>>,
    /// `task_worker_num` while the manager runs (task workers follow the event workers).
    pub(super) task_worker_num: Cell<i64>,
    /// This process's tasks: ids, results awaited, expired taskwaits.
    pub(super) tasks: RefCell<super::task::TaskState>,
    /// In a task worker, inside onTask: the task it runs.
    pub(super) current_task: Cell<Option<super::task::Running>>,
    /// `addProcess()`: the `Swoole\Process` objects the manager runs.
    pub(super) user_processes: RefCell<Vec<Zval>>,
}

impl Shared {
    /// What the manager and (in PROCESS mode) the master know of the running server: the
    /// shared pages and channels every process inherits, the worker counts, the manager pid.
    pub(super) fn publish_running(
        &self,
        manager_pid: i64,
        workers: usize,
        task_workers: usize,
        pages: &process::ServerPages,
        peers: &[Channel],
    ) {
        self.manager_pid.set(manager_pid);
        self.worker_num.set(workers as i64);
        self.task_worker_num.set(task_workers as i64);
        self.stats_page.set(Some(pages.stats));
        self.owners.set(Some(pages.owners));
        *self.peers.borrow_mut() = peers.to_vec();
        self.state.set(State::Running);
    }

    /// After the last worker is gone: forget the shared pages and close the channels.
    pub(super) fn clear_running(&self, peers: Vec<Channel>) {
        crate::php::callback::set_current(None);
        self.stats_page.set(None);
        self.owners.set(None);
        self.peers.borrow_mut().clear();
        for p in peers {
            p.close();
        }
        self.state.set(State::Stopped);
    }
}

impl Shared {
    /// Hands a call on session `fd` to the other worker that owns it; false when no other
    /// live worker does or the channel refused it. True means handed over, as Swoole's
    /// PROCESS mode answers: the owner carries it out.
    pub(super) fn forward_to_owner(&self, fd: i64, msg: &process::PeerMsg) -> bool {
        let Some(peer) = self.remote_owner(fd) else {
            return false;
        };
        let src = self.worker_id.get().max(0) as u16;
        peer.send_peer(src, msg).is_ok()
    }

    /// The channel to the worker that owns session `fd`, when another live worker does.
    pub(super) fn remote_owner(&self, fd: i64) -> Option<Channel> {
        if fd <= 0 {
            return None;
        }
        let pid = self.owners.get()?.owner(fd as u64)?;
        if let Some(master) = super::process_mode::master_channel() {
            // SWOOLE_PROCESS: the master owns every session.
            return (super::process_mode::master_pid() == Some(pid as i64)).then_some(master);
        }
        if pid as i64 == process::getpid() {
            return None;
        }
        let page = self.stats_page.get()?;
        let n = (self.worker_num.get().max(0) as usize).min(process::MAX_SLOTS);
        let slot =
            (0..n).find(|&i| page.pids[i].load(std::sync::atomic::Ordering::Relaxed) == pid)?;
        self.peers.borrow().get(slot).copied()
    }
}

impl Shared {
    /// The pids of the live workers, with several workers.
    fn live_worker_pids(&self) -> Option<Vec<i32>> {
        let page = self.stats_page.get()?;
        let n = (self.worker_num.get().max(0) as usize).min(process::MAX_SLOTS);
        let mut pids: Vec<i32> = page.pids[..n]
            .iter()
            .map(|p| p.load(std::sync::atomic::Ordering::Relaxed))
            .filter(|p| *p > 0)
            .collect();
        pids.extend(super::process_mode::master_pid().map(|p| p as i32));
        Some(pids)
    }

    /// Every open session of the server, ascending: with several workers from the shared
    /// owner table (see `Owners::open_sessions` for the cost), else this worker's table.
    pub(super) fn open_sessions(&self, r: &Reactor) -> Vec<u64> {
        match (self.owners.get(), self.live_worker_pids()) {
            (Some(owners), Some(live)) => owners.open_sessions(|pid| live.contains(&pid)),
            _ => r.sessions.borrow().ids(),
        }
    }

    /// The listener that accepted open session `id` (this worker's or another's).
    pub(super) fn session_listener(&self, r: &Reactor, id: u64) -> Option<usize> {
        if let Some(c) = r.get(id) {
            return Some(c.port);
        }
        self.owners.get()?.info(id).map(|i| i.listener as usize)
    }

    /// How many sessions are open server-wide.
    pub(super) fn open_session_count(&self, r: &Reactor) -> usize {
        match self.stats_page.get() {
            Some(page) => page.connection_num() as usize,
            None => r.sessions.borrow().len(),
        }
    }

    /// Whether worker `id` is a task worker (they follow the event workers).
    pub(super) fn is_task_worker_id(&self, id: i64) -> bool {
        self.task_worker_num.get() > 0 && id >= self.worker_num.get()
    }

    pub(super) fn reactor(&self) -> Option<Rc<Reactor>> {
        self.running.borrow().clone()
    }

    /// Swoole's guard for methods that need a running server.
    pub(super) fn require_running(&self) -> Option<Rc<Reactor>> {
        let r = self.reactor();
        if r.is_none() {
            warning_code(errors::PHP_FATAL_ERROR, "server is not running");
        }
        r
    }

    pub(super) fn callback(&self, name: &str) -> Option<Zval> {
        self.callbacks.borrow().get(name).map(|z| z.shallow_clone())
    }

    /// The callback listener `port` uses for a port event: its own, else the server's
    /// (Swoole's fallback to the primary port).
    pub(super) fn port_callback(&self, port: usize, name: &str) -> Option<Zval> {
        debug_assert!(PORT_EVENTS.contains(&name));
        if port > 0 {
            let own = self
                .ports
                .borrow()
                .get(port)
                .and_then(|p| p.callbacks.borrow().get(name).map(|z| z.shallow_clone()));
            if own.is_some() {
                return own;
            }
        }
        self.callback(name)
    }
}

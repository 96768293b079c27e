//! `Swoole\Server`, `Swoole\Server\Port`, `Swoole\Connection\Iterator` and `Swoole\Exception`.
//!
//! This layer converts arguments, raises Swoole's warnings and calls user callbacks; the
//! networking is in [`crate::net`], the framing in [`crate::codec`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ArrayKey, ZendClassObject, ZendHashTable, ZendStr, Zval};
use ext_php_rs::zend::ce;
use socket2::{Domain, Socket, Type};

use super::callback::{self, Cached, LoopCtl, Outcome};
use super::errors::{self, set_last_error, warning, warning_code};
use super::timer;
use crate::codec::{Framing, LengthType};
use crate::net::{code, EventSink, Listener, Reactor, SendError};
use crate::options::{Applied, OptValue, Settings};
use crate::process::{self, Owners, PeerChannel, PeerMsg, SharedStats, SignalGuard};

pub const SWOOLE_BASE: i64 = 1;
pub const SWOOLE_PROCESS: i64 = 2;
pub const SOCK_TCP: i64 = 1;
pub const SOCK_UDP: i64 = 2;
pub const SOCK_TCP6: i64 = 3;
pub const SOCK_UDP6: i64 = 4;
pub const SOCK_UNIX_STREAM: i64 = 5;
pub const SOCK_UNIX_DGRAM: i64 = 6;

/// Events `on()` accepts (Swoole's server and port event names, lower-cased). Events this
/// implementation does not raise yet are stored so `getCallback()` returns them.
const EVENTS: &[&str] = &[
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
enum State {
    Created,
    Running,
    Stopped,
}

/// Everything a `Swoole\Server` object owns. Shared (`Rc`) with the objects it hands out
/// (connection iterators) and with the running loop.
pub struct Shared {
    host: String,
    port: i64,
    mode: i64,
    sock_type: i64,
    /// Bound by the constructor (so a port conflict is reported there, as in Swoole);
    /// `start()` calls `listen()` on it.
    socket: RefCell<Option<Socket>>,
    settings: RefCell<Settings>,
    /// `$server->setting`: null until `set()`, then every key given, merged.
    setting: RefCell<Option<Zval>>,
    callbacks: RefCell<HashMap<&'static str, Zval>>,
    length_func: RefCell<Option<Zval>>,
    state: Cell<State>,
    running: RefCell<Option<Rc<Reactor>>>,
    /// The manager's pid when there is one (0 for a single-process server).
    manager_pid: Cell<i64>,
    /// This process's worker id (-1 outside a worker, e.g. in the manager).
    worker_id: Cell<i64>,
    worker_num: Cell<i64>,
    /// Counters shared by the workers, while the manager runs.
    stats_page: Cell<Option<&'static SharedStats>>,
    /// Which worker owns which session, with several workers.
    owners: Cell<Option<&'static Owners>>,
    /// One datagram channel per worker slot, for forwarded `send()`/`close()`.
    peers: RefCell<Vec<PeerChannel>>,
}

impl Shared {
    /// The channel to the worker that owns session `fd`, when another live worker does.
    fn remote_owner(&self, fd: i64) -> Option<PeerChannel> {
        if fd <= 0 {
            return None;
        }
        let pid = self.owners.get()?.owner(fd as u64)?;
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
    fn reactor(&self) -> Option<Rc<Reactor>> {
        self.running.borrow().clone()
    }

    /// Swoole's guard for methods that need a running server.
    fn require_running(&self) -> Option<Rc<Reactor>> {
        let r = self.reactor();
        if r.is_none() {
            warning_code(errors::PHP_FATAL_ERROR, "server is not running");
        }
        r
    }

    fn callback(&self, name: &str) -> Option<Zval> {
        self.callbacks.borrow().get(name).map(|z| z.shallow_clone())
    }

    fn is_stream(&self) -> bool {
        !matches!(self.sock_type, SOCK_UDP | SOCK_UDP6 | SOCK_UNIX_DGRAM)
    }

    fn framing(&self) -> Result<Framing, String> {
        let st = self.settings.borrow();
        if st.open_eof_split {
            return Ok(Framing::EofSplit {
                eof: st.package_eof.clone(),
            });
        }
        if st.open_eof_check {
            return Ok(Framing::EofCheck {
                eof: st.package_eof.clone(),
            });
        }
        if st.open_length_check {
            if self.length_func.borrow().is_some() {
                return Ok(Framing::Custom);
            }
            let kind = st
                .package_length_type
                .chars()
                .next()
                .and_then(LengthType::from_letter)
                .ok_or_else(|| "invalid package_length_type".to_string())?;
            return Ok(Framing::Length {
                kind,
                length_offset: st.package_length_offset as usize,
                body_offset: st.package_body_offset as usize,
            });
        }
        Ok(Framing::Raw)
    }
}

pub(crate) fn swoole_exception(msg: String, code: i64) -> PhpException {
    PhpException::new(msg, code as i32, swoole_exception_ce())
}

fn long(v: i64) -> Zval {
    let mut z = Zval::new();
    z.set_long(v);
    z
}

fn false_zval() -> Zval {
    let mut z = Zval::new();
    z.set_bool(false);
    z
}

fn bytes_zval(data: &[u8]) -> Zval {
    let mut z = Zval::new();
    z.set_zend_string(ZendStr::new(data, false));
    z
}

fn opt_value(v: &Zval) -> OptValue {
    if v.is_null() {
        OptValue::Null
    } else if v.is_bool() {
        OptValue::Bool(v.is_true())
    } else if let Some(i) = v.long() {
        OptValue::Int(i)
    } else if let Some(f) = v.double() {
        OptValue::Float(f)
    } else if let Some(s) = v.zend_str() {
        OptValue::Str(s.as_bytes().to_vec())
    } else if v.is_array() {
        OptValue::Other("array")
    } else {
        OptValue::Other("object")
    }
}

/// Binary-safe bytes of a PHP value, converting scalars as `convert_to_string` would.
/// Strings are borrowed (no copy on the per-message path); scalars are converted.
fn zval_bytes(v: &Zval) -> Option<std::borrow::Cow<'_, [u8]>> {
    if let Some(s) = v.zend_str() {
        return Some(std::borrow::Cow::Borrowed(s.as_bytes()));
    }
    if v.is_array() || v.is_object() && v.coerce_to_string().is_none() {
        return None;
    }
    v.coerce_to_string()
        .map(|s| std::borrow::Cow::Owned(s.into_bytes()))
}

fn fd_arg(fd: &Zval) -> Option<i64> {
    if let Some(i) = fd.long() {
        return Some(i);
    }
    fd.str().and_then(|s| s.trim().parse::<i64>().ok())
}

/// A TCP/unix server with Swoole's API. See README for what differs from Swoole.
#[php_class]
#[php(name = "Swoole\\Server")]
pub struct Server {
    shared: Rc<Shared>,
}

#[php_impl]
impl Server {
    /// Binds the listening socket. A bind failure throws `Swoole\Exception` with the errno as code.
    #[php(defaults(port = 0, mode = 1, sock_type = 1))]
    pub fn __construct(host: String, port: i64, mode: i64, sock_type: i64) -> PhpResult<Self> {
        if mode != SWOOLE_BASE && mode != SWOOLE_PROCESS {
            set_last_error(errors::INVALID_PARAMS);
            return Err(PhpException::new(
                format!("invalid $mode parameters {mode}"),
                0,
                ce::error(),
            ));
        }
        let unix = matches!(sock_type, SOCK_UNIX_STREAM | SOCK_UNIX_DGRAM);
        if !unix && !(0..=65535).contains(&port) {
            set_last_error(errors::SERVER_INVALID_LISTEN_PORT);
            return Err(swoole_exception(
                format!(
                    "failed to listen server port[{host}:{port}], Error: invalid port [{port}]"
                ),
                errors::SERVER_INVALID_LISTEN_PORT,
            ));
        }
        let socket = match sock_type {
            SOCK_TCP | SOCK_TCP6 => bind_tcp(&host, port, sock_type == SOCK_TCP6),
            SOCK_UNIX_STREAM => bind_unix(&host),
            SOCK_UDP | SOCK_UDP6 | SOCK_UNIX_DGRAM => {
                return Err(swoole_exception(
                    "UDP and unix datagram servers are not supported yet by swoole-rs; use SWOOLE_SOCK_TCP, SWOOLE_SOCK_TCP6 or SWOOLE_SOCK_UNIX_STREAM".into(),
                    507,
                ))
            }
            _ => {
                set_last_error(errors::INVALID_PARAMS);
                return Err(PhpException::new(
                    format!("invalid $sock_type parameters {sock_type}"),
                    0,
                    ce::value_error(),
                ));
            }
        };
        let (socket, port) = socket.map_err(|e| {
            let errno = e.raw_os_error().unwrap_or(0) as i64;
            set_last_error(errno);
            swoole_exception(
                format!(
                    "failed to listen server port[{host}:{port}], Error: {}[{errno}]",
                    errors::strerror(errno)
                ),
                errno,
            )
        })?;
        Ok(Server {
            shared: Rc::new(Shared {
                host,
                port,
                mode,
                sock_type,
                socket: RefCell::new(Some(socket)),
                settings: RefCell::new(Settings::default()),
                setting: RefCell::new(None),
                callbacks: RefCell::new(HashMap::new()),
                length_func: RefCell::new(None),
                state: Cell::new(State::Created),
                running: RefCell::new(None),
                manager_pid: Cell::new(0),
                worker_id: Cell::new(-1),
                worker_num: Cell::new(1),
                stats_page: Cell::new(None),
                owners: Cell::new(None),
                peers: RefCell::new(Vec::new()),
            }),
        })
    }

    /// Merges options into `$server->setting`. Unknown keys warn (and are still stored, as in
    /// Swoole); values of the wrong type or out of range throw, naming the option.
    pub fn set(&self, settings: &ZendHashTable) -> PhpResult<bool> {
        let sh = &self.shared;
        if sh.state.get() == State::Running {
            warning("server is running, unable to execute Swoole\\Server->set");
            return Ok(false);
        }
        let mut st = sh.settings.borrow().clone();
        let mut length_func = sh.length_func.borrow().as_ref().map(|z| z.shallow_clone());
        for (key, value) in settings.iter() {
            let key = match key {
                ArrayKey::Long(i) => i.to_string(),
                ArrayKey::String(s) => s,
                ArrayKey::Str(s) => s.to_string(),
                ArrayKey::ZendString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            };
            if key == "package_length_func" {
                if value.is_null() {
                    length_func = None;
                } else if value.is_callable() {
                    length_func = Some(value.shallow_clone());
                } else {
                    return Err(PhpException::new(
                        "Swoole\\Server::set(): option 'package_length_func' expects a callable"
                            .into(),
                        0,
                        ce::type_error(),
                    ));
                }
                continue;
            }
            match st.apply(&key, &opt_value(value)) {
                Ok(Applied::Ok) => {}
                Ok(Applied::Unknown) => warning(&format!("unsupported option [{key}]")),
                Err(msg) => {
                    let class = if msg.contains(" expects ") {
                        ce::type_error()
                    } else {
                        ce::value_error()
                    };
                    return Err(PhpException::new(
                        format!("Swoole\\Server::set(): {msg}"),
                        0,
                        class,
                    ));
                }
            }
        }
        if (st.open_eof_check || st.open_eof_split) && st.open_length_check {
            warning("open_eof_check/open_eof_split and open_length_check are both enabled: only one framing applies per port, and EOF framing wins (as in Swoole); disable one of them");
        }
        *sh.settings.borrow_mut() = st;
        *sh.length_func.borrow_mut() = length_func;
        // Merge into $server->setting.
        let mut merged = match sh.setting.borrow_mut().take() {
            Some(z) => z
                .array()
                .map(|a| a.to_owned())
                .unwrap_or_else(ZendHashTable::new),
            None => ZendHashTable::new(),
        };
        for (key, value) in settings.iter() {
            let v = value.shallow_clone();
            match key {
                ArrayKey::Long(i) => merged.insert_at_index(i, v)?,
                ArrayKey::String(s) => merged.insert(s.as_str(), v)?,
                ArrayKey::Str(s) => merged.insert(s, v)?,
                ArrayKey::ZendString(s) => {
                    merged.insert(String::from_utf8_lossy(s.as_bytes()).as_ref(), v)?
                }
            }
        }
        let mut z = Zval::new();
        z.set_hashtable(merged);
        *sh.setting.borrow_mut() = Some(z);
        Ok(true)
    }

    /// Registers an event callback (name case-insensitive, without the `on` prefix).
    pub fn on(&self, event_name: &str, callback: &Zval) -> bool {
        let sh = &self.shared;
        if sh.state.get() == State::Running {
            warning("server is running, unable to register event callback function");
            return false;
        }
        let lower = event_name.to_ascii_lowercase();
        let Some(name) = EVENTS.iter().find(|e| **e == lower) else {
            warning_code(
                errors::PHP_RUNTIME_NOTICE,
                &format!("unknown event types[{event_name}]"),
            );
            return false;
        };
        if !callback.is_callable() {
            warning_code(errors::PHP_RUNTIME_NOTICE, "illegal callback function");
            return false;
        }
        sh.callbacks
            .borrow_mut()
            .insert(name, callback.shallow_clone());
        true
    }

    /// The callback registered for an event, or null.
    pub fn get_callback(&self, event_name: &str) -> Zval {
        let lower = event_name.to_ascii_lowercase();
        self.shared.callback(&lower).unwrap_or_default()
    }

    /// Runs the event loop until shutdown (SIGTERM, SIGINT or `shutdown()`); returns true.
    pub fn start(self_: &mut ZendClassObject<Server>) -> PhpResult<bool> {
        let sh = self_.shared.clone();
        match sh.state.get() {
            State::Running => {
                warning("The server is running, unable to execute Swoole\\Server->start()");
                return Ok(false);
            }
            State::Stopped => {
                warning("The server have been shutdown, unable to execute Swoole\\Server->start()");
                return Ok(false);
            }
            State::Created => {}
        }
        if callback::current().is_some() {
            warning("another Swoole\\Server is already running in this process; only one event loop can run at a time");
            return Ok(false);
        }
        if sh.is_stream() && sh.callback("receive").is_none() {
            ext_php_rs::error::php_error(
                &ext_php_rs::flags::ErrorType::Error,
                "require onReceive callback",
            );
            return Ok(false);
        }
        let framing = sh
            .framing()
            .map_err(|m| PhpException::new(m, 0, ce::value_error()))?;
        let mut server_zv = Zval::new();
        server_zv.set_object(self_.get_mut_zend_obj());
        run_server(sh, server_zv, framing)
    }

    /// Sends data to a connection. Binary-safe; false with `getLastError()` 1005 if the
    /// session does not exist.
    #[php(optional = "server_socket")]
    pub fn send(&self, fd: &Zval, send_data: &Zval, server_socket: Option<i64>) -> bool {
        let _ = server_socket;
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        let Some(fd) = fd_arg(fd) else {
            warning_code(errors::INVALID_PARAMS, "fd can not be null");
            return false;
        };
        if fd <= 0 {
            warning_code(errors::INVALID_PARAMS, &format!("invalid fd[{fd}]"));
            return false;
        }
        let Some(data) = zval_bytes(send_data) else {
            warning_code(errors::INVALID_PARAMS, "the data sent must be a string");
            return false;
        };
        if data.is_empty() {
            warning_code(errors::NO_PAYLOAD, "the data sent must not be empty");
            return false;
        }
        match reactor.send(fd as u64, &data) {
            Ok(()) => true,
            Err(SendError::NotExist) => {
                if let Some(peer) = self.shared.remote_owner(fd) {
                    let ok = data
                        .chunks(process::PEER_CHUNK)
                        .all(|c| peer.send(&PeerMsg::Send(fd as u64, c)).is_ok());
                    if ok {
                        return true;
                    }
                }
                set_last_error(code::SESSION_NOT_EXIST);
                false
            }
            Err(SendError::Closed) => {
                set_last_error(code::SESSION_CLOSED);
                false
            }
            Err(SendError::Overflow) => {
                warning_code(
                    code::OUTPUT_BUFFER_OVERFLOW,
                    &format!("connection#{fd} output buffer overflow: more than socket_buffer_size bytes are queued; wait for onBufferEmpty or raise socket_buffer_size"),
                );
                false
            }
        }
    }

    /// Closes a connection; onClose runs before this returns, with reactor id -1.
    #[php(defaults(reset = false))]
    pub fn close(&self, fd: i64, reset: bool) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if fd <= 0 || !reactor.close_session(fd as u64, -1, reset) {
            if let Some(peer) = self.shared.remote_owner(fd) {
                if peer.send(&PeerMsg::Close(fd as u64, reset)).is_ok() {
                    return true;
                }
            }
            set_last_error(code::SESSION_NOT_EXIST);
            return false;
        }
        true
    }

    /// Whether the session is open (neither closed nor closing).
    pub fn exists(&self, fd: i64) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        fd > 0 && reactor.get(fd as u64).is_some_and(|c| !c.is_closing())
            || self.shared.remote_owner(fd).is_some()
    }

    /// Alias of `exists()`.
    pub fn exist(&self, fd: i64) -> bool {
        self.exists(fd)
    }

    /// Connection details with Swoole's keys, or false for an unknown session.
    #[php(defaults(reactor_id = -1, ignore_error = false))]
    pub fn get_client_info(&self, fd: i64, reactor_id: i64, ignore_error: bool) -> PhpResult<Zval> {
        let _ = (reactor_id, ignore_error);
        client_info(&self.shared, fd)
    }

    /// Alias of `getClientInfo()`.
    #[php(name = "connection_info", defaults(reactor_id = -1, ignore_error = false))]
    pub fn connection_info(&self, fd: i64, reactor_id: i64, ignore_error: bool) -> PhpResult<Zval> {
        let _ = (reactor_id, ignore_error);
        client_info(&self.shared, fd)
    }

    /// Up to `$find_count` (max 100) session ids greater than `$start_fd`, ascending.
    #[php(defaults(start_fd = 0, find_count = 10))]
    pub fn get_client_list(&self, start_fd: i64, find_count: i64) -> Zval {
        client_list(&self.shared, start_fd, find_count)
    }

    /// Alias of `getClientList()`.
    #[php(name = "connection_list", defaults(start_fd = 0, find_count = 10))]
    pub fn connection_list(&self, start_fd: i64, find_count: i64) -> Zval {
        client_list(&self.shared, start_fd, find_count)
    }

    /// Server counters with Swoole's keys.
    pub fn stats(&self) -> PhpResult<Zval> {
        let Some(r) = self.shared.require_running() else {
            return Ok(false_zval());
        };
        let s = r.stats.shared();
        let g = |c: &std::sync::atomic::AtomicU64| SharedStats::get(c) as i64;
        let sessions = r.sessions.borrow();
        let mut a = ZendHashTable::new();
        let conns = s.connection_num() as i64;
        let n = self.shared.worker_num.get();
        let entries: [(&str, i64); 25] = [
            ("start_time", g(&s.start_time)),
            ("connection_num", conns),
            ("abort_count", g(&s.abort_count)),
            ("accept_count", g(&s.accept_count)),
            ("close_count", g(&s.close_count)),
            ("worker_num", n),
            ("task_worker_num", 0),
            ("user_worker_num", 0),
            ("idle_worker_num", n),
            ("dispatch_count", g(&s.request_count)),
            ("request_count", g(&s.request_count)),
            ("response_count", g(&s.response_count)),
            ("total_recv_bytes", g(&s.total_recv_bytes)),
            ("total_send_bytes", g(&s.total_send_bytes)),
            ("pipe_packet_msg_id", 0),
            ("concurrency", 0),
            ("session_round", g(&s.next_session)),
            ("min_fd", sessions.min_id().unwrap_or(0) as i64),
            ("max_fd", sessions.max_id().unwrap_or(0) as i64),
            (
                "worker_request_count",
                r.stats.worker_request_count.get() as i64,
            ),
            (
                "worker_response_count",
                r.stats.worker_response_count.get() as i64,
            ),
            (
                "worker_dispatch_count",
                r.stats.worker_request_count.get() as i64,
            ),
            ("worker_concurrency", 0),
            ("coroutine_num", 0),
            ("coroutine_peek_num", 0),
        ];
        for (k, v) in entries {
            a.insert(k, v)?;
        }
        let mut z = Zval::new();
        z.set_hashtable(a);
        Ok(z)
    }

    /// The last error code of a Swoole call in this process (as `swoole_last_error()`).
    pub fn get_last_error(&self) -> i64 {
        errors::last_error()
    }

    /// Stops the server gracefully: every connection gets onClose, then WorkerStop and
    /// Shutdown run, and `start()` returns true.
    pub fn shutdown(&self) -> bool {
        let manager = self.shared.manager_pid.get();
        if manager > 0 && self.shared.state.get() != State::Running {
            set_last_error(errors::WRONG_OPERATION);
            return false;
        }
        if manager > 0 && self.shared.worker_id.get() >= 0 {
            // A worker asks the manager, which stops every worker.
            // SAFETY: kill(2) with a pid we recorded before forking.
            unsafe { libc::kill(manager as libc::pid_t, libc::SIGTERM) };
            return true;
        }
        if manager > 0 {
            if let Some(ctl) = callback::current() {
                ctl.request_stop();
            }
            return true;
        }
        if self.shared.reactor().is_none() {
            set_last_error(errors::WRONG_OPERATION);
            return false;
        }
        if let Some(ctl) = callback::current() {
            ctl.request_stop();
        }
        true
    }

    /// Restarts every worker, one at a time (SIGUSR1 to the manager). Needs `worker_num > 1`.
    #[php(defaults(only_reload_taskworker = false))]
    pub fn reload(&self, only_reload_taskworker: bool) -> bool {
        let _ = only_reload_taskworker;
        let manager = self.shared.manager_pid.get();
        if manager > 0 && self.shared.state.get() != State::Running {
            warning_code(errors::PHP_FATAL_ERROR, "server is not running");
            return false;
        }
        if manager <= 0 {
            warning("not supported with single process mode");
            set_last_error(errors::WRONG_OPERATION);
            return false;
        }
        // SAFETY: kill(2) with the manager's pid (our own pid when called in the manager).
        unsafe { libc::kill(manager as libc::pid_t, libc::SIGUSR1) == 0 }
    }

    /// Stops reading from a connection until `resume()`.
    pub fn pause(&self, fd: i64) -> bool {
        self.set_paused(fd, true)
    }

    /// Resumes reading from a paused connection.
    pub fn resume(&self, fd: i64) -> bool {
        self.set_paused(fd, false)
    }

    /// Alias of `resume()` (used with `enable_delay_receive` in Swoole).
    pub fn confirm(&self, fd: i64) -> bool {
        self.set_paused(fd, false)
    }

    pub fn get_master_pid(&self) -> i64 {
        self.master_pid()
    }

    /// The manager's pid with `worker_num > 1`; 0 with one worker (no manager process, as
    /// in Swoole's BASE mode).
    pub fn get_manager_pid(&self) -> i64 {
        self.shared.manager_pid.get()
    }

    /// This worker's id inside the running server, false outside it.
    pub fn get_worker_id(&self) -> Zval {
        if self.shared.reactor().is_some() {
            long(self.shared.worker_id.get())
        } else {
            false_zval()
        }
    }

    /// The pid of worker `$worker_id` (-1: this worker).
    #[php(defaults(worker_id = -1))]
    pub fn get_worker_pid(&self, worker_id: i64) -> Zval {
        if self.shared.reactor().is_none() {
            return false_zval();
        }
        if worker_id == -1 || worker_id == self.shared.worker_id.get() {
            return long(process::getpid());
        }
        let page = self.shared.stats_page.get();
        match page {
            Some(p) if worker_id >= 0 && worker_id < self.shared.worker_num.get() => {
                let pid = p.pids[worker_id as usize % process::MAX_SLOTS]
                    .load(std::sync::atomic::Ordering::Relaxed);
                if pid > 0 {
                    long(pid as i64)
                } else {
                    false_zval()
                }
            }
            _ => false_zval(),
        }
    }

    #[php(getter, name = "setting")]
    pub fn prop_setting(&self) -> Zval {
        self.shared
            .setting
            .borrow()
            .as_ref()
            .map(|z| z.shallow_clone())
            .unwrap_or_default()
    }

    #[php(getter, name = "host")]
    pub fn prop_host(&self) -> String {
        self.shared.host.clone()
    }

    #[php(getter, name = "port")]
    pub fn prop_port(&self) -> i64 {
        self.shared.port
    }

    #[php(getter, name = "mode")]
    pub fn prop_mode(&self) -> i64 {
        self.shared.mode
    }

    #[php(getter, name = "type")]
    pub fn prop_type(&self) -> i64 {
        self.shared.sock_type
    }

    #[php(getter, name = "ssl")]
    pub fn prop_ssl(&self) -> bool {
        false
    }

    #[php(getter, name = "master_pid")]
    pub fn prop_master_pid(&self) -> i64 {
        self.master_pid()
    }

    #[php(getter, name = "manager_pid")]
    pub fn prop_manager_pid(&self) -> i64 {
        self.shared.manager_pid.get()
    }

    #[php(getter, name = "worker_id")]
    pub fn prop_worker_id(&self) -> i64 {
        if self.shared.reactor().is_some() {
            self.shared.worker_id.get()
        } else {
            -1
        }
    }

    #[php(getter, name = "worker_pid")]
    pub fn prop_worker_pid(&self) -> i64 {
        if self.shared.reactor().is_some() {
            process::getpid()
        } else {
            0
        }
    }

    #[php(getter, name = "taskworker")]
    pub fn prop_taskworker(&self) -> bool {
        false
    }

    #[php(getter, name = "connections")]
    pub fn prop_connections(&self) -> ConnectionIterator {
        ConnectionIterator {
            shared: Some(self.shared.clone()),
            ids: RefCell::new(Vec::new()),
            pos: Cell::new(0),
        }
    }

    #[php(getter, name = "ports")]
    pub fn prop_ports(&self) -> Vec<Port> {
        vec![Port {
            host: self.shared.host.clone(),
            port: self.shared.port,
            sock_type: self.shared.sock_type,
        }]
    }
}

impl Server {
    /// With workers, the manager is the master (SWOOLE_BASE has no separate master).
    fn master_pid(&self) -> i64 {
        if self.shared.manager_pid.get() > 0 {
            self.shared.manager_pid.get()
        } else if self.shared.reactor().is_some() {
            process::getpid()
        } else {
            0
        }
    }

    fn set_paused(&self, fd: i64, paused: bool) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if fd <= 0 || !reactor.set_paused(fd as u64, paused) {
            set_last_error(code::SESSION_NOT_EXIST);
            return false;
        }
        true
    }
}

fn bind_tcp(host: &str, port: i64, v6: bool) -> std::io::Result<(Socket, i64)> {
    let addr: SocketAddr = if v6 && host.contains(':') {
        SocketAddr::new(
            host.parse()
                .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?,
            port as u16,
        )
    } else {
        (host, port as u16)
            .to_socket_addrs()?
            .find(|a| a.is_ipv6() == v6)
            .ok_or_else(|| std::io::Error::from_raw_os_error(libc::EADDRNOTAVAIL))?
    };
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM.cloexec(), None)?;
    socket.set_reuse_address(true)?;
    if v6 {
        socket.set_only_v6(true)?;
    }
    socket.bind(&addr.into())?;
    let bound = socket
        .local_addr()?
        .as_socket()
        .map(|a| a.port() as i64)
        .unwrap_or(port);
    Ok((socket, bound))
}

fn bind_unix(path: &str) -> std::io::Result<(Socket, i64)> {
    let socket = Socket::new(Domain::UNIX, Type::STREAM.cloexec(), None)?;
    socket.bind(&socket2::SockAddr::unix(path)?)?;
    Ok((socket, 0))
}

/// What `getClientInfo()` reports, whichever worker owns the session.
struct ClientInfo {
    socket_fd: i64,
    remote_port: i64,
    remote_ip: String,
    /// The owning worker's id, as Swoole's BASE mode reports it.
    reactor_id: i64,
    connect_time: f64,
    last_recv_time: f64,
    last_send_time: f64,
    last_dispatch_time: f64,
    recv_queued_bytes: i64,
    send_queued_bytes: i64,
}

impl ClientInfo {
    /// Swoole's keys, in Swoole's order.
    fn into_zval(self, sh: &Shared, r: &Reactor) -> PhpResult<Zval> {
        let mut a = ZendHashTable::new();
        a.insert("server_port", r.server_port as i64)?;
        a.insert("server_fd", r.server_fd as i64)?;
        a.insert("socket_fd", self.socket_fd)?;
        a.insert("socket_type", sh.sock_type)?;
        a.insert("remote_port", self.remote_port)?;
        a.insert("remote_ip", self.remote_ip.as_str())?;
        a.insert("reactor_id", self.reactor_id)?;
        a.insert("connect_time", self.connect_time as i64)?;
        a.insert(
            "last_time",
            self.last_recv_time.max(self.connect_time) as i64,
        )?;
        a.insert("last_recv_time", self.last_recv_time)?;
        a.insert("last_send_time", self.last_send_time)?;
        a.insert("last_dispatch_time", self.last_dispatch_time)?;
        a.insert("close_errno", 0i64)?;
        a.insert("recv_queued_bytes", self.recv_queued_bytes)?;
        a.insert("send_queued_bytes", self.send_queued_bytes)?;
        let mut z = Zval::new();
        z.set_hashtable(a);
        Ok(z)
    }
}

/// A session owned by another worker, from what its owner published in the shared session
/// table (queue sizes are the owner's business and read as 0).
fn remote_client_info(sh: &Shared, fd: i64) -> Option<ClientInfo> {
    if fd <= 0 || sh.remote_owner(fd).is_none() {
        return None;
    }
    let info = sh.owners.get()?.info(fd as u64)?;
    Some(ClientInfo {
        socket_fd: info.socket_fd as i64,
        remote_port: info.remote_port as i64,
        remote_ip: info.remote_ip,
        reactor_id: info.worker_id as i64,
        connect_time: info.connect_time,
        last_recv_time: info.last_recv_time,
        last_send_time: info.last_send_time,
        last_dispatch_time: info.last_recv_time,
        recv_queued_bytes: 0,
        send_queued_bytes: 0,
    })
}

fn client_info(sh: &Shared, fd: i64) -> PhpResult<Zval> {
    let Some(r) = sh.require_running() else {
        return Ok(false_zval());
    };
    let local = (fd > 0)
        .then(|| r.get(fd as u64))
        .flatten()
        .map(|c| ClientInfo {
            socket_fd: c.socket_fd as i64,
            remote_port: c.remote_port as i64,
            remote_ip: c.remote_ip.clone(),
            reactor_id: r.stats.slot as i64,
            connect_time: c.connect_time,
            last_recv_time: c.last_recv_time.get(),
            last_send_time: c.last_send_time.get(),
            last_dispatch_time: c.last_dispatch_time.get(),
            recv_queued_bytes: c.recv_queued.get() as i64,
            send_queued_bytes: c.send_queued() as i64,
        });
    match local.or_else(|| remote_client_info(sh, fd)) {
        Some(info) => info.into_zval(sh, &r),
        None => {
            set_last_error(code::SESSION_NOT_EXIST);
            Ok(false_zval())
        }
    }
}

fn client_list(sh: &Shared, start_fd: i64, find_count: i64) -> Zval {
    let Some(r) = sh.require_running() else {
        return false_zval();
    };
    if find_count > 100 {
        warning("swoole connection list max_find_count=100");
        return false_zval();
    }
    let ids = r
        .sessions
        .borrow()
        .list_after(start_fd.max(0) as u64, find_count.max(0) as usize);
    let mut a = ZendHashTable::new();
    for id in ids {
        let _ = a.push(id as i64);
    }
    let mut z = Zval::new();
    z.set_hashtable(a);
    z
}

/// The PHP side of the reactor: turns reactor events into callback calls.
struct PhpSink {
    server: Zval,
    reactor: std::rc::Weak<Reactor>,
    on_connect: Option<Cached>,
    on_receive: Option<Cached>,
    on_close: Option<Cached>,
    length_func: Option<Cached>,
    /// This worker's `max_request` (with its jitter); 0 when workers are not recycled.
    max_request: u64,
}

impl PhpSink {
    /// After an onReceive: a worker that reached `max_request` stops gracefully (as on
    /// SIGTERM) and tells the manager to replace it at once.
    fn check_max_request(&self) {
        if self.max_request == 0 {
            return;
        }
        let Some(r) = self.reactor.upgrade() else {
            return;
        };
        if r.stats.worker_request_count.get() < self.max_request || r.stopping.get() {
            return;
        }
        r.stats.shared().recycled[r.stats.slot % process::MAX_SLOTS]
            .store(true, std::sync::atomic::Ordering::Relaxed);
        // No new connection for this worker: the replacement accepts them.
        r.stopping.set(true);
        if let Some(ctl) = callback::current() {
            ctl.request_stop();
        }
    }

    /// An exception in a connection's callback costs that connection, not the server.
    fn after(&self, outcome: Outcome, id: u64) {
        if let Outcome::Threw = outcome {
            if let Some(r) = self.reactor.upgrade() {
                r.close_session(id, 0, false);
            }
        }
    }
}

impl EventSink for PhpSink {
    fn on_connect(&self, id: u64) {
        if let Some(cb) = &self.on_connect {
            let mut args = [self.server.shallow_clone(), long(id as i64), long(0)];
            let out = cb.call(&mut args, &|| format!("onConnect (fd {id})"));
            self.after(out, id);
        }
    }

    fn on_receive(&self, id: u64, data: &[u8]) {
        if let Some(cb) = &self.on_receive {
            let mut args = [
                self.server.shallow_clone(),
                long(id as i64),
                long(0),
                bytes_zval(data),
            ];
            let out = cb.call(&mut args, &|| format!("onReceive (fd {id})"));
            self.after(out, id);
        }
        self.check_max_request();
    }

    fn on_close(&self, id: u64, reactor_id: i64) {
        if let Some(cb) = &self.on_close {
            let mut args = [
                self.server.shallow_clone(),
                long(id as i64),
                long(reactor_id),
            ];
            cb.call(&mut args, &|| format!("onClose (fd {id})"));
        }
    }

    fn on_protocol_error(&self, id: u64, code: i64, message: String) {
        let _ = id;
        warning_code(code, &message);
    }

    fn custom_length(&self, id: u64, buffered: &[u8]) -> i64 {
        let Some(cb) = &self.length_func else {
            return -1;
        };
        let mut args = [bytes_zval(buffered)];
        match cb.call(&mut args, &|| format!("package_length_func (fd {id})")) {
            Outcome::Returned(v) => v.long().unwrap_or(-1),
            _ => -1,
        }
    }
}

/// `workerstart` → `onWorkerStart`, for reports.
fn event_title(event: &str) -> String {
    const TITLES: &[(&str, &str)] = &[
        ("start", "onStart"),
        ("shutdown", "onShutdown"),
        ("workerstart", "onWorkerStart"),
        ("workerstop", "onWorkerStop"),
        ("managerstart", "onManagerStart"),
        ("managerstop", "onManagerStop"),
    ];
    TITLES
        .iter()
        .find(|(e, _)| *e == event)
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| format!("on{event}"))
}

fn call_simple(sh: &Shared, server: &Zval, event: &str, worker_id: Option<i64>) {
    if let Some(cb) = sh.callback(event) {
        let mut args: Vec<&dyn IntoZvalDyn> = vec![server];
        let wid;
        if let Some(w) = worker_id {
            wid = w;
            args.push(&wid);
        }
        callback::call(&cb, args, &|| event_title(event));
    }
}

/// Takes the bound socket and starts listening (in the process that will fork workers).
fn listen_socket(sh: &Shared, settings: &Settings) -> PhpResult<Socket> {
    let socket = sh
        .socket
        .borrow_mut()
        .take()
        .ok_or("the listening socket is gone")?;
    let listen_err = |e: std::io::Error| {
        let errno = e.raw_os_error().unwrap_or(0) as i64;
        set_last_error(errno);
        swoole_exception(
            format!(
                "failed to listen server port[{}:{}], Error: {}[{errno}]",
                sh.host,
                sh.port,
                errors::strerror(errno)
            ),
            errno,
        )
    };
    socket.listen(settings.backlog).map_err(listen_err)?;
    socket.set_nonblocking(true).map_err(listen_err)?;
    Ok(socket)
}

/// What `start()` set up for the whole server (log destination, pid file); dropped in the
/// process that called `start()` when the server stops (workers leave with `_exit`).
struct StartFiles {
    pid_file: Option<String>,
}

impl Drop for StartFiles {
    fn drop(&mut self) {
        if let Some(p) = self.pid_file.take() {
            let _ = std::fs::remove_file(p);
        }
        let fd = process::reset_log();
        if fd >= 0 {
            // SAFETY: closing the log file this start() opened; every worker is gone.
            unsafe { libc::close(fd) };
        }
    }
}

/// Opens `log_file` for appending; -1 (stderr) with a warning when it cannot be opened.
fn open_log_file(path: &str) -> std::os::fd::RawFd {
    use std::os::fd::IntoRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o644)
        .open(path)
    {
        Ok(f) => f.into_raw_fd(),
        Err(e) => {
            warning(&format!(
                "cannot open log_file [{path}]: {e}; logging to stderr"
            ));
            -1
        }
    }
}

/// `daemonize`: the process that called start() forks; the parent leaves at once (exit 0,
/// without PHP's shutdown: the child owns the script now); the child starts a new session,
/// keeps its working directory, reads from /dev/null and writes to `log_file` (or /dev/null).
fn daemonize(log_fd: std::os::fd::RawFd) -> Result<(), String> {
    // SAFETY: flushing PHP's output layers and stdio on the PHP thread, so nothing buffered is
    // written twice.
    unsafe {
        php_output_flush_all();
        libc::fflush(std::ptr::null_mut());
    }
    // SAFETY: no runtime and no other thread exist yet in this process.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(format!(
            "daemonize: fork() failed: {}",
            std::io::Error::last_os_error()
        ));
    }
    if pid > 0 {
        // SAFETY: the parent leaves without running PHP's shutdown a second time.
        unsafe { libc::_exit(0) };
    }
    // SAFETY: plain system calls on fds this process owns.
    unsafe {
        libc::setsid();
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            libc::dup2(null, libc::STDIN_FILENO);
        }
        let out = if log_fd >= 0 { log_fd } else { null };
        if out >= 0 {
            libc::dup2(out, libc::STDOUT_FILENO);
            libc::dup2(out, libc::STDERR_FILENO);
        }
        if null > libc::STDERR_FILENO {
            libc::close(null);
        }
    }
    Ok(())
}

fn run_server(sh: Rc<Shared>, server: Zval, framing: Framing) -> PhpResult<bool> {
    let settings = sh.settings.borrow().clone();
    let socket = listen_socket(&sh, &settings)?;
    let log_fd = settings
        .log_file
        .as_deref()
        .map(open_log_file)
        .unwrap_or(-1);
    process::set_log(log_fd, settings.log_level);
    let mut files = StartFiles { pid_file: None };
    if settings.daemonize {
        daemonize(log_fd)?;
    }
    if let Some(path) = &settings.pid_file {
        match std::fs::write(path, process::getpid().to_string()) {
            Ok(()) => files.pid_file = Some(path.clone()),
            Err(e) => warning(&format!("cannot write pid_file [{path}]: {e}")),
        }
    }
    if settings.needs_manager() {
        return run_manager(sh, server, framing, socket, settings, files);
    }
    let ctx = WorkerCtx {
        id: 0,
        stats: None,
        fire_start: true,
        unblock: None,
    };
    let end = run_loop(&sh, &server, framing, socket, &ctx)?;
    sh.state.set(State::Stopped);
    if sh.sock_type == SOCK_UNIX_STREAM {
        let _ = std::fs::remove_file(&sh.host);
    }
    drop(files);
    finish_start(&sh, server, end)
}

/// What a worker is, for the loop it runs.
struct WorkerCtx {
    id: i64,
    /// The page shared with the other workers (None for a single-process server).
    stats: Option<&'static SharedStats>,
    /// Whether this worker fires onStart (the first worker 0 only).
    fire_start: bool,
    /// A forked worker starts with every signal blocked (so a SIGTERM sent right after the
    /// fork is not lost to the default action); this mask is restored once the worker's own
    /// handlers are installed.
    unblock: Option<libc::sigset_t>,
}

/// How an event loop (or the manager) ended.
struct LoopEnd {
    fatal: bool,
    exit_code: Option<i32>,
    /// The callback that raised the fatal error.
    fatal_in: Option<String>,
}

/// After the loop (or the manager) ended in the process that called start(): re-raise a
/// fatal error, or fire Shutdown and return (re-throwing `exit()` when a callback called it).
fn finish_start(sh: &Shared, server: Zval, end: LoopEnd) -> PhpResult<bool> {
    if end.fatal {
        drop(server);
        // SAFETY: every Rust value that owned PHP data is dropped; re-raise the fatal error so
        // PHP finishes it as usual (exit status 255).
        unsafe { ext_php_rs::zend::bailout() };
    }
    call_simple(sh, &server, "shutdown", None);
    if let Some(code) = end.exit_code {
        extern "C" {
            fn zend_throw_unwind_exit();
        }
        // SAFETY: sets the exit status and throws PHP's unwind-exit, exactly what exit() does.
        unsafe {
            (*ext_php_rs::ffi::ext_php_rs_executor_globals()).exit_status = code;
            zend_throw_unwind_exit();
        }
    }
    Ok(true)
}

/// One worker's event loop: runtime, reactor, WorkerStart … WorkerStop, graceful drain.
fn run_loop(
    sh: &Rc<Shared>,
    server: &Zval,
    framing: Framing,
    socket: Socket,
    ctx: &WorkerCtx,
) -> PhpResult<LoopEnd> {
    let settings = sh.settings.borrow().clone();
    let server_fd = std::os::fd::AsRawFd::as_raw_fd(&socket);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot create the event loop: {e}"))?;
    let signals = SignalGuard::install();
    if let Some(mask) = &ctx.unblock {
        process::restore_sigmask(mask);
    }
    let signals = Rc::new(signals.map_err(|e| format!("cannot install signal handlers: {e}"))?);
    let reactor = Reactor::new(
        settings.clone(),
        framing,
        server_fd,
        sh.port as u16,
        ctx.stats.map(|s| (s, ctx.id as usize)),
        ctx.stats.and(sh.owners.get()),
    );
    let peer_rx = ctx
        .stats
        .and_then(|_| sh.peers.borrow().get(ctx.id as usize).map(|p| p.rx));
    let sink = Rc::new(PhpSink {
        server: server.shallow_clone(),
        reactor: Rc::downgrade(&reactor),
        on_connect: sh.callback("connect").map(Cached::new),
        on_receive: sh.callback("receive").map(Cached::new),
        on_close: sh.callback("close").map(Cached::new),
        length_func: sh
            .length_func
            .borrow()
            .as_ref()
            .map(|z| Cached::new(z.shallow_clone())),
        max_request: if ctx.stats.is_some() {
            settings.worker_max_request(process::random_u64())
        } else {
            0
        },
    });
    reactor.set_sink(sink);
    let ctl = Rc::new(LoopCtl::default());
    callback::set_current(Some(ctl.clone()));
    *sh.running.borrow_mut() = Some(reactor.clone());
    sh.worker_id.set(ctx.id);
    sh.state.set(State::Running);
    let unix = sh.sock_type == SOCK_UNIX_STREAM;

    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let listener = if unix {
            let std_l = std::os::unix::net::UnixListener::from(std::os::fd::OwnedFd::from(socket));
            tokio::net::UnixListener::from_std(std_l).map(Listener::Unix)
        } else {
            let std_l = std::net::TcpListener::from(socket);
            tokio::net::TcpListener::from_std(std_l).map(Listener::Tcp)
        };
        let listener = match listener {
            Ok(l) => l,
            Err(e) => {
                warning(&format!("cannot register the listening socket: {e}"));
                return;
            }
        };
        let accept = tokio::task::spawn_local(reactor.clone().accept_loop(listener));
        let peer_task = peer_rx.map(|fd| tokio::task::spawn_local(reactor.clone().peer_loop(fd)));
        let sig_ctl = ctl.clone();
        let sig = signals.clone();
        let sig_task = tokio::task::spawn_local(async move {
            if sig.wait().await.is_ok() {
                sig_ctl.request_stop();
            }
        });
        timer::enable(true);
        if ctx.fire_start {
            call_simple(sh, server, "start", None);
        }
        call_simple(sh, server, "workerstart", Some(ctx.id));
        if !ctl.stopping.get() {
            ctl.stop.notified().await;
        }
        reactor.stopping.set(true);
        accept.abort();
        sig_task.abort();
        if let Some(t) = &peer_task {
            t.abort();
        }
        if !ctl.fatal.get() {
            reactor.close_all();
            call_simple(sh, server, "workerstop", Some(ctx.id));
        }
        timer::enable(false);
        if !ctl.fatal.get() {
            reactor.drain(settings.max_wait_time).await;
        }
    });
    timer::enable(false);
    drop(local);
    drop(rt);
    reactor.clear_sink();
    *sh.running.borrow_mut() = None;
    callback::set_current(None);
    drop(signals);
    let fatal_in = ctl.fatal_in.borrow_mut().take();
    Ok(LoopEnd {
        fatal: ctl.fatal.get(),
        exit_code: ctl.exit_code.get(),
        fatal_in,
    })
}

extern "C" {
    fn php_output_end_all();
    fn php_output_flush_all();
}

/// A forked worker: runs its loop and terminates the process. It never returns into the
/// user's script (which would run the code after `start()` once per worker).
fn worker_main(
    sh: &Rc<Shared>,
    server: &Zval,
    framing: Framing,
    socket: Socket,
    ctx: WorkerCtx,
) -> ! {
    let code = match run_loop(sh, server, framing, socket, &ctx) {
        Ok(LoopEnd {
            fatal: true,
            fatal_in,
            ..
        }) => {
            process::log(
                process::LOG_ERROR,
                '*',
                ctx.id,
                &format!(
                    "worker #{} (pid {}) exits after a fatal error in {}; the manager restarts it",
                    ctx.id,
                    process::getpid(),
                    fatal_in.as_deref().unwrap_or("a callback")
                ),
            );
            255
        }
        Ok(end) => end.exit_code.unwrap_or(0),
        Err(e) => {
            warning(&format!("worker #{} failed to start: {e:?}", ctx.id));
            255
        }
    };
    // SAFETY: flushes PHP's output buffers and stdio before leaving without PHP's shutdown
    // (the manager owns the script; this process only served connections).
    unsafe {
        php_output_end_all();
        php_output_flush_all();
        libc::fflush(std::ptr::null_mut());
        libc::_exit(code)
    }
}

/// A worker slot as the manager sees it.
struct Slot {
    pid: i32,
    started: std::time::Instant,
    /// Consecutive exits outside shutdown and reload (reset after `RESET_AFTER` of uptime).
    failures: u32,
    /// When to fork a replacement (None while a worker runs).
    restart_at: Option<std::time::Instant>,
}

/// The manager: the process that called start() with `worker_num > 1` or `max_request`. It
/// forks the workers (before any runtime or thread exists), supervises them, replaces recycled
/// ones, and runs no event loop.
fn run_manager(
    sh: Rc<Shared>,
    server: Zval,
    framing: Framing,
    socket: Socket,
    settings: Settings,
    files: StartFiles,
) -> PhpResult<bool> {
    use std::time::{Duration, Instant};
    let n = settings.worker_num as usize;
    let now_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let stats = SharedStats::new_shared(settings.start_session_id, now_secs)
        .map_err(|e| format!("cannot create the shared counters: {e}"))?;
    let owners =
        Owners::new_shared().map_err(|e| format!("cannot create the session table: {e}"))?;
    let peers = (0..n)
        .map(|_| PeerChannel::new())
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| format!("cannot create the worker channels: {e}"))?;
    let signals =
        SignalGuard::install_for(&[libc::SIGTERM, libc::SIGINT, libc::SIGUSR1, libc::SIGCHLD])
            .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let ctl = Rc::new(LoopCtl::default());
    callback::set_current(Some(ctl.clone()));
    sh.manager_pid.set(process::getpid());
    sh.worker_num.set(n as i64);
    sh.stats_page.set(Some(stats));
    sh.owners.set(Some(owners));
    *sh.peers.borrow_mut() = peers.clone();
    sh.state.set(State::Running);
    call_simple(&sh, &server, "managerstart", None);

    let t0 = Instant::now();
    let mut slots: Vec<Slot> = (0..n)
        .map(|_| Slot {
            pid: 0,
            started: t0,
            failures: 0,
            restart_at: Some(t0),
        })
        .collect();
    let mut start_fired = false;
    let mut reload_queue: std::collections::VecDeque<usize> = Default::default();
    let mut reloading: Option<usize> = None;
    // A worker being reloaded that has not exited by then is killed.
    let mut reload_deadline: Option<Instant> = None;

    let spawn = |id: usize, fire_start: bool| -> i32 {
        // Output the manager has buffered must not be flushed again by the child.
        // SAFETY: flushing PHP's output layers on the PHP thread.
        unsafe { php_output_flush_all() };
        let mask = process::block_all_signals();
        // SAFETY: no runtime and no other thread exist in this process; the child resets
        // the manager's signal handling before unblocking signals.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: prctl with constant arguments. The worker stops gracefully (SIGTERM,
            // blocked until its handlers exist) if the manager dies; if it died already, the
            // worker is alone: leave at once.
            unsafe {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                if libc::getppid() as i64 != sh.manager_pid.get() {
                    libc::_exit(0);
                }
            }
            signals.release_in_child();
            callback::set_current(None);
            let child_socket = match socket.try_clone() {
                Ok(s) => s,
                // SAFETY: leaving the child at once.
                Err(_) => unsafe { libc::_exit(255) },
            };
            worker_main(
                &sh,
                &server,
                framing.clone(),
                child_socket,
                WorkerCtx {
                    id: id as i64,
                    stats: Some(stats),
                    fire_start,
                    unblock: Some(mask),
                },
            );
        }
        process::restore_sigmask(&mask);
        if pid > 0 {
            stats.pids[id % process::MAX_SLOTS].store(pid, std::sync::atomic::Ordering::Relaxed);
        }
        pid
    };

    // Reaps exited workers; returns whether any did.
    let reap = |slots: &mut Vec<Slot>,
                shutting_down: bool,
                reloading: &mut Option<usize>|
     -> bool {
        let mut any = false;
        for (id, slot) in slots.iter_mut().enumerate() {
            if slot.pid <= 0 {
                continue;
            }
            let mut status = 0;
            // SAFETY: waiting for our own child.
            let r = unsafe { libc::waitpid(slot.pid, &mut status, libc::WNOHANG) };
            if r != slot.pid {
                continue;
            }
            any = true;
            let pid = slot.pid;
            slot.pid = 0;
            stats.connections[id % process::MAX_SLOTS]
                .store(0, std::sync::atomic::Ordering::Relaxed);
            stats.pids[id % process::MAX_SLOTS].store(0, std::sync::atomic::Ordering::Relaxed);
            let exit_code = if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                0
            };
            let signal = if libc::WIFSIGNALED(status) {
                libc::WTERMSIG(status)
            } else {
                0
            };
            let abnormal = exit_code != 0 || signal != 0;
            let recycled = stats.recycled[id % process::MAX_SLOTS]
                .swap(false, std::sync::atomic::Ordering::Relaxed);
            if abnormal {
                process::log(process::LOG_WARNING, '$', 0, &format!(
                    "Worker::report_error(): worker(pid={pid}, id={id}) abnormal exit, status={exit_code}, signal={signal}"
                ));
                if let Some(cb) = sh.callback("workererror") {
                    let (wid, wpid, code, sig) =
                        (id as i64, pid as i64, exit_code as i64, signal as i64);
                    callback::call(&cb, vec![&server, &wid, &wpid, &code, &sig], &|| {
                        "onWorkerError".to_string()
                    });
                }
            }
            if shutting_down {
                continue;
            }
            let now = Instant::now();
            if *reloading == Some(id) {
                *reloading = None;
                slot.failures = 0;
                slot.restart_at = Some(now);
            } else if recycled && !abnormal {
                // Reached max_request: a planned exit, replaced at once.
                slot.failures = 0;
                slot.restart_at = Some(now);
            } else {
                // Abnormal or not (a clean exit outside shutdown, e.g. exit(0) or SIGTERM to
                // the worker alone, is a restart), a worker that keeps exiting backs off.
                if slot.started.elapsed() >= process::RESET_AFTER {
                    slot.failures = 0;
                }
                slot.failures = slot.failures.saturating_add(1);
                slot.restart_at = Some(now + process::restart_delay(slot.failures));
            }
        }
        any
    };

    while !ctl.stopping.get() {
        let now = Instant::now();
        for (id, slot) in slots.iter_mut().enumerate() {
            if slot.pid == 0 && slot.restart_at.is_some_and(|t| t <= now) {
                let fire = id == 0 && !start_fired;
                let pid = spawn(id, fire);
                if pid > 0 {
                    start_fired |= fire;
                    slot.pid = pid;
                    slot.started = now;
                    slot.restart_at = None;
                } else {
                    process::log(
                        process::LOG_WARNING,
                        '$',
                        0,
                        &format!(
                            "Manager: fork() failed for worker #{id}: {}",
                            std::io::Error::last_os_error()
                        ),
                    );
                    slot.failures = slot.failures.saturating_add(1);
                    slot.restart_at = Some(now + process::restart_delay(slot.failures.max(2)));
                }
            }
        }
        if reloading.is_none() {
            while let Some(id) = reload_queue.pop_front() {
                if slots[id].pid > 0 {
                    // SAFETY: signalling our own child.
                    unsafe { libc::kill(slots[id].pid, libc::SIGTERM) };
                    reloading = Some(id);
                    reload_deadline =
                        Some(Instant::now() + settings.max_wait_time + Duration::from_millis(500));
                    break;
                }
            }
        }
        if let (Some(id), Some(t)) = (reloading, reload_deadline) {
            if Instant::now() >= t && slots[id].pid > 0 {
                // SAFETY: killing our own child, which did not stop within max_wait_time.
                unsafe { libc::kill(slots[id].pid, libc::SIGKILL) };
                reload_deadline = None;
            }
        }
        let timeout = slots
            .iter()
            .filter(|s| s.pid == 0)
            .filter_map(|s| s.restart_at)
            .map(|t| t.saturating_duration_since(Instant::now()))
            .min()
            .unwrap_or(Duration::from_secs(1))
            .min(Duration::from_secs(1));
        for sig in signals.wait_blocking(timeout) {
            match sig {
                libc::SIGTERM | libc::SIGINT => ctl.request_stop(),
                libc::SIGUSR1 if reload_queue.is_empty() && reloading.is_none() => {
                    reload_queue.extend(0..n);
                }
                _ => {}
            }
        }
        reap(&mut slots, false, &mut reloading);
    }

    // Shutdown: every worker stops gracefully; stragglers are killed after max_wait_time.
    for slot in &slots {
        if slot.pid > 0 {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(slot.pid, libc::SIGTERM) };
        }
    }
    let deadline = Instant::now() + settings.max_wait_time + Duration::from_millis(500);
    while slots.iter().any(|s| s.pid > 0) && Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        signals.wait_blocking(left.min(Duration::from_millis(50)));
        reap(&mut slots, true, &mut reloading);
    }
    for slot in slots.iter_mut() {
        if slot.pid > 0 {
            // SAFETY: killing and reaping our own child.
            unsafe {
                libc::kill(slot.pid, libc::SIGKILL);
                let mut status = 0;
                libc::waitpid(slot.pid, &mut status, 0);
            }
            slot.pid = 0;
        }
    }
    call_simple(&sh, &server, "managerstop", None);
    callback::set_current(None);
    drop(signals);
    sh.stats_page.set(None);
    sh.owners.set(None);
    sh.peers.borrow_mut().clear();
    for p in peers {
        // SAFETY: closing the channels this manager created; every worker is gone.
        unsafe {
            libc::close(p.tx);
            libc::close(p.rx);
        }
    }
    sh.state.set(State::Stopped);
    if sh.sock_type == SOCK_UNIX_STREAM {
        let _ = std::fs::remove_file(&sh.host);
    }
    drop(socket);
    drop(files);
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

/// Iterates the open session ids; also `count()` and `isset($server->connections[$fd])`.
#[php_class]
#[php(name = "Swoole\\Connection\\Iterator")]
#[php(implements(ce = ce::iterator, stub = "\\Iterator"))]
#[php(implements(ce = ce::arrayaccess, stub = "\\ArrayAccess"))]
#[php(implements(ce = ce::countable, stub = "\\Countable"))]
pub struct ConnectionIterator {
    shared: Option<Rc<Shared>>,
    ids: RefCell<Vec<u64>>,
    pos: Cell<usize>,
}

#[php_impl]
impl ConnectionIterator {
    pub fn __construct() -> PhpResult<Self> {
        Err(PhpException::new(
            "please use the Swoole\\Server->connections".into(),
            0,
            ce::error(),
        ))
    }

    pub fn rewind(&self) {
        let ids = self
            .shared
            .as_ref()
            .and_then(|s| s.reactor())
            .map(|r| r.sessions.borrow().ids())
            .unwrap_or_default();
        *self.ids.borrow_mut() = ids;
        self.pos.set(0);
    }

    pub fn next(&self) {
        self.pos.set(self.pos.get() + 1);
    }

    pub fn current(&self) -> Zval {
        self.ids
            .borrow()
            .get(self.pos.get())
            .map(|id| long(*id as i64))
            .unwrap_or_default()
    }

    pub fn key(&self) -> i64 {
        self.pos.get() as i64
    }

    pub fn valid(&self) -> bool {
        self.pos.get() < self.ids.borrow().len()
    }

    pub fn count(&self) -> i64 {
        self.shared
            .as_ref()
            .and_then(|s| s.reactor())
            .map(|r| r.sessions.borrow().len() as i64)
            .unwrap_or(0)
    }

    pub fn offset_exists(&self, fd: &Zval) -> bool {
        let Some(sh) = &self.shared else { return false };
        let (Some(r), Some(fd)) = (sh.reactor(), fd_arg(fd)) else {
            return false;
        };
        fd > 0 && r.get(fd as u64).is_some_and(|c| !c.is_closing())
    }

    pub fn offset_get(&self, fd: &Zval) -> PhpResult<Zval> {
        let Some(sh) = &self.shared else {
            return Ok(false_zval());
        };
        client_info(sh, fd_arg(fd).unwrap_or(0))
    }

    pub fn offset_set(&self, fd: &Zval, value: &Zval) {
        let _ = (fd, value);
    }

    pub fn offset_unset(&self, fd: &Zval) {
        let _ = fd;
    }
}

/// A listening port (`$server->ports[0]` is the server's own).
#[php_class]
#[php(name = "Swoole\\Server\\Port")]
pub struct Port {
    host: String,
    port: i64,
    sock_type: i64,
}

#[php_impl]
impl Port {
    pub fn __construct() -> PhpResult<Self> {
        Err(PhpException::new(
            "please use the Swoole\\Server->listen method".into(),
            0,
            ce::error(),
        ))
    }

    #[php(getter, name = "host")]
    pub fn prop_host(&self) -> String {
        self.host.clone()
    }

    #[php(getter, name = "port")]
    pub fn prop_port(&self) -> i64 {
        self.port
    }

    #[php(getter, name = "type")]
    pub fn prop_type(&self) -> i64 {
        self.sock_type
    }
}

/// `Swoole\Exception` (extends `\Exception`), thrown by the constructor and `start()`.
///
/// Registered with a plain class builder rather than `#[php_class]`: a Rust-backed class
/// always gets a Rust `__construct`, which would hide `Exception::__construct($message,
/// $code)` and break `new Swoole\Exception("...", 1)` in user code.
static SWOOLE_EXCEPTION_CE: std::sync::atomic::AtomicPtr<ext_php_rs::zend::ClassEntry> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

/// Registers `Swoole\Exception`; called from the module startup (MINIT).
pub fn register_exception_class() -> ext_php_rs::error::Result<()> {
    ext_php_rs::builders::ClassBuilder::new("Swoole\\Exception")
        .extends((ce::exception, "\\Exception"))
        .registration(|ce, _| {
            SWOOLE_EXCEPTION_CE.store(ce as *mut _, std::sync::atomic::Ordering::Release);
        })
        .register()
}

fn swoole_exception_ce() -> &'static ext_php_rs::zend::ClassEntry {
    let p = SWOOLE_EXCEPTION_CE.load(std::sync::atomic::Ordering::Acquire);
    // SAFETY: set once at MINIT to a class entry the engine keeps for the process lifetime.
    unsafe { p.as_ref() }.unwrap_or_else(ce::exception)
}

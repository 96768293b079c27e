//! `Swoole\Server`: the class and its methods. Each method converts its arguments, raises
//! Swoole's warnings and delegates; the rooms beside this file hold the rest:
//!
//! - `state.rs`: what a server object owns, and the queries every method needs.
//! - `lifecycle.rs`: `start()` and everything until it returns (loop, manager glue, files).
//! - `sink.rs`: events, one place each (connection events and lifecycle callbacks).
//! - `info.rs`: `getClientInfo()`, `getClientList()`, `stats()`.
//! - `connections.rs`: `$server->connections` (`Swoole\Connection\Iterator`).
//! - `port.rs`: `Swoole\Server\Port` (`$server->ports`).
//! - `task.rs`: tasks and pipe messages (`task()`, `taskwait()`, `finish()`,
//!   `sendMessage()`, onTask / onFinish / onPipeMessage).

// Some PHP parameters are spelled as Swoole's (`taskWorkerIndex`) so named arguments work;
// ext-php-rs takes parameter names from the Rust ones, and its generated code repeats them.
#![allow(non_snake_case)]

mod connections;
mod dgram;
mod info;
mod lifecycle;
mod listen;
mod options;
mod port;
mod process_mode;
mod sink;
mod socket;
mod state;
mod stats_file;
mod task;
mod tls;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendClassObject, ZendHashTable, Zval};
use ext_php_rs::zend::ce;

pub use connections::ConnectionIterator;
pub use port::Port;
use port::PortState;
pub use state::Shared as ServerShared;
pub use state::{
    SOCK_TCP, SOCK_TCP6, SOCK_UDP, SOCK_UDP6, SOCK_UNIX_DGRAM, SOCK_UNIX_STREAM, SWOOLE_BASE,
    SWOOLE_PROCESS, SWOOLE_SSL,
};
pub use task::{encode_value, finish_task, unserialize};

use super::callback;
use super::convert::{false_zval, fd_arg, int_arg, long, zval_bytes};
use super::errors::{self, set_last_error, warning, warning_code};
use super::exception::swoole_exception;
use crate::net::{code, SendError, SendfileError};
use crate::options::Settings;
use crate::process::{self, systemd, PeerMsg};
use info::{client_info, client_list};
use socket2::Socket;
use state::{Shared, State, EVENTS};

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
        let ssl = sock_type & SWOOLE_SSL != 0;
        let sock_type = sock_type & !SWOOLE_SSL;
        if ssl && !matches!(sock_type, SOCK_TCP | SOCK_TCP6) {
            return Err(swoole_exception(
                format!("SWOOLE_SSL is supported on SWOOLE_SOCK_TCP and SWOOLE_SOCK_TCP6 listeners only by swoole-rs (not on socket type {sock_type}: no DTLS, no TLS over unix sockets)"),
                errors::INVALID_PARAMS,
            ));
        }
        if let Some(server) = Self::from_systemd(&host, mode)? {
            if ssl && !matches!(server.shared.sock_type, SOCK_TCP | SOCK_TCP6) {
                return Err(swoole_exception(
                    "SWOOLE_SSL needs a TCP socket, and systemd passed a unix socket".into(),
                    errors::INVALID_PARAMS,
                ));
            }
            return Ok(server.with_ssl(ssl));
        }
        let plain = sock_type;
        let (socket, port) = match listen::bind(&host, port, plain) {
            Ok(Some(bound)) => bound,
            Ok(None) => {
                set_last_error(errors::INVALID_PARAMS);
                return Err(PhpException::new(
                    format!("invalid $sock_type parameters {sock_type}"),
                    0,
                    ce::value_error(),
                ));
            }
            Err(e) => {
                set_last_error(e.code);
                return Err(swoole_exception(e.message(&host, port), e.code));
            }
        };
        Ok(Server::with_socket(host, port, mode, plain, socket).with_ssl(ssl))
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
        let parsed = options::parse(settings, &mut st, "Swoole\\Server::set")?;
        *sh.settings.borrow_mut() = st;
        if let Some(f) = parsed.length_func {
            *sh.length_func.borrow_mut() = f;
        }
        options::merge_setting(&sh.setting, settings)?;
        Ok(true)
    }

    /// Registers an event callback (name case-insensitive, without the `on` prefix).
    pub fn on(&self, event_name: &str, callback: &Zval) -> bool {
        let sh = &self.shared;
        if sh.state.get() == State::Running {
            warning("server is running, unable to register event callback function");
            return false;
        }
        let Some(name) = crate::php::errors::checked_event(EVENTS, event_name, callback) else {
            return false;
        };
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
        if sh.settings.borrow().task.worker_num > 0 && sh.callback("task").is_none() {
            ext_php_rs::error::php_error(
                &ext_php_rs::flags::ErrorType::Error,
                "failed to start server. Error: require 'onTask' callback",
            );
            return Ok(false);
        }
        let plans = match listen::plan(&sh) {
            Ok(p) => p,
            Err(listen::PlanError::Fatal(m)) => {
                ext_php_rs::error::php_error(&ext_php_rs::flags::ErrorType::Error, &m);
                return Ok(false);
            }
            Err(listen::PlanError::Value(m)) => {
                return Err(PhpException::new(m, 0, ce::value_error()))
            }
            Err(listen::PlanError::Exception(m)) => {
                return Err(swoole_exception(m, errors::OPERATION_NOT_SUPPORT))
            }
        };
        let mut server_zv = Zval::new();
        server_zv.set_object(self_.get_mut_zend_obj());
        lifecycle::run_server(sh, server_zv, plans)
    }

    /// Adds a listening port before `start()`: a `Swoole\Server\Port` with its own
    /// options and callbacks, or false (with a warning saying why).
    pub fn listen(&self, host: &str, port: i64, sock_type: i64) -> Zval {
        listen::add_listener(&self.shared, host, port, sock_type)
    }

    /// Swoole's alias of `listen()`.
    pub fn addlistener(&self, host: &str, port: i64, sock_type: i64) -> Zval {
        listen::add_listener(&self.shared, host, port, sock_type)
    }

    /// The listening socket of the port bound to `$port` (0: the server's own) as an
    /// ext-sockets `Socket`, e.g. to join a multicast group; false (warning) without the
    /// sockets extension or for a port the server does not have. See `socket.rs`.
    #[php(defaults(port = 0))]
    pub fn get_socket(&self, port: i64) -> Zval {
        let ports = self.shared.ports.borrow();
        let found = if port == 0 {
            ports.first()
        } else {
            ports.iter().find(|p| p.port == port)
        };
        match found {
            Some(p) => socket::export(
                p.sock as i32,
                p.port,
                self.shared.state.get() != state::State::Created,
            ),
            None => {
                errors::warning(&format!("the server has no port {port}"));
                crate::php::convert::false_zval()
            }
        }
    }

    /// Sends a datagram from a UDP, UDP6 or unix datagram port (a `$ip` starting with `/`
    /// is a unix path); `$server_socket` picks the port by its `sock`, -1 the first one of
    /// that family.
    #[php(defaults(server_socket = -1))]
    pub fn sendto(&self, ip: &str, port: i64, data: &Zval, server_socket: i64) -> bool {
        dgram::sendto(&self.shared, ip, port, data, server_socket)
    }

    /// Sends data to a connection. Binary-safe; false with `getLastError()` 1005 if the
    /// session does not exist.
    #[php(optional = "server_socket")]
    pub fn send(&self, fd: &Zval, send_data: &Zval, server_socket: Option<i64>) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if let Some(path) = dgram::unix_peer(fd) {
            return dgram::sendto(
                &self.shared,
                &path,
                0,
                send_data,
                server_socket.unwrap_or(-1),
            );
        }
        let Some(fd) = fd_arg(fd) else {
            warning_code(errors::INVALID_PARAMS, "fd can not be null");
            return false;
        };
        if fd <= 0 {
            warning_code(errors::INVALID_PARAMS, &format!("invalid fd[{fd}]"));
            return false;
        }
        // PHP's own conversion: arrays warn and send "Array", objects without __toString throw.
        let Some(data) = zval_bytes(send_data) else {
            return false;
        };
        if data.is_empty() {
            warning_code(errors::NO_PAYLOAD, "the data sent must not be empty");
            return false;
        }
        match reactor.send(fd as u64, &data) {
            Ok(()) => true,
            Err(SendError::NotExist) => {
                if process_mode::output_over(&self.shared, fd) {
                    // SWOOLE_PROCESS: the master holds more than socket_buffer_size for it.
                    self.send_failed(fd, data.len(), SendError::Overflow);
                    return false;
                }
                if self
                    .shared
                    .forward_to_owner(fd, &PeerMsg::Send(fd as u64, &data))
                {
                    return true;
                }
                set_last_error(code::SESSION_NOT_EXIST);
                false
            }
            Err(SendError::Closed) => {
                set_last_error(code::SESSION_CLOSED);
                false
            }
            Err(e) => {
                self.send_failed(fd, data.len(), e);
                false
            }
        }
    }

    /// Sends a file (or `$length` bytes of it from `$offset`; 0 means to the end) with
    /// sendfile(2), queued behind earlier sends; the file is never read into memory.
    #[php(defaults(offset = 0, length = 0))]
    pub fn sendfile(&self, fd: i64, filename: &str, offset: i64, length: i64) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if fd <= 0 {
            warning_code(errors::INVALID_PARAMS, &format!("invalid fd[{fd}]"));
            return false;
        }
        if offset < 0 || length < 0 {
            warning_code(
                errors::INVALID_PARAMS,
                &format!(
                    "sendfile(): offset and length must not be negative ({offset}, {length} given)"
                ),
            );
            return false;
        }
        let sent = match reactor.sendfile(fd as u64, filename, offset as u64, length as u64) {
            // SWOOLE_PROCESS: checked here, sent by the master.
            Err(SendfileError::Send(SendError::NotExist)) => {
                process_mode::sendfile(&self.shared, fd, filename, offset as u64, length as u64)
                    .unwrap_or(Err(SendfileError::Send(SendError::NotExist)))
            }
            r => r,
        };
        match sent {
            Ok(()) => true,
            Err(SendfileError::Send(SendError::NotExist)) => {
                // SESSION_NOT_EXIST, with Swoole's invalid-fd warning (1006 there).
                warning_code(
                    code::SESSION_NOT_EXIST,
                    &format!("sendfile(): session#{fd} does not exist in this worker"),
                );
                false
            }
            Err(SendfileError::Send(e)) => {
                self.send_failed(fd, 0, e);
                false
            }
            Err(SendfileError::Open(e)) => {
                warning_code(
                    errors::SYSTEM_CALL_FAIL,
                    &format!("sendfile(): stat({filename}) failed: {e}"),
                );
                false
            }
            Err(SendfileError::NotRegular) => {
                warning_code(
                    errors::SERVER_IS_NOT_REGULAR_FILE,
                    &format!("sendfile(): {filename} is not a regular file"),
                );
                false
            }
            Err(SendfileError::Empty(off)) => {
                warning_code(
                    errors::SYSTEM_CALL_FAIL,
                    &format!("sendfile(): file[offset={off}] is empty"),
                );
                false
            }
        }
    }

    /// Blocking send: returns once the data (and everything queued before it) is in the
    /// kernel. Fails after 10 s in which the peer read nothing (Swoole would block forever).
    pub fn sendwait(&self, fd: i64, send_data: &Zval) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if process_mode::master_channel().is_some() {
            // As Swoole: the master owns the socket, a worker cannot block on it.
            warning_code(
                errors::PHP_FATAL_ERROR,
                "can only be used with base mode and must be within worker process",
            );
            return false;
        }
        let Some(data) = zval_bytes(send_data) else {
            warning_code(errors::INVALID_PARAMS, "the data sent must be a string");
            return false;
        };
        if fd <= 0 || data.is_empty() {
            warning_code(
                errors::INVALID_PARAMS,
                &format!("sendwait(): invalid fd[{fd}] or empty data"),
            );
            return false;
        }
        match reactor.send_wait(fd as u64, &data, std::time::Duration::from_secs(10)) {
            Ok(()) => true,
            Err(e) => {
                self.send_failed(fd, data.len(), e);
                false
            }
        }
    }

    /// The sessions idle longer than `heartbeat_idle_time` (this worker's; in PROCESS mode
    /// the whole server's), closed when
    /// `$ifCloseConnection`; false when no heartbeat is configured.
    #[php(defaults(if_close_connection = true))]
    pub fn heartbeat(&self, if_close_connection: bool) -> Zval {
        let Some(reactor) = self.shared.require_running() else {
            return false_zval();
        };
        let idle = if process_mode::master_channel().is_some() {
            process_mode::heartbeat(&self.shared, &reactor, if_close_connection)
        } else {
            reactor.idle_sessions(if_close_connection)
        };
        match idle {
            None => false_zval(),
            Some(ids) => {
                let mut z = Zval::new();
                let mut a = ZendHashTable::new();
                for id in ids {
                    let _ = a.push(id as i64);
                }
                z.set_hashtable(a);
                z
            }
        }
    }

    /// Exempts a session from the heartbeat (`$is_protected = false` ends it). A session
    /// of another worker is forwarded to its owner.
    #[php(defaults(is_protected = true))]
    pub fn protect(&self, fd: i64, is_protected: bool) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if fd > 0 && reactor.protect(fd as u64, is_protected) {
            return true;
        }
        if self
            .shared
            .forward_to_owner(fd, &PeerMsg::Protect(fd as u64, is_protected))
        {
            return true;
        }
        set_last_error(code::SESSION_NOT_EXIST);
        false
    }

    /// Closes a connection; onClose runs before this returns, with reactor id -1.
    #[php(defaults(reset = false))]
    pub fn close(&self, fd: &Zval, reset: bool) -> bool {
        let Some(fd) = int_arg(fd, 1) else {
            return false;
        };
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if fd <= 0 || !reactor.close_session(fd as u64, -1, reset) {
            if self
                .shared
                .forward_to_owner(fd, &PeerMsg::Close(fd as u64, reset))
            {
                return true;
            }
            set_last_error(code::SESSION_NOT_EXIST);
            return false;
        }
        true
    }

    /// Whether the session is open (neither closed nor closing).
    pub fn exists(&self, fd: &Zval) -> bool {
        let Some(fd) = int_arg(fd, 1) else {
            return false;
        };
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        fd > 0 && reactor.get(fd as u64).is_some_and(|c| !c.is_closing())
            || self.shared.remote_owner(fd).is_some()
    }

    /// Alias of `exists()`.
    pub fn exist(&self, fd: &Zval) -> bool {
        self.exists(fd)
    }

    /// Connection details with Swoole's keys, or false for an unknown session.
    #[php(defaults(reactor_id = -1, ignore_error = false))]
    pub fn get_client_info(
        &self,
        fd: &Zval,
        reactor_id: i64,
        ignore_error: bool,
    ) -> PhpResult<Zval> {
        let _ = (reactor_id, ignore_error);
        let Some(fd) = int_arg(fd, 1) else {
            return Ok(false_zval());
        };
        client_info(&self.shared, fd)
    }

    /// Alias of `getClientInfo()`.
    #[php(name = "connection_info", defaults(reactor_id = -1, ignore_error = false))]
    pub fn connection_info(
        &self,
        fd: &Zval,
        reactor_id: i64,
        ignore_error: bool,
    ) -> PhpResult<Zval> {
        self.get_client_info(fd, reactor_id, ignore_error)
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
        info::stats(&self.shared)
    }

    /// `stats()` as OpenMetrics text (Prometheus' exposition format, `# EOF`-terminated):
    /// server-wide counters and, per worker, connections, requests, resident memory and
    /// event-loop lag. False when the server is not running.
    pub fn get_metrics(&self) -> Zval {
        match info::metrics(&self.shared) {
            Some(text) => {
                let mut z = Zval::new();
                let _ = z.set_string(&text, false);
                z
            }
            None => false_zval(),
        }
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
        if let Some(master) = process_mode::master_pid().filter(|_| manager > 0) {
            // SWOOLE_PROCESS: the master stops first (every session's onClose), then the rest.
            if master != process::getpid() {
                // SAFETY: kill(2) with the master's pid, recorded before any fork.
                unsafe { libc::kill(master as libc::pid_t, libc::SIGTERM) };
                return true;
            }
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

    /// Restarts every worker, one at a time (SIGUSR1 to the manager), or only the task
    /// workers (SIGUSR2). Needs a manager.
    #[php(defaults(only_reload_taskworker = false))]
    pub fn reload(&self, only_reload_taskworker: bool) -> bool {
        let manager = self.shared.manager_pid.get();
        if manager > 0 && self.shared.state.get() != State::Running {
            warning_code(errors::PHP_FATAL_ERROR, "server is not running");
            return false;
        }
        if manager <= 0 && self.shared.state.get() == State::Running {
            // Beyond Swoole: a single-process TLS server re-reads its certificates in place
            // (there is no worker to restart); new connections get the renewed ones.
            let listeners = self.shared.tls.borrow().clone();
            if !listeners.is_empty() {
                let mut ok = true;
                for tls in listeners {
                    if let Err(e) = tls.reload() {
                        warning(&format!(
                            "SSL certificates not reloaded, still serving the previous ones: {e}"
                        ));
                        ok = false;
                    }
                }
                return ok;
            }
        }
        if manager <= 0 {
            warning("not supported with single process mode");
            set_last_error(errors::WRONG_OPERATION);
            return false;
        }
        let sig = if only_reload_taskworker {
            libc::SIGUSR2
        } else {
            libc::SIGUSR1
        };
        // SAFETY: kill(2) with the manager's pid (our own pid when called in the manager).
        unsafe { libc::kill(manager as libc::pid_t, sig) == 0 }
    }

    /// SWOOLE_PROCESS with `dispatch_mode` 5: the session's packets go to worker
    /// `uid % worker_num` from now on.
    pub fn bind(&self, fd: i64, uid: i64) -> bool {
        if self.shared.require_running().is_none() {
            return false;
        }
        process_mode::bind(&self.shared, fd, uid)
    }

    /// Stops reading from a connection until `resume()`.
    pub fn pause(&self, fd: &Zval) -> bool {
        int_arg(fd, 1).is_some_and(|fd| self.set_paused(fd, true))
    }

    /// Resumes reading from a paused connection.
    pub fn resume(&self, fd: &Zval) -> bool {
        int_arg(fd, 1).is_some_and(|fd| self.set_paused(fd, false))
    }

    /// Starts reading a connection held back by `enable_delay_receive`; false for an
    /// unknown session or one already confirmed (Swoole's alias of `resume()`).
    pub fn confirm(&self, fd: i64) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if fd > 0 && reactor.confirm(fd as u64) {
            return true;
        }
        // SWOOLE_PROCESS: the master starts reading (true once handed over, as resume()).
        if process_mode::master_channel().is_none()
            || !self
                .shared
                .forward_to_owner(fd, &PeerMsg::Pause(fd as u64, false))
        {
            set_last_error(code::SESSION_NOT_EXIST);
            return false;
        }
        true
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
            Some(p)
                if worker_id >= 0
                    && worker_id
                        < self.shared.worker_num.get() + self.shared.task_worker_num.get() =>
            {
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

    /// Stops worker `$worker_id` gracefully (-1: this one; its WorkerStop runs once the
    /// current callback returns); the manager replaces it at once, as for `max_request`.
    /// Another worker is sent SIGTERM. With a single process, the server shuts down (as
    /// Swoole's). False with Swoole's warning (505) for an id that is no worker's.
    #[php(defaults(worker_id = -1))]
    pub fn stop(&self, worker_id: i64) -> bool {
        let sh = &self.shared;
        let Some(reactor) = sh.require_running() else {
            return false;
        };
        let Some(page) = sh.stats_page.get() else {
            // One process: stopping the worker is stopping the server.
            if worker_id == -1 || worker_id == 0 {
                return self.shutdown();
            }
            warning_code(
                errors::INVALID_PARAMS,
                &format!("the worker_id[{worker_id}] is invalid"),
            );
            return false;
        };
        let total = sh.worker_num.get() + sh.task_worker_num.get();
        let own = worker_id == -1 || worker_id == sh.worker_id.get();
        if !own && !(0..total).contains(&worker_id) {
            warning_code(
                errors::INVALID_PARAMS,
                &format!("the worker_id[{worker_id}] is invalid"),
            );
            return false;
        }
        let id = if own { sh.worker_id.get() } else { worker_id };
        let slot = id as usize % process::MAX_SLOTS;
        if own {
            if reactor.stopping.get() {
                return true;
            }
            // A planned exit: the manager forks the replacement at once (no back-off).
            page.recycled[slot].store(true, std::sync::atomic::Ordering::Relaxed);
            reactor.stopping.set(true);
            if id >= sh.worker_num.get() {
                // A task worker takes no new task from its queue; its replacement does.
                reactor.inbox_hold.set(true);
            }
            if let Some(ctl) = callback::current() {
                ctl.request_stop();
            }
            return true;
        }
        let pid = page.pids[slot].load(std::sync::atomic::Ordering::Relaxed);
        if pid <= 0 {
            return false;
        }
        page.recycled[slot].store(true, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: kill(2) with a worker's pid from the shared pages.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) == 0 }
    }

    /// `SWOOLE_WORKER_BUSY` (1), `IDLE` (2) or `EXIT` (3, no process in the slot) for worker
    /// `$worker_id` (-1: this one, busy since it runs this call). Task workers are busy while
    /// they run a task; event workers read as idle from another process (not tracked).
    #[php(defaults(worker_id = -1))]
    pub fn get_worker_status(&self, worker_id: i64) -> Zval {
        if self.shared.require_running().is_none() {
            return false_zval();
        }
        let sh = &self.shared;
        if worker_id == -1 || worker_id == sh.worker_id.get() {
            return long(1);
        }
        let total = sh.worker_num.get() + sh.task_worker_num.get();
        let Some(page) = sh.stats_page.get() else {
            return false_zval();
        };
        if worker_id < 0 || worker_id >= total {
            return false_zval();
        }
        let slot = worker_id as usize % process::MAX_SLOTS;
        if page.pids[slot].load(std::sync::atomic::Ordering::Relaxed) == 0 {
            return long(3);
        }
        if sh.is_task_worker_id(worker_id)
            && page.in_flight[slot].load(std::sync::atomic::Ordering::Relaxed) != 0
        {
            return long(1);
        }
        long(2)
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
        self.shared.ports.borrow().first().is_some_and(|p| p.ssl)
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
        self.shared.reactor().is_some() && self.shared.is_task_worker()
    }

    /// Hands `$data` to a task worker (an idle one with `$dstWorkerId` -1); its result
    /// reaches `$finishCallback` or onFinish in this worker. Returns the task id (may be 0).
    #[php(optional = "taskWorkerIndex", defaults(taskWorkerIndex = -1))]
    pub fn task(&self, data: &Zval, taskWorkerIndex: i64, finishCallback: Option<&Zval>) -> Zval {
        task::task(&self.shared, data, taskWorkerIndex, finishCallback)
    }

    /// Sends a task and blocks this worker until its result (returned) or the timeout
    /// (false). Other messages arriving meanwhile are kept for later.
    #[php(defaults(timeout = 0.5, taskWorkerIndex = -1))]
    pub fn taskwait(&self, data: &Zval, timeout: f64, taskWorkerIndex: i64) -> Zval {
        task::taskwait(&self.shared, data, timeout, taskWorkerIndex)
    }

    /// Sends every task and blocks until all results arrived or the timeout; the results
    /// are keyed like `$tasks`, timed-out ones missing.
    #[php(defaults(timeout = 0.5))]
    pub fn task_wait_multi(&self, tasks: &ZendHashTable, timeout: f64) -> Zval {
        task::task_wait_multi(&self.shared, tasks, timeout)
    }

    /// Needs coroutines, which swoole-rs does not have yet.
    #[php(defaults(timeout = 0.5))]
    pub fn task_co(&self, tasks: &ZendHashTable, timeout: f64) -> PhpResult<Zval> {
        let _ = (tasks, timeout);
        Err(PhpException::new(
            "Swoole\\Server::taskCo() needs coroutines, which swoole-rs does not implement yet; use taskWaitMulti() instead".into(),
            0,
            ce::error(),
        ))
    }

    /// Adds a user process: the manager starts it before the workers, restarts it when it
    /// dies and stops it at shutdown. Returns its index among the added processes.
    pub fn add_process(&self, process: &Zval) -> Zval {
        let sh = &self.shared;
        if sh.state.get() != State::Created {
            warning("server is running, unable to add process");
            return false_zval();
        }
        let Some(p) = process.extract::<&crate::php::process::Process>() else {
            warning("the process must be a Swoole\\Process");
            return false_zval();
        };
        if p.added.replace(true) {
            warning("this process has already been added");
            return false_zval();
        }
        let mut list = sh.user_processes.borrow_mut();
        list.push(process.shallow_clone());
        long(list.len() as i64 - 1)
    }

    /// In a task worker: sends the result of the task being run.
    pub fn finish(&self, data: &Zval) -> bool {
        task::finish(&self.shared, data)
    }

    /// Delivers `$message` to onPipeMessage in worker `$dst_worker_id` (event or task).
    pub fn send_message(&self, message: &Zval, dst_worker_id: i64) -> bool {
        task::send_message(&self.shared, message, dst_worker_id)
    }

    #[php(getter, name = "connections")]
    pub fn prop_connections(&self) -> ConnectionIterator {
        ConnectionIterator::new(Some(self.shared.clone()), None)
    }

    /// Every listener; `[0]` is the primary port.
    #[php(getter, name = "ports")]
    pub fn prop_ports(&self) -> Vec<Zval> {
        let ports = self.shared.ports.borrow().clone();
        ports
            .iter()
            .enumerate()
            .map(|(i, p)| p.object(&self.shared, i))
            .collect()
    }
}

impl Server {
    /// Marks a just-constructed server as `SWOOLE_SSL` (nothing else holds its state yet).
    fn with_ssl(self, ssl: bool) -> Server {
        if ssl {
            if let Some(p) = self.shared.ports.borrow_mut().first_mut() {
                if let Some(p) = Rc::get_mut(p) {
                    p.ssl = true;
                }
            }
        }
        self
    }

    fn with_socket(host: String, port: i64, mode: i64, sock_type: i64, socket: Socket) -> Server {
        Server {
            shared: Rc::new(Shared {
                host: host.clone(),
                port,
                mode,
                sock_type,
                ports: RefCell::new(vec![Rc::new(PortState::new(
                    host, port, sock_type, false, socket,
                ))]),
                tls: RefCell::new(Vec::new()),
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
                task_worker_num: Cell::new(0),
                tasks: RefCell::new(Default::default()),
                current_task: Cell::new(None),
                user_processes: RefCell::new(Vec::new()),
            }),
        }
    }

    /// Socket activation: Swoole's host `SYSTEMD`, or any host when systemd passed listening
    /// sockets to this process (`LISTEN_FDS` for our `LISTEN_PID`): the server uses the first
    /// inherited socket instead of binding. None to bind as usual.
    fn from_systemd(host: &str, mode: i64) -> PhpResult<Option<Server>> {
        let wanted = host.eq_ignore_ascii_case("systemd");
        if !wanted && std::env::var_os("LISTEN_FDS").is_none() {
            return Ok(None);
        }
        let mut sockets = systemd::take_listen_fds().map_err(|e| {
            PhpException::new(format!("failed to add systemd socket: {e}"), 0, ce::error())
        })?;
        if sockets.is_empty() {
            if wanted {
                return Err(PhpException::new(
                    "failed to add systemd socket".into(),
                    0,
                    ce::error(),
                ));
            }
            return Ok(None);
        }
        if sockets.len() > 1 {
            warning(&format!(
                "systemd passed {} listening sockets; swoole-rs serves the first one (extra ports are not supported yet)",
                sockets.len()
            ));
        }
        let socket = sockets.swap_remove(0);
        let local = socket.local_addr().map_err(|e| {
            PhpException::new(format!("failed to add systemd socket: {e}"), 0, ce::error())
        })?;
        let (host, port, sock_type) = match (local.as_socket(), local.as_pathname()) {
            (Some(a), _) => (
                a.ip().to_string(),
                a.port() as i64,
                if a.is_ipv6() { SOCK_TCP6 } else { SOCK_TCP },
            ),
            (None, Some(path)) => (path.display().to_string(), 0, SOCK_UNIX_STREAM),
            _ => {
                return Err(PhpException::new(
                    "failed to add systemd socket: unsupported address family".into(),
                    0,
                    ce::error(),
                ))
            }
        };
        Ok(Some(Server::with_socket(
            host, port, mode, sock_type, socket,
        )))
    }

    /// With workers, the manager is the master (SWOOLE_BASE has no separate master).
    fn master_pid(&self) -> i64 {
        if let Some(pid) = process_mode::master_pid() {
            return pid;
        }
        if self.shared.manager_pid.get() > 0 {
            self.shared.manager_pid.get()
        } else if self.shared.reactor().is_some() {
            process::getpid()
        } else {
            0
        }
    }

    /// Swoole's warning and last error for a failed send.
    fn send_failed(&self, fd: i64, len: usize, e: SendError) {
        match e {
            SendError::NotExist => set_last_error(code::SESSION_NOT_EXIST),
            SendError::Closed => set_last_error(code::SESSION_CLOSED),
            SendError::Overflow => warning_code(
                code::OUTPUT_BUFFER_OVERFLOW,
                &format!("connection#{fd} output buffer overflow: more than socket_buffer_size bytes are queued; wait for onBufferEmpty or raise socket_buffer_size"),
            ),
            SendError::TooLarge => {
                let max = self.shared.settings.borrow().buffer_output_size;
                warning_code(
                    code::DATA_LENGTH_TOO_LARGE,
                    &format!("The length of data [{len}] exceeds the output buffer size[{max}], please use the sendfile, chunked transfer mode or adjust the output_buffer_size"),
                )
            }
        }
    }

    /// Pauses or resumes reading; another worker's session is forwarded to its owner (true
    /// once handed over, as for `close()`).
    fn set_paused(&self, fd: i64, paused: bool) -> bool {
        let Some(reactor) = self.shared.require_running() else {
            return false;
        };
        if fd > 0 && reactor.set_paused(fd as u64, paused) {
            return true;
        }
        if self
            .shared
            .forward_to_owner(fd, &PeerMsg::Pause(fd as u64, paused))
        {
            return true;
        }
        set_last_error(code::SESSION_NOT_EXIST);
        false
    }
}

//! Events, one place each: the reactor's connection events become onConnect / onReceive /
//! onClose calls (with the failure policy of `php::callback`), and the lifecycle events
//! (Start, WorkerStart, ManagerStart, …) go through [`call_simple`].

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::types::Zval;

use super::state::Shared;
use crate::net::{CloseReason, EventSink, Peer, Reactor};
use crate::php::callback::{self, Cached, Outcome};
use crate::php::convert::{bytes_zval, long, weak_int};
use crate::php::errors::{warning, warning_code};
use crate::process::MAX_SLOTS;

/// One listener's callbacks: its own, or the server's where it has none.
pub(super) struct PortCallbacks {
    pub(super) on_connect: Option<Cached>,
    pub(super) on_receive: Option<Cached>,
    pub(super) on_close: Option<Cached>,
    pub(super) on_packet: Option<Cached>,
    pub(super) on_buffer_full: Option<Cached>,
    pub(super) on_buffer_empty: Option<Cached>,
    pub(super) length_func: Option<Cached>,
}

impl PortCallbacks {
    /// Listener `port`'s callbacks, resolved once when the loop starts.
    pub(super) fn resolve(sh: &Shared, port: usize, length_func: Option<Zval>) -> Self {
        let cb = |name| sh.port_callback(port, name).map(Cached::new);
        PortCallbacks {
            on_connect: cb("connect"),
            on_receive: cb("receive"),
            on_close: cb("close"),
            on_packet: cb("packet"),
            on_buffer_full: cb("bufferfull"),
            on_buffer_empty: cb("bufferempty"),
            length_func: length_func.map(Cached::new),
        }
    }
}

/// The PHP side of the reactor: turns reactor events into callback calls.
pub(super) struct PhpSink {
    pub(super) shared: std::rc::Weak<Shared>,
    pub(super) server: Zval,
    pub(super) reactor: std::rc::Weak<Reactor>,
    /// Per listener, index 0 the primary port.
    pub(super) ports: Vec<PortCallbacks>,
    /// This worker's `max_request` (with its jitter); 0 when workers are not recycled.
    pub(super) max_request: u64,
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
        r.stats.shared().recycled[r.stats.slot % MAX_SLOTS]
            .store(true, std::sync::atomic::Ordering::Relaxed);
        // No new connection for this worker: the replacement accepts them.
        r.stopping.set(true);
        if let Some(ctl) = callback::current() {
            ctl.request_stop();
        }
    }

    /// `fn(Server $s, int $fd)` events (BufferFull, BufferEmpty).
    fn fd_event(&self, cb: &Option<Cached>, title: &str, id: u64) {
        if let Some(cb) = cb {
            let mut args = [self.server.shallow_clone(), long(id as i64)];
            let out = cb.call(&mut args, &|| format!("{title} (fd {id})"));
            self.after(out, id);
        }
    }

    /// An exception in a connection's callback costs that connection, not the server.
    fn after(&self, outcome: Outcome, id: u64) {
        if let Outcome::Threw = outcome {
            if let Some(r) = self.reactor.upgrade() {
                r.close_with(id, 0, false, CloseReason::CallbackException);
            }
        }
    }
}

impl EventSink for PhpSink {
    fn on_connect(&self, port: usize, id: u64) {
        if let Some(cb) = &self.ports[port].on_connect {
            let mut args = [self.server.shallow_clone(), long(id as i64), long(0)];
            let out = cb.call(&mut args, &|| format!("onConnect (fd {id})"));
            self.after(out, id);
        }
    }

    fn on_receive(&self, port: usize, id: u64, data: &[u8]) {
        if let Some(cb) = &self.ports[port].on_receive {
            let mut args = [
                self.server.shallow_clone(),
                long(id as i64),
                long(0),
                bytes_zval(data),
            ];
            let out = cb.call(&mut args, &|| format!("onReceive (fd {id})"));
            self.after(out, id);
        }
    }

    fn after_receive(&self, _id: u64) {
        self.check_max_request();
    }

    fn on_close(&self, port: usize, id: u64, reactor_id: i64) {
        if let Some(cb) = &self.ports[port].on_close {
            let mut args = [
                self.server.shallow_clone(),
                long(id as i64),
                long(reactor_id),
            ];
            cb.call(&mut args, &|| format!("onClose (fd {id})"));
        }
    }

    fn on_packet(&self, port: usize, data: &[u8], peer: &Peer) {
        let (Some(cb), Some(r)) = (&self.ports[port].on_packet, self.reactor.upgrade()) else {
            return;
        };
        let mut args = [
            self.server.shallow_clone(),
            bytes_zval(data),
            super::dgram::client_info(&r.ports[port], peer),
        ];
        // An exception costs nothing but this datagram: there is no connection to close.
        cb.call(&mut args, &|| "onPacket".to_string());
    }

    fn on_buffer_full(&self, port: usize, id: u64) {
        self.fd_event(&self.ports[port].on_buffer_full, "onBufferFull", id);
    }

    fn on_buffer_empty(&self, port: usize, id: u64) {
        self.fd_event(&self.ports[port].on_buffer_empty, "onBufferEmpty", id);
    }

    fn on_protocol_error(&self, id: u64, code: i64, message: String) {
        let _ = id;
        warning_code(code, &message);
    }

    fn on_warning(&self, message: &str) {
        warning(message);
    }

    fn on_message(&self, header: crate::process::channel::Header, payload: &[u8]) {
        if super::process_mode::is_event(header.kind) {
            return super::process_mode::on_event(self, header, payload);
        }
        if let Some(sh) = self.shared.upgrade() {
            super::task::on_message(&sh, &self.server, header, payload);
        }
    }

    fn custom_length(&self, port: usize, id: u64, buffered: &[u8]) -> i64 {
        let Some(cb) = &self.ports[port].length_func else {
            return -1;
        };
        // Stopping (a fatal error or exit() in it): the loop ends; this session with it.
        call_length_func(cb, id, buffered).unwrap_or(-1)
    }
}

/// One `package_length_func($data)` call, in BASE mode's reactor and in SWOOLE_PROCESS's
/// master alike: the total packet length, 0 for "need more", negative for malformed; None
/// when PHP is stopping. An exception (reported as everywhere, naming the fd) counts as
/// malformed; so does an answer that is no length (null, an array, a non-numeric string),
/// with a warning naming the fd and what came back: the connection closes with the framing
/// warning rather than waiting for ever on a function that forgot to return.
pub(super) fn call_length_func(cb: &Cached, id: u64, buffered: &[u8]) -> Option<i64> {
    let mut args = [bytes_zval(buffered)];
    let what = match cb.call(&mut args, &|| format!("package_length_func (fd {id})")) {
        Outcome::Returned(v) => match weak_int(&v) {
            Some(n) => return Some(n),
            None => v.get_type().to_string().to_lowercase(),
        },
        Outcome::Threw => return Some(-1),
        Outcome::Stopping => return None,
    };
    warning(&format!(
        "package_length_func returned {what} for fd {id}, not a length (the packet's total length, 0 for more data, or a negative number for malformed data); closing the connection"
    ));
    Some(-1)
}

/// `workerstart` → `onWorkerStart`, for reports.
fn event_title(event: &str) -> String {
    const TITLES: &[(&str, &str)] = &[
        ("start", "onStart"),
        ("shutdown", "onShutdown"),
        ("workerstart", "onWorkerStart"),
        ("workerstop", "onWorkerStop"),
        ("workerexit", "onWorkerExit"),
        ("managerstart", "onManagerStart"),
        ("managerstop", "onManagerStop"),
    ];
    TITLES
        .iter()
        .find(|(e, _)| *e == event)
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| format!("on{event}"))
}

pub(super) fn call_simple(sh: &Shared, server: &Zval, event: &str, worker_id: Option<i64>) {
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

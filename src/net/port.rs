//! One listener's configuration inside a worker's reactor: the primary port and every
//! `listen()`/`addlistener()` port are the same kind of thing, each with its own settings
//! (inherited from the server's `set()` and overridden by `Port::set()`), its own framing
//! and its own heartbeat. Connections remember the index of the listener that accepted them,
//! so per-connection decisions (buffers, watermarks, framing, idle time) read that listener's
//! settings, and the sink picks that listener's callbacks.

use std::cell::RefCell;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::time::Duration;

use super::heartbeat::IdleWheel;
use super::tls::TlsListener;
use crate::codec::Framing;
use crate::options::Settings;

/// What a listener accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortKind {
    /// TCP, TCP6 or unix stream: connections, onConnect/onReceive/onClose.
    Stream { unix: bool },
    /// UDP, UDP6 or unix datagram: no connections, onPacket per datagram.
    Dgram { unix: bool },
}

impl PortKind {
    pub fn is_dgram(self) -> bool {
        matches!(self, PortKind::Dgram { .. })
    }
}

/// A listener as the reactor sees it.
pub struct PortCfg {
    /// Swoole's socket type of this listener (`SWOOLE_SOCK_*`), for `getClientInfo()`.
    pub sock_type: i64,
    pub kind: PortKind,
    pub settings: Settings,
    pub framing: Framing,
    /// The listening socket's descriptor (`server_fd`, `server_socket`).
    pub server_fd: RawFd,
    pub server_port: u16,
    /// (check interval, idle time) when this listener's heartbeat is on.
    pub heartbeat: Option<(Duration, Duration)>,
    pub(super) wheel: RefCell<IdleWheel>,
    /// `max_idle_time`, and the check's tick, when it is on.
    pub max_idle: Option<(Duration, Duration)>,
    /// The sessions by when they could first be idle for `max_idle_time`.
    pub(super) idle_wheel: RefCell<IdleWheel>,
    /// A `SWOOLE_SSL` listener: each accepted socket is handshaken before it is a session.
    pub tls: Option<Rc<TlsListener>>,
}

impl PortCfg {
    pub fn new(
        sock_type: i64,
        kind: PortKind,
        settings: Settings,
        framing: Framing,
        server_fd: RawFd,
        server_port: u16,
    ) -> PortCfg {
        // A datagram listener has no sessions to watch.
        let heartbeat = if kind.is_dgram() {
            None
        } else {
            settings.heartbeat()
        };
        let max_idle = if kind.is_dgram() {
            None
        } else {
            settings.max_idle().zip(settings.max_idle_tick())
        };
        PortCfg {
            sock_type,
            kind,
            settings,
            framing,
            server_fd,
            server_port,
            heartbeat,
            wheel: RefCell::new(IdleWheel::new(
                heartbeat.map_or(1000, |(i, _)| i.as_millis() as u64),
            )),
            max_idle,
            idle_wheel: RefCell::new(IdleWheel::new(
                max_idle.map_or(1000, |(_, tick)| tick.as_millis() as u64),
            )),
            tls: None,
        }
    }

    /// Serves this listener over TLS.
    pub fn with_tls(mut self, tls: Option<Rc<TlsListener>>) -> PortCfg {
        self.tls = tls;
        self
    }
}

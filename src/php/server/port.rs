//! `Swoole\Server\Port`: one listener (`$server->ports[0]` is the server's own, the others
//! come from `listen()`/`addlistener()`), with its own options and callbacks.
//!
//! A port's settings are the server's `set()` options with the port's own `Port::set()`
//! options applied over them at `start()` (so a later `$server->set()` still reaches a port
//! that only overrides framing). Its callbacks fall back to the server's for every event it
//! does not set itself, as Swoole's do. Port 0's callbacks *are* the server's.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use ext_php_rs::convert::IntoZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use ext_php_rs::zend::ce;
use socket2::Socket;

use super::connections::ConnectionIterator;
use super::options;
use super::state::{Shared, State, SOCK_UDP, SOCK_UDP6, SOCK_UNIX_DGRAM, SOCK_UNIX_STREAM};
use crate::codec::{Framing, LengthType};
use crate::net::PortKind;
use crate::options::{OptValue, Settings};
use crate::php::errors::warning;

/// `SWOOLE_SSL`, OR-ed into a socket type.
pub const SSL_FLAG: i64 = 512;

/// Events a port takes (Swoole's `server_port_event_map`; the HTTP/WebSocket ones are
/// stored so `getCallback()` returns them, and never raised by a plain server).
pub(super) const PORT_EVENTS: &[&str] = &[
    "connect",
    "receive",
    "close",
    "packet",
    "bufferfull",
    "bufferempty",
    "request",
    "handshake",
    "beforehandshakeresponse",
    "open",
    "message",
    "disconnect",
];

/// What one listener owns before and while the server runs.
pub struct PortState {
    pub(super) host: String,
    pub(super) port: i64,
    /// `SWOOLE_SOCK_*` without the SSL flag.
    pub(super) sock_type: i64,
    pub(super) ssl: bool,
    /// The listening socket's descriptor (`$port->sock`).
    pub(super) sock: i64,
    /// Bound at `listen()` (or by the constructor); `start()` takes it.
    pub(super) socket: RefCell<Option<Socket>>,
    /// `Port::set()` options, in order, applied over the server's at `start()`.
    pub(super) options: RefCell<Vec<(String, OptValue)>>,
    /// `package_length_func` given to `Port::set()` (Some(None): explicitly none).
    pub(super) length_func: RefCell<Option<Option<Zval>>>,
    /// `ssl_sni_certs` given to `Port::set()`.
    pub(super) sni_certs: RefCell<Option<Vec<(String, String, String)>>>,
    /// `$port->setting`: what `Port::set()` was given, merged.
    pub(super) setting: RefCell<Option<Zval>>,
    /// This port's own callbacks (unused for port 0, whose callbacks are the server's).
    pub(super) callbacks: RefCell<HashMap<&'static str, Zval>>,
    /// The `Swoole\Server\Port` object, made once so `$server->ports[1] === $port`.
    object: RefCell<Option<Zval>>,
}

impl PortState {
    pub(super) fn new(host: String, port: i64, sock_type: i64, ssl: bool, socket: Socket) -> Self {
        let sock = std::os::fd::AsRawFd::as_raw_fd(&socket) as i64;
        PortState {
            host,
            port,
            sock_type,
            ssl,
            sock,
            socket: RefCell::new(Some(socket)),
            options: RefCell::new(Vec::new()),
            length_func: RefCell::new(None),
            sni_certs: RefCell::new(None),
            setting: RefCell::new(None),
            callbacks: RefCell::new(HashMap::new()),
            object: RefCell::new(None),
        }
    }

    pub(super) fn kind(&self) -> PortKind {
        match self.sock_type {
            SOCK_UDP | SOCK_UDP6 => PortKind::Dgram { unix: false },
            SOCK_UNIX_DGRAM => PortKind::Dgram { unix: true },
            SOCK_UNIX_STREAM => PortKind::Stream { unix: true },
            _ => PortKind::Stream { unix: false },
        }
    }

    /// The `Swoole\Server\Port` object for this listener (created on first use).
    pub(super) fn object(self: &Rc<Self>, server: &Rc<Shared>, index: usize) -> Zval {
        if self.object.borrow().is_none() {
            let port = Port {
                state: Rc::downgrade(self),
                server: Rc::downgrade(server),
                index,
            };
            *self.object.borrow_mut() = port.into_zval(false).ok();
        }
        self.object
            .borrow()
            .as_ref()
            .map(|z| z.shallow_clone())
            .unwrap_or_default()
    }

    /// This port's settings: the server's with the port's own options over them.
    pub(super) fn settings(&self, server: &Settings) -> Settings {
        let mut st = server.clone();
        for (k, v) in self.options.borrow().iter() {
            // Validated by Port::set() already.
            let _ = st.apply(k, v);
        }
        if let Some(certs) = &*self.sni_certs.borrow() {
            st.tls.sni_certs = certs.clone();
        }
        st
    }

    /// This port's `package_length_func`: its own when `Port::set()` gave one, else the
    /// server's.
    pub(super) fn length_func(&self, server: Option<&Zval>) -> Option<Zval> {
        match &*self.length_func.borrow() {
            Some(own) => own.as_ref().map(|z| z.shallow_clone()),
            None => server.map(|z| z.shallow_clone()),
        }
    }
}

/// The framing `st` asks for (`length_func`: a `package_length_func` is set).
pub(super) fn framing(st: &Settings, length_func: bool) -> Result<Framing, String> {
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
        if length_func {
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

/// A listening port.
#[php_class]
#[php(name = "Swoole\\Server\\Port")]
pub struct Port {
    state: Weak<PortState>,
    server: Weak<Shared>,
    index: usize,
}

impl Port {
    fn state(&self) -> Option<Rc<PortState>> {
        self.state.upgrade()
    }

    fn before_start(&self, what: &str) -> Option<(Rc<Shared>, Rc<PortState>)> {
        let (sh, st) = (self.server.upgrade()?, self.state()?);
        if sh.state.get() != State::Created {
            warning(&format!("server is running, unable to {what}"));
            return None;
        }
        Some((sh, st))
    }
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

    /// Port-level options (framing, buffers, TCP options, heartbeat), applied over the
    /// server's `set()` options for this port only.
    pub fn set(&self, settings: &ZendHashTable) -> PhpResult<()> {
        let Some((sh, st)) = self.before_start("execute Swoole\\Server\\Port->set") else {
            return Ok(());
        };
        let mut scratch = st.settings(&sh.settings.borrow());
        let parsed = options::parse(settings, &mut scratch, "Swoole\\Server\\Port::set")?;
        st.options.borrow_mut().extend(parsed.options);
        if let Some(f) = parsed.length_func {
            *st.length_func.borrow_mut() = Some(f);
        }
        if let Some(certs) = parsed.sni_certs {
            *st.sni_certs.borrow_mut() = Some(certs);
        }
        options::merge_setting(&st.setting, settings)
    }

    /// Sets this port's callback for a connection or packet event.
    pub fn on(&self, event_name: &str, callback: &Zval) -> bool {
        let Some((sh, st)) = self.before_start("register event callback function") else {
            return false;
        };
        let Some(name) = crate::php::errors::checked_event(PORT_EVENTS, event_name, callback)
        else {
            return false;
        };
        let map = if self.index == 0 {
            &sh.callbacks
        } else {
            &st.callbacks
        };
        map.borrow_mut().insert(name, callback.shallow_clone());
        true
    }

    /// This port's own callback for an event, or null (the server's is not looked at,
    /// except for port 0, whose callbacks are the server's).
    pub fn get_callback(&self, event_name: &str) -> Zval {
        let lower = event_name.to_ascii_lowercase();
        let (Some(sh), Some(st)) = (self.server.upgrade(), self.state()) else {
            return Zval::new();
        };
        let map = if self.index == 0 {
            &sh.callbacks
        } else {
            &st.callbacks
        };
        let found = map.borrow().get(lower.as_str()).map(|z| z.shallow_clone());
        found.unwrap_or_default()
    }

    /// This port's listening socket as an ext-sockets `Socket` (see `Server::getSocket()`).
    pub fn get_socket(&self) -> Zval {
        match (self.server.upgrade(), self.state()) {
            (Some(sh), Some(s)) => {
                super::socket::export(s.sock as i32, s.port, sh.state.get() != State::Created)
            }
            _ => crate::php::convert::false_zval(),
        }
    }

    #[php(getter, name = "host")]
    pub fn prop_host(&self) -> String {
        self.state().map(|s| s.host.clone()).unwrap_or_default()
    }

    #[php(getter, name = "port")]
    pub fn prop_port(&self) -> i64 {
        self.state().map_or(0, |s| s.port)
    }

    #[php(getter, name = "type")]
    pub fn prop_type(&self) -> i64 {
        self.state().map_or(0, |s| s.sock_type)
    }

    #[php(getter, name = "sock")]
    pub fn prop_sock(&self) -> i64 {
        self.state().map_or(-1, |s| s.sock)
    }

    #[php(getter, name = "ssl")]
    pub fn prop_ssl(&self) -> bool {
        self.state().is_some_and(|s| s.ssl)
    }

    /// What `Port::set()` was given (port 0: the server's `set()` options as well).
    #[php(getter, name = "setting")]
    pub fn prop_setting(&self) -> PhpResult<Zval> {
        let (Some(sh), Some(st)) = (self.server.upgrade(), self.state()) else {
            return Ok(Zval::new());
        };
        if self.index != 0 {
            return Ok(st
                .setting
                .borrow()
                .as_ref()
                .map(|z| z.shallow_clone())
                .unwrap_or_default());
        }
        let server = sh.setting.borrow().as_ref().map(|z| z.shallow_clone());
        let own = st.setting.borrow().as_ref().map(|z| z.shallow_clone());
        match (server, own) {
            (s, None) => Ok(s.unwrap_or_default()),
            (s, Some(own)) => {
                let cell = RefCell::new(s);
                if let Some(a) = own.array() {
                    options::merge_setting(&cell, a)?;
                }
                Ok(cell.into_inner().unwrap_or_default())
            }
        }
    }

    /// Only this port's sessions.
    #[php(getter, name = "connections")]
    pub fn prop_connections(&self) -> ConnectionIterator {
        ConnectionIterator::new(self.server.upgrade(), Some(self.index))
    }
}

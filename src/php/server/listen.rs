//! Listeners from the PHP side: binding one (constructor, `listen()`/`addlistener()`), and
//! at `start()` turning every port into what the loop needs: its settings and framing, its
//! callbacks checked, its socket listening.

use std::rc::Rc;

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use socket2::Socket;

use super::port::{self, PortState, SSL_FLAG};
use super::state::{
    Shared, State, SOCK_TCP, SOCK_TCP6, SOCK_UDP, SOCK_UDP6, SOCK_UNIX_DGRAM, SOCK_UNIX_STREAM,
};
use crate::codec::Framing;
use crate::net::tls::TlsListener;
use crate::net::{listener, PortCfg, PortKind};
use crate::options::Settings;
use crate::php::errors::{self, set_last_error, warning, warning_code};
use crate::php::exception::swoole_exception;

/// Why a bind failed: Swoole's error code and the end of its message.
pub(super) struct BindError {
    pub code: i64,
    pub reason: String,
}

impl BindError {
    /// Swoole's text: `failed to listen server port[HOST:PORT], Error: REASON`.
    pub fn message(&self, host: &str, port: i64) -> String {
        format!(
            "failed to listen server port[{host}:{port}], Error: {}",
            self.reason
        )
    }
}

/// Splits `SWOOLE_SSL` off a socket type.
pub(super) fn split_ssl(sock_type: i64) -> (i64, bool) {
    (sock_type & !SSL_FLAG, sock_type & SSL_FLAG != 0)
}

/// Binds a socket of `sock_type` (without the SSL flag); port 0 picks a free port. Returns
/// the socket and the port it got. `Ok(None)`: not a socket type Swoole servers take.
pub(super) fn bind(
    host: &str,
    port: i64,
    sock_type: i64,
) -> Result<Option<(Socket, i64)>, BindError> {
    let unix = matches!(sock_type, SOCK_UNIX_STREAM | SOCK_UNIX_DGRAM);
    if !unix && !(0..=65535).contains(&port) {
        return Err(BindError {
            code: errors::SERVER_INVALID_LISTEN_PORT,
            reason: format!("invalid port [{port}]"),
        });
    }
    let r = match sock_type {
        SOCK_TCP | SOCK_TCP6 => listener::bind_tcp(host, port, sock_type == SOCK_TCP6),
        SOCK_UDP | SOCK_UDP6 => listener::bind_udp(host, port, sock_type == SOCK_UDP6),
        SOCK_UNIX_STREAM => listener::bind_unix(host),
        SOCK_UNIX_DGRAM => listener::bind_unix_dgram(host),
        _ => return Ok(None),
    };
    r.map(Some).map_err(|e| {
        let code = e.raw_os_error().unwrap_or(0) as i64;
        BindError {
            code,
            reason: format!("{}[{code}]", errors::strerror(code)),
        }
    })
}

/// `listen()` / `addlistener()`: a new port before `start()`, or false.
pub(super) fn add_listener(sh: &Rc<Shared>, host: &str, port: i64, sock_type: i64) -> Zval {
    let no = || {
        let mut z = Zval::new();
        z.set_bool(false);
        z
    };
    if sh.state.get() != State::Created {
        warning_code(
            errors::PHP_FATAL_ERROR,
            "server is running, cannot add listener",
        );
        return no();
    }
    let (plain, ssl) = split_ssl(sock_type);
    match bind(host, port, plain) {
        Ok(Some((socket, bound))) => {
            let state = Rc::new(PortState::new(host.to_string(), bound, plain, ssl, socket));
            let index = {
                let mut ports = sh.ports.borrow_mut();
                ports.push(state.clone());
                ports.len() - 1
            };
            state.object(sh, index)
        }
        Ok(None) => {
            warning_code(
                errors::INVALID_PARAMS,
                &format!("invalid $sock_type parameters {sock_type}"),
            );
            no()
        }
        Err(e) => {
            // Swoole only sets the last error here; a silent false is the most common way
            // a second port "does not work", so say why (see README "Where we differ").
            warning_code(e.code, &e.message(host, port));
            set_last_error(e.code);
            no()
        }
    }
}

/// One listener as `start()` hands it to every worker's loop.
pub(super) struct PortPlan {
    pub sock_type: i64,
    pub kind: PortKind,
    pub host: String,
    pub port: u16,
    pub settings: Settings,
    pub framing: Framing,
    pub length_func: Option<Zval>,
    /// A `SWOOLE_SSL` port's TLS, built by [`build_tls`].
    pub tls: Option<Rc<TlsListener>>,
}

impl PortPlan {
    /// The reactor's view of this port, serving the already bound `socket`. Without TLS
    /// for the PROCESS master's PHP-thread reactor, which holds no session.
    pub fn cfg(&self, socket: &Socket, with_tls: bool) -> PortCfg {
        let cfg = PortCfg::new(
            self.sock_type,
            self.kind,
            self.settings.clone(),
            self.framing.clone(),
            std::os::fd::AsRawFd::as_raw_fd(socket),
            self.port,
        );
        if with_tls {
            cfg.with_tls(self.tls.clone())
        } else {
            cfg
        }
    }
}

/// Every port's settings and framing, with Swoole's start-time checks: a stream port needs
/// an onReceive and a datagram port an onPacket (its own or the server's). `Err` carries
/// the fatal error's text, or a `ValueError` for a bad framing option.
pub(super) fn plan(sh: &Shared) -> Result<Vec<PortPlan>, PlanError> {
    let server = sh.settings.borrow().clone();
    let server_len = sh.length_func.borrow().as_ref().map(|z| z.shallow_clone());
    let ports = sh.ports.borrow().clone();
    let mut plans = Vec::with_capacity(ports.len());
    for (i, p) in ports.iter().enumerate() {
        let settings = p.settings(&server);
        let kind = p.kind();
        let needed = if kind.is_dgram() { "packet" } else { "receive" };
        if sh.port_callback(i, needed).is_none() {
            let title = if kind.is_dgram() {
                "onPacket"
            } else {
                "onReceive"
            };
            return Err(PlanError::Fatal(format!("require {title} callback")));
        }
        if p.ssl && !matches!(p.sock_type, SOCK_TCP | SOCK_TCP6) {
            return Err(PlanError::Exception(format!(
                "SWOOLE_SSL is supported on SWOOLE_SOCK_TCP and SWOOLE_SOCK_TCP6 listeners only by swoole-rs (the port {}:{} has socket type {}: no DTLS, no TLS over unix sockets)",
                p.host, p.port, p.sock_type
            )));
        }
        let length_func = p.length_func(server_len.as_ref());
        let framing = port::framing(&settings, length_func.is_some()).map_err(PlanError::Value)?;
        plans.push(PortPlan {
            sock_type: p.sock_type,
            kind,
            host: p.host.clone(),
            port: p.port as u16,
            settings,
            framing,
            length_func,
            tls: None,
        });
    }
    Ok(plans)
}

/// Builds the TLS of every `SWOOLE_SSL` port from that port's own settings (a bad
/// certificate is an exception here, before anything forks).
pub(super) fn build_tls(sh: &Shared, plans: &mut [PortPlan]) -> PhpResult<()> {
    let ports = sh.ports.borrow().clone();
    let mut built = Vec::new();
    for (p, plan) in ports.iter().zip(plans.iter_mut()) {
        if p.ssl {
            let tls = super::tls::listener(&plan.settings.tls)?;
            built.push(tls.clone());
            plan.tls = Some(tls);
        } else if p
            .options
            .borrow()
            .iter()
            .any(|(k, _)| k.starts_with("ssl_"))
            || p.sni_certs.borrow().is_some()
        {
            // Options a port was given itself (not inherited from the server's set()) that
            // would do nothing: the port serves plain text, say so.
            warning(&format!(
                "the port {}:{} was given ssl_* options but was not created with SWOOLE_SSL (e.g. SWOOLE_SOCK_TCP | SWOOLE_SSL): it serves plain TCP",
                p.host, p.port
            ));
        }
    }
    // The server's own set() (a port's own options warned above).
    if built.is_empty() && sh.settings.borrow().tls.cert_file.is_some() {
        warning("ssl_cert_file is set but no port was created with SWOOLE_SSL (e.g. SWOOLE_SOCK_TCP | SWOOLE_SSL): it serves plain TCP");
    }
    *sh.tls.borrow_mut() = built;
    Ok(())
}

pub(super) enum PlanError {
    Fatal(String),
    Value(String),
    Exception(String),
}

/// Takes every port's bound socket and starts listening on the stream ones (in the process
/// that will fork the workers), each with its own TCP options and backlog.
pub(super) fn take_sockets(sh: &Shared, plans: &[PortPlan]) -> PhpResult<Vec<Socket>> {
    let ports = sh.ports.borrow().clone();
    let mut sockets = Vec::with_capacity(ports.len());
    for (p, plan) in ports.iter().zip(plans) {
        let socket = p
            .socket
            .borrow_mut()
            .take()
            .ok_or("the listening socket is gone")?;
        if plan.kind.is_dgram() {
            // As Swoole: `socket_buffer_size` sizes a datagram socket's kernel buffers (capped
            // by net.core.rmem_max/wmem_max), so a burst waits in the kernel instead of being
            // dropped while a callback runs.
            let size = plan.settings.socket_buffer_size.min(i32::MAX as usize);
            let _ = socket.set_recv_buffer_size(size);
            let _ = socket.set_send_buffer_size(size);
        }
        if let PortKind::Stream { unix } = plan.kind {
            crate::net::sockopt::apply_listen_options(
                std::os::fd::AsRawFd::as_raw_fd(&socket),
                &plan.settings,
                !unix,
            )
            .map_err(|e| swoole_exception(e, errors::INVALID_PARAMS))?;
            listener::listen(&socket, plan.settings.backlog).map_err(|e| {
                let code = e.raw_os_error().unwrap_or(0) as i64;
                set_last_error(code);
                let err = BindError {
                    code,
                    reason: format!("{}[{code}]", errors::strerror(code)),
                };
                swoole_exception(err.message(&p.host, p.port), code)
            })?;
        }
        sockets.push(socket);
    }
    Ok(sockets)
}

/// Removes the socket files of unix listeners when the server stops.
pub(super) fn remove_unix_files(plans: &[PortPlan]) {
    for p in plans {
        if matches!(
            p.kind,
            PortKind::Stream { unix: true } | PortKind::Dgram { unix: true }
        ) {
            let _ = std::fs::remove_file(&p.host);
        }
    }
}

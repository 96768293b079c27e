//! What the server reports about itself and its connections: `getClientInfo()` (local or
//! another worker's session, with Swoole's keys in Swoole's order), `getClientList()` and
//! `stats()`.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use super::state::Shared;
use crate::net::proxy::Proxied;
use crate::net::{code, Reactor};
use crate::php::convert::false_zval;
use crate::php::errors::{set_last_error, warning};
use crate::process::{self, metrics, SharedStats};

/// What `getClientInfo()` reports, whichever worker owns the session.
struct ClientInfo {
    /// SWOOLE_PROCESS: `bind()`'s uid, shown as Swoole does (always with `dispatch_mode` 5,
    /// else once bound).
    uid: Option<u32>,
    /// Index of the listener that accepted it.
    listener: usize,
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
    /// Extra keys of ours, after Swoole's.
    protected: bool,
    close_reason: Option<&'static str>,
    /// Accepted through a PROXY header (published in the shared table, so known to every
    /// worker; a unix socket path there reads as empty).
    proxied: Option<Proxied>,
    /// The verified TLS client certificate (PEM), only in the owning worker, as Swoole.
    ssl_client_cert: Option<String>,
}

impl ClientInfo {
    /// Swoole's keys, in Swoole's order.
    fn into_zval(self, r: &Reactor) -> PhpResult<Zval> {
        let mut a = ZendHashTable::new();
        let port = r.ports.get(self.listener).unwrap_or(&r.ports[0]);
        if let Some(uid) = self.uid {
            a.insert("uid", uid as i64)?;
        }
        a.insert("server_port", port.server_port as i64)?;
        a.insert("server_fd", port.server_fd as i64)?;
        a.insert("socket_fd", self.socket_fd)?;
        a.insert("socket_type", port.sock_type)?;
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
        if let Some(pem) = &self.ssl_client_cert {
            a.insert("ssl_client_cert", pem.as_str())?;
        }
        if self.protected {
            a.insert("protected", true)?;
        }
        if let Some(reason) = self.close_reason {
            a.insert("close_reason", reason)?;
        }
        if let Some(p) = self.proxied {
            a.insert("proxy_protocol", p.version as i64)?;
            a.insert("proxy_ip", p.proxy_ip.as_str())?;
            a.insert("proxy_port", p.proxy_port as i64)?;
            if let Some((ip, port)) = p.dst {
                a.insert("proxy_dst_ip", ip.as_str())?;
                a.insert("proxy_dst_port", port as i64)?;
            }
        }
        let mut z = Zval::new();
        z.set_hashtable(a);
        Ok(z)
    }
}

/// A session owned by another worker, from what its owner published in the shared session
/// table (the receive queue is the owner's business and reads as 0; the send queue is the
/// master's count in PROCESS mode, 0 in BASE).
fn remote_client_info(sh: &Shared, fd: i64) -> Option<ClientInfo> {
    if fd <= 0 || (sh.remote_owner(fd).is_none() && !super::process_mode::in_on_close(fd)) {
        return None;
    }
    let owners = sh.owners.get()?;
    let info = owners.info(fd as u64)?;
    Some(ClientInfo {
        uid: super::process_mode::shown_uid(owners.uid(fd as u64)),
        listener: info.listener as usize,
        socket_fd: info.socket_fd as i64,
        remote_port: info.remote_port as i64,
        remote_ip: info.remote_ip,
        reactor_id: info.worker_id as i64,
        connect_time: info.connect_time,
        last_recv_time: info.last_recv_time,
        last_send_time: info.last_send_time,
        last_dispatch_time: info.last_recv_time,
        recv_queued_bytes: 0,
        // PROCESS mode: what the master holds for it (published as it changes).
        send_queued_bytes: info.output as i64,
        protected: owners.is_protected(fd as u64),
        close_reason: None,
        proxied: info.proxied,
        // PROCESS mode: the master sent it with the Connect to the worker that ran onConnect.
        ssl_client_cert: super::process_mode::client_cert(fd),
    })
}

pub(super) fn client_info(sh: &Shared, fd: i64) -> PhpResult<Zval> {
    let Some(r) = sh.require_running() else {
        return Ok(false_zval());
    };
    let local = (fd > 0)
        .then(|| r.get(fd as u64))
        .flatten()
        .map(|c| ClientInfo {
            uid: None,
            listener: c.port,
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
            protected: c.protected.get(),
            close_reason: c.close_reason().map(|r| r.as_str()),
            proxied: c.proxied.as_deref().cloned(),
            ssl_client_cert: c.ssl_client_cert.clone(),
        });
    match local.or_else(|| remote_client_info(sh, fd)) {
        Some(info) => info.into_zval(&r),
        None => {
            set_last_error(code::SESSION_NOT_EXIST);
            Ok(false_zval())
        }
    }
}

/// `getClientList()`: up to `find_count` open sessions after `start_fd`, server-wide. False,
/// as in Swoole, when `start_fd` is not an open session, when nothing follows it, and when
/// more than 100 are asked for.
pub(super) fn client_list(sh: &Shared, start_fd: i64, find_count: i64) -> Zval {
    let Some(r) = sh.require_running() else {
        return false_zval();
    };
    if find_count > 100 {
        warning("swoole connection list max_find_count=100");
        return false_zval();
    }
    let ids = sh.open_sessions(&r);
    let start = start_fd.max(0) as u64;
    if start > 0 && ids.binary_search(&start).is_err() {
        return false_zval();
    }
    let found: Vec<u64> = ids
        .into_iter()
        .filter(|id| *id > start)
        .take(find_count.max(0) as usize)
        .collect();
    if found.is_empty() {
        return false_zval();
    }
    let mut a = ZendHashTable::new();
    for id in found {
        let _ = a.push(id as i64);
    }
    let mut z = Zval::new();
    z.set_hashtable(a);
    z
}

/// `stats()`: Swoole's keys, server-wide counters from the shared page, this worker's own.
pub(super) fn stats(sh: &Shared) -> PhpResult<Zval> {
    let Some(r) = sh.require_running() else {
        return Ok(false_zval());
    };
    let s = r.stats.shared();
    let g = |c: &std::sync::atomic::AtomicU64| SharedStats::get(c) as i64;
    let sessions = r.sessions.borrow();
    let mut a = ZendHashTable::new();
    let conns = s.connection_num() as i64;
    let n = sh.worker_num.get();
    // Busy states of other event workers are not tracked; the caller is busy (it is inside
    // a callback), as Swoole counts it.
    let caller_busy = !sh.is_task_worker_id(sh.worker_id.get()) as i64;
    let entries: [(&str, i64); 25] = [
        ("start_time", g(&s.start_time)),
        ("connection_num", conns),
        ("abort_count", g(&s.abort_count)),
        ("accept_count", g(&s.accept_count)),
        ("close_count", g(&s.close_count)),
        ("worker_num", n),
        ("task_worker_num", sh.task_worker_num.get()),
        ("user_worker_num", sh.user_processes.borrow().len() as i64),
        ("idle_worker_num", (n - caller_busy).max(0)),
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
    // Ours: the backend serving this worker's connections (`reactor_type`).
    a.insert("reactor_type", crate::net::uring::chosen().as_str())?;
    if sh.ports.borrow().iter().any(|p| p.ssl) {
        // Ours: TLS handshakes that failed or timed out (those connections never became
        // sessions: no onConnect, no onClose).
        a.insert("ssl_handshake_fail_count", g(&s.ssl_handshake_fail_count))?;
    }
    if let Some(full) = super::process_mode::dispatch_queue_full() {
        a.insert("dispatch_queue_full", full as i64)?;
    }
    // Tasks sent and not yet done, and of those the ones still queued (not running).
    let first = n.max(0) as usize;
    let task_slots = first..first + sh.task_worker_num.get().max(0) as usize;
    let load = |i: usize| {
        s.tasking[i % crate::process::MAX_SLOTS].load(std::sync::atomic::Ordering::Relaxed)
    };
    let running = |i: usize| {
        u64::from(
            s.in_flight[i % crate::process::MAX_SLOTS].load(std::sync::atomic::Ordering::Relaxed)
                != 0,
        )
    };
    let tasking: u64 = task_slots.clone().map(load).sum();
    let queued: u64 = task_slots
        .clone()
        .map(|i| load(i).saturating_sub(running(i)))
        .sum();
    a.insert("tasking_num", tasking as i64)?;
    a.insert("task_queue_num", queued as i64)?;
    let idle_tasks = task_slots.filter(|&i| load(i) == 0).count() as i64;
    a.insert("task_idle_worker_num", idle_tasks)?;
    if r.ports.iter().any(|p| p.settings.open_proxy_protocol) {
        // Ours (when any port reads PROXY headers): connections closed before onConnect for a bad, missing or late PROXY header.
        a.insert("proxy_protocol_errors", g(&s.proxy_protocol_errors))?;
    }
    let mut z = Zval::new();
    z.set_hashtable(a);
    Ok(z)
}

/// `getMetrics()`: `stats()` as OpenMetrics text (see `process::metrics`).
pub(super) fn metrics(sh: &Shared) -> Option<String> {
    let r = sh.require_running()?;
    let single = sh.manager_pid.get() <= 0;
    let workers = if single {
        1
    } else {
        // Task workers publish their health too (they follow the event workers).
        (sh.worker_num.get() + sh.task_worker_num.get()).max(1) as usize
    };
    let snap = metrics::Snapshot::read(
        r.stats.shared(),
        workers,
        single.then(|| process::getpid() as i32),
    );
    Some(metrics::render(&snap))
}

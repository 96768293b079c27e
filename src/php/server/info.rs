//! What the server reports about itself and its connections: `getClientInfo()` (local or
//! another worker's session, with Swoole's keys in Swoole's order), `getClientList()` and
//! `stats()`.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use super::state::Shared;
use crate::net::{code, Reactor};
use crate::php::convert::false_zval;
use crate::php::errors::{set_last_error, warning};
use crate::process::SharedStats;

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
    /// Extra keys of ours, after Swoole's.
    protected: bool,
    close_reason: Option<&'static str>,
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
        if self.protected {
            a.insert("protected", true)?;
        }
        if let Some(reason) = self.close_reason {
            a.insert("close_reason", reason)?;
        }
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
        protected: false,
        close_reason: None,
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
        });
    match local.or_else(|| remote_client_info(sh, fd)) {
        Some(info) => info.into_zval(sh, &r),
        None => {
            set_last_error(code::SESSION_NOT_EXIST);
            Ok(false_zval())
        }
    }
}

pub(super) fn client_list(sh: &Shared, start_fd: i64, find_count: i64) -> Zval {
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

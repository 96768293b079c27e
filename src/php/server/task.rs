//! Tasks and pipe messages, the PHP side: `task()`, `taskwait()`, `taskWaitMulti()`,
//! `finish()`, `sendMessage()`, and what a worker does with the messages that reach it
//! (onTask, onFinish or the per-call callback, onPipeMessage). Transport, chunking and the
//! no-deadlock sending are `process::channel`; choosing a task worker and the in-flight
//! record the manager reads are `process::shm`.
//!
//! No task lost on the graceful paths: a task sits in its task worker's channel (owned by
//! the manager, so it outlives a restarted task worker) until a task worker takes it whole;
//! a task worker stopping for a reload or `task_max_request` finishes the task it runs, and
//! what it already took out of the channel (the rest of a chunked task, frames it set aside
//! while a result waited for room), and leaves the queue to its replacement; one stopping for
//! shutdown runs its whole queue; if shutdown begins while a task worker is stopping for a
//! reload, the manager forks one last task worker for that queue; and
//! a sender that stops (reload, `max_request`, shutdown) first waits, up to `max_wait_time`,
//! for the results of the tasks it sent, so they reach the process that asked.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ZendCallable, ZendHashTable, Zval};

use super::state::Shared;
use crate::php::callback::{self, Outcome};
use crate::php::convert::{bytes_zval, false_zval, long};
use crate::php::errors::{warning, warning_code};
use crate::php::task::Task;
use crate::process::channel::{
    next_msg_id, Header, Kind, FLAG_NOREPLY, FLAG_SERIALIZED, FLAG_WAIT,
};
use crate::process::shm::{in_flight, pick_task_worker};
use crate::process::MAX_SLOTS;

/// How long a send may wait for a full channel before it fails.
const SEND_LIMIT: Duration = Duration::from_secs(10);

/// This process's tasks.
#[derive(Default)]
pub struct TaskState {
    next_id: u64,
    /// Tasks sent and waiting for their result: the per-call finish callback, if any.
    outstanding: HashMap<u64, Option<Zval>>,
    /// taskwait()/taskWaitMulti() tasks given up on: a late result is dropped with a warning.
    expired: HashSet<u64>,
    turn: usize,
    /// In a task worker: tasks run so far (for `task_max_request`).
    pub(super) handled: u64,
    pub(super) max_request: u64,
}

impl TaskState {
    pub(super) fn outstanding(&self) -> usize {
        self.outstanding.len()
    }
}

/// `serialize()` for non-strings: the bytes and the flag that says so.
pub fn encode_value(v: &Zval) -> Option<(Vec<u8>, u8)> {
    if let Some(s) = v.zend_str() {
        return Some((s.as_bytes().to_vec(), 0));
    }
    let f = ZendCallable::try_from_name("serialize").ok()?;
    let out = f.try_call(vec![v]).ok()?;
    out.zend_str()
        .map(|s| (s.as_bytes().to_vec(), FLAG_SERIALIZED))
}

pub fn unserialize(b: &[u8]) -> Option<Zval> {
    let f = ZendCallable::try_from_name("unserialize").ok()?;
    let arg = bytes_zval(b);
    f.try_call(vec![&arg]).ok()
}

fn decode_value(flags: u8, payload: &[u8]) -> Zval {
    if flags & FLAG_SERIALIZED != 0 {
        unserialize(payload).unwrap_or_else(false_zval)
    } else {
        bytes_zval(payload)
    }
}

impl Shared {
    pub(super) fn is_task_worker(&self) -> bool {
        let id = self.worker_id.get();
        id >= self.worker_num.get() && self.task_worker_num.get() > 0
    }

    fn total_workers(&self) -> i64 {
        self.worker_num.get() + self.task_worker_num.get()
    }
}

/// The task a task worker runs now.
#[derive(Clone, Copy, PartialEq)]
pub struct Running {
    src: u16,
    id: u64,
    flags: u8,
    /// Its result was sent: a task has one result (Swoole sends one per `finish()` call
    /// and another for the return value).
    finished: bool,
}

/// Sends a task; Some(task id) once it is in the task worker's channel.
fn dispatch(sh: &Shared, data: &Zval, dst: i64, extra: u8) -> Option<u64> {
    let reactor = sh.require_running()?;
    let tw = sh.task_worker_num.get();
    if tw <= 0 {
        warning("task method can't be executed without task worker");
        return None;
    }
    if sh.is_task_worker() {
        warning("Server->task() cannot use in the task-worker");
        return None;
    }
    if dst >= tw || dst < -1 {
        warning(&format!(
            "worker_id must be less than task_worker_num[{tw}]"
        ));
        return None;
    }
    let Some((payload, flags)) = encode_value(data) else {
        warning("the task data cannot be serialized");
        return None;
    };
    let page = reactor.stats.shared();
    let first = sh.worker_num.get() as usize;
    let slot = if dst >= 0 {
        first + dst as usize
    } else {
        let mut st = sh.tasks.borrow_mut();
        st.turn = st.turn.wrapping_add(1);
        pick_task_worker(&page.tasking, first, tw as usize, st.turn)
    };
    let ch = sh.peers.borrow().get(slot).copied()?;
    let id = {
        let mut st = sh.tasks.borrow_mut();
        let id = st.next_id;
        st.next_id += 1;
        id
    };
    let header = Header {
        kind: Kind::Task,
        flags: flags | extra,
        src: sh.worker_id.get().max(0) as u16,
        msg_id: next_msg_id(),
        target: id,
    };
    page.tasking[slot % MAX_SLOTS].fetch_add(1, Ordering::Relaxed);
    if let Err(e) = reactor.send_message(&ch, header, &payload, true, SEND_LIMIT) {
        page.tasking[slot % MAX_SLOTS].fetch_sub(1, Ordering::Relaxed);
        warning(&format!(
            "failed to send the task to task worker #{slot}: {e}"
        ));
        return None;
    }
    Some(id)
}

/// `task()`.
pub(super) fn task(sh: &Shared, data: &Zval, dst: i64, finish: Option<&Zval>) -> Zval {
    if let Some(cb) = finish {
        if !cb.is_null() && !cb.is_callable() {
            warning_code(
                crate::php::errors::INVALID_PARAMS,
                "finish callback is not callable",
            );
            return false_zval();
        }
    }
    let Some(id) = dispatch(sh, data, dst, 0) else {
        return false_zval();
    };
    let cb = finish.filter(|c| !c.is_null()).map(|c| c.shallow_clone());
    sh.tasks.borrow_mut().outstanding.insert(id, cb);
    long(id as i64)
}

fn wait_for(sh: &Shared, ids: &HashSet<u64>, deadline: Instant) -> Option<(Header, Vec<u8>)> {
    let reactor = sh.reactor()?;
    reactor.wait_message(deadline, &|h: &Header| {
        matches!(h.kind, Kind::Finish | Kind::Lost) && ids.contains(&h.target)
    })
}

fn deadline(timeout: f64) -> Instant {
    let t = if timeout.is_finite() && timeout > 0.0 {
        timeout.min(86400.0)
    } else {
        0.0
    };
    Instant::now() + Duration::from_secs_f64(t)
}

/// `taskwait()`: blocks this worker until the result arrives or `timeout` passes.
pub(super) fn taskwait(sh: &Shared, data: &Zval, timeout: f64, dst: i64) -> Zval {
    let Some(id) = dispatch(sh, data, dst, FLAG_WAIT) else {
        return false_zval();
    };
    let ids = HashSet::from([id]);
    match wait_for(sh, &ids, deadline(timeout)) {
        Some((h, _)) if h.kind == Kind::Finish && h.flags & FLAG_NOREPLY != 0 => false_zval(),
        Some((h, payload)) if h.kind == Kind::Finish => decode_value(h.flags, &payload),
        Some((h, _)) => {
            lost_warning(h.target, h.src);
            false_zval()
        }
        None => {
            sh.tasks.borrow_mut().expired.insert(id);
            false_zval()
        }
    }
}

/// `taskWaitMulti()`: the results keyed like `tasks`; timed-out ones are missing.
pub(super) fn task_wait_multi(sh: &Shared, tasks: &ZendHashTable, timeout: f64) -> Zval {
    if tasks.len() > 1024 {
        warning("too many tasks");
        return false_zval();
    }
    let limit = deadline(timeout);
    let mut keys: HashMap<u64, Zval> = HashMap::new();
    let mut order = Vec::new();
    for (key, value) in tasks.iter() {
        let Some(id) = dispatch(sh, value, -1, FLAG_WAIT) else {
            continue;
        };
        let k: Zval = match key {
            ext_php_rs::types::ArrayKey::Long(i) => long(i),
            other => bytes_zval(other.to_string().as_bytes()),
        };
        keys.insert(id, k);
        order.push(id);
    }
    let mut waiting: HashSet<u64> = order.iter().copied().collect();
    let mut results: HashMap<u64, Zval> = HashMap::new();
    while !waiting.is_empty() {
        let Some((h, payload)) = wait_for(sh, &waiting, limit) else {
            break;
        };
        waiting.remove(&h.target);
        if h.kind == Kind::Finish && h.flags & FLAG_NOREPLY != 0 {
            // No result: missing from the answer, like a timed-out one.
        } else if h.kind == Kind::Finish {
            results.insert(h.target, decode_value(h.flags, &payload));
        } else {
            lost_warning(h.target, h.src);
        }
    }
    sh.tasks.borrow_mut().expired.extend(waiting);
    let mut out = ZendHashTable::new();
    for id in order {
        if let (Some(v), Some(k)) = (results.remove(&id), keys.get(&id)) {
            let _ = match k.long() {
                Some(i) => out.insert_at_index(i, v),
                None => out.insert(k.str().unwrap_or_default(), v),
            };
        }
    }
    let mut z = Zval::new();
    z.set_hashtable(out);
    z
}

fn lost_warning(id: u64, task_worker: u16) {
    warning(&format!(
        "task[{id}] was lost: task worker #{task_worker} was killed while running it"
    ));
}

/// `finish()` (and `Swoole\Server\Task::finish()`): the result of task `id` from `src`.
pub fn finish_task(sh: &Shared, src: u16, id: u64, task_flags: i64, data: &Zval) -> bool {
    let Some(reactor) = sh.require_running() else {
        return false;
    };
    if !sh.is_task_worker() {
        warning("Server->finish() can only be used in the task-worker");
        return false;
    }
    if task_flags as u8 & FLAG_NOREPLY != 0 {
        return true;
    }
    if let Some(mut cur) = sh.current_task.get() {
        if cur.src == src && cur.id == id {
            if cur.finished {
                warning(&format!(
                    "task[{id}] has already been finished; a task has one result"
                ));
                return false;
            }
            cur.finished = true;
            sh.current_task.set(Some(cur));
        }
    }
    let Some((payload, flags)) = encode_value(data) else {
        warning("the task result cannot be serialized");
        return false;
    };
    let Some(ch) = sh.peers.borrow().get(src as usize).copied() else {
        return false;
    };
    let header = Header {
        kind: Kind::Finish,
        flags: flags | (task_flags as u8 & FLAG_WAIT),
        src: sh.worker_id.get().max(0) as u16,
        msg_id: next_msg_id(),
        target: id,
    };
    // A task worker never stashes: what is queued for it stays in its channel, where its
    // replacement finds it if it stops (the sender side stashes, so the two never block
    // each other).
    match reactor.send_message(&ch, header, &payload, false, SEND_LIMIT) {
        Ok(()) => true,
        Err(e) => {
            warning(&format!(
                "failed to send the result of task[{id}] to worker #{src}: {e}"
            ));
            false
        }
    }
}

/// A task that ended without a result: the sender stops waiting for one (nothing reaches
/// onFinish, as in Swoole, but a stopping sender does not wait for it).
fn no_result(sh: &Shared, reactor: &crate::net::Reactor, h: Header) {
    let Some(ch) = sh.peers.borrow().get(h.src as usize).copied() else {
        return;
    };
    let header = Header {
        kind: Kind::Finish,
        flags: FLAG_NOREPLY | (h.flags & FLAG_WAIT),
        src: sh.worker_id.get().max(0) as u16,
        msg_id: next_msg_id(),
        target: h.target,
    };
    let _ = reactor.send_message(&ch, header, &[], false, SEND_LIMIT);
}

/// `$server->finish()`: for the task this task worker runs now.
pub(super) fn finish(sh: &Shared, data: &Zval) -> bool {
    if sh.settings.borrow().task.enable_coroutine {
        warning("Server->finish() cannot be used with task_enable_coroutine; use Swoole\\Server\\Task->finish()");
        return false;
    }
    let Some(cur) = sh.current_task.get() else {
        warning("Server->finish() can only be used in the task-worker, inside onTask");
        return false;
    };
    finish_task(sh, cur.src, cur.id, cur.flags as i64, data)
}

/// `sendMessage()`.
pub(super) fn send_message(sh: &Shared, message: &Zval, dst: i64) -> bool {
    let Some(reactor) = sh.require_running() else {
        return false;
    };
    if sh.callback("pipemessage").is_none() {
        warning("onPipeMessage is null, can't use sendMessage");
        return false;
    }
    if dst == sh.worker_id.get() {
        warning("can't send messages to self");
        return false;
    }
    if dst < 0 || dst >= sh.total_workers() {
        warning(&format!("worker_id[{dst}] is invalid"));
        return false;
    }
    let Some((payload, flags)) = encode_value(message) else {
        warning("the message cannot be serialized");
        return false;
    };
    let Some(ch) = sh.peers.borrow().get(dst as usize).copied() else {
        return false;
    };
    let header = Header {
        kind: Kind::Pipe,
        flags,
        src: sh.worker_id.get().max(0) as u16,
        msg_id: next_msg_id(),
        target: 0,
    };
    let drain = !sh.is_task_worker();
    match reactor.send_message(&ch, header, &payload, drain, SEND_LIMIT) {
        Ok(()) => true,
        Err(e) => {
            warning(&format!("failed to send the message to worker #{dst}: {e}"));
            false
        }
    }
}

/// A whole message from this worker's channel.
pub(super) fn on_message(sh: &Rc<Shared>, server: &Zval, h: Header, payload: &[u8]) {
    match h.kind {
        Kind::Task => run_task(sh, server, h, payload),
        Kind::Finish => {
            let id = h.target;
            if h.flags & FLAG_NOREPLY != 0 {
                let mut st = sh.tasks.borrow_mut();
                st.outstanding.remove(&id);
                st.expired.remove(&id);
                return;
            }
            if sh.tasks.borrow_mut().expired.remove(&id) {
                warning(&format!("task[{id}] has expired"));
                return;
            }
            let Some(cb) = sh.tasks.borrow_mut().outstanding.remove(&id) else {
                if h.flags & FLAG_WAIT == 0 {
                    warning(&format!(
                        "task[{id}] result from task worker #{} is for an earlier process of this worker; dropped",
                        h.src
                    ));
                }
                return;
            };
            let data = decode_value(h.flags, payload);
            let tid = id as i64;
            let cb = match cb.or_else(|| sh.callback("finish")) {
                Some(cb) => cb,
                None => {
                    warning("require 'onFinish' callback");
                    return;
                }
            };
            callback::call(&cb, vec![server, &tid, &data], &|| {
                format!("onFinish (task {id})")
            });
        }
        Kind::Pipe => {
            let Some(cb) = sh.callback("pipemessage") else {
                return;
            };
            let data = decode_value(h.flags, payload);
            let src = h.src as i64;
            callback::call(&cb, vec![server, &src, &data], &|| {
                format!("onPipeMessage (from worker #{})", h.src)
            });
        }
        Kind::Lost => {
            // Its result may have gone out just before the task worker died: only a task
            // still waited for is reported.
            let waited = sh
                .tasks
                .borrow_mut()
                .outstanding
                .remove(&h.target)
                .is_some();
            if waited {
                lost_warning(h.target, h.src);
            }
        }
        Kind::Send
        | Kind::Close
        | Kind::Pause
        | Kind::Protect
        | Kind::Connect
        | Kind::Receive
        | Kind::Closed
        | Kind::Packet
        | Kind::Bind
        | Kind::BufferFull
        | Kind::BufferEmpty
        | Kind::Sendfile => {}
    }
}

/// onTask for one task, then its result (a non-null return value), the in-flight record
/// and the counters; and `task_max_request`.
fn run_task(sh: &Rc<Shared>, server: &Zval, h: Header, payload: &[u8]) {
    let Some(reactor) = sh.reactor() else {
        return;
    };
    let slot = sh.worker_id.get().max(0) as usize % MAX_SLOTS;
    let page = reactor.stats.shared();
    page.in_flight[slot].store(in_flight(h.src, h.target), Ordering::Relaxed);
    let data = decode_value(h.flags, payload);
    let prev = sh.current_task.replace(Some(Running {
        src: h.src,
        id: h.target,
        flags: h.flags,
        finished: false,
    }));
    let returned = if let Some(cb) = sh.callback("task") {
        let what = || format!("onTask (task {} from worker #{})", h.target, h.src);
        let outcome = if sh.settings.borrow().task.object {
            let t = Task {
                data,
                id: h.target as i64,
                worker_id: h.src as i64,
                flags: h.flags as i64,
                dispatch_time: crate::net::now(),
                server: Some(sh.clone()),
            };
            match t.into_zval(false) {
                Ok(obj) => callback::call(&cb, vec![server, &obj], &what),
                Err(_) => Outcome::Threw,
            }
        } else {
            let (tid, src) = (h.target as i64, h.src as i64);
            callback::call(&cb, vec![server, &tid, &src, &data], &what)
        };
        match outcome {
            Outcome::Returned(v) if !v.is_null() => Some(v),
            _ => None,
        }
    } else {
        None
    };
    let finished = sh.current_task.get().is_some_and(|c| c.finished);
    match (returned, finished) {
        (Some(v), false) => {
            finish_task(sh, h.src, h.target, h.flags as i64, &v);
        }
        (None, false) if h.flags & FLAG_NOREPLY == 0 => no_result(sh, &reactor, h),
        _ => {}
    }
    sh.current_task.set(prev);
    page.in_flight[slot].store(0, Ordering::Relaxed);
    let _ = page.tasking[slot].fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
        Some(n.saturating_sub(1))
    });
    let recycle = {
        let mut st = sh.tasks.borrow_mut();
        st.handled += 1;
        st.max_request > 0 && st.handled >= st.max_request
    };
    if recycle && !reactor.stopping.get() {
        page.recycled[slot].store(true, Ordering::Relaxed);
        reactor.stopping.set(true);
        reactor.inbox_hold.set(true);
        if let Some(ctl) = callback::current() {
            ctl.request_stop();
        }
    }
}

//! `Swoole\Process`: what server users call. A process runs a callback in a forked child,
//! with a socket pair between parent and child (`write()`/`read()` on both sides). Started by
//! hand with `start()` (outside a running server: forking a process that runs an event loop
//! is not safe), or handed to `$server->addProcess()`, where the manager starts it before the
//! workers, restarts it with the workers' back-off when it dies and stops it at shutdown; in
//! that case it runs an event loop, so timers work inside it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::rc::Rc;

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendClassObject, Zval};
use ext_php_rs::zend::ce;

use super::callback;
use super::convert::{bytes_zval, false_zval, zval_bytes};
use super::errors::warning;
use crate::process::signals::LoopSignals;

thread_local! {
    /// The running event loop's signals (set by the loop while it runs), where
    /// `Process::signal()` adds the signals it handles.
    static LOOP_SIGNALS: RefCell<Option<Rc<LoopSignals>>> = const { RefCell::new(None) };
    /// `Process::signal()` handlers by signal number.
    static SIGNAL_HANDLERS: RefCell<HashMap<libc::c_int, Zval>> = RefCell::new(HashMap::new());
}

/// Called by an event loop when it starts (Some) and ends (None); ending also drops the
/// handlers, so none outlives its loop.
pub(crate) fn set_loop_signals(signals: Option<Rc<LoopSignals>>) {
    if signals.is_none() {
        SIGNAL_HANDLERS.with(|h| h.borrow_mut().clear());
        let off = libc::itimerval {
            it_interval: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            it_value: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
        };
        // SAFETY: setitimer with a valid value: no alarm outlives the loop.
        unsafe { libc::setitimer(libc::ITIMER_REAL, &off, std::ptr::null_mut()) };
    }
    LOOP_SIGNALS.with(|l| *l.borrow_mut() = signals);
}

/// Runs the PHP handler for `sig`, if one is installed; returns whether there was one.
pub(crate) fn dispatch_signal(sig: libc::c_int) -> bool {
    let Some(cb) = SIGNAL_HANDLERS.with(|h| h.borrow().get(&sig).map(|z| z.shallow_clone())) else {
        return false;
    };
    let n = sig as i64;
    callback::call(&cb, vec![&n], &|| format!("the handler of signal {sig}"));
    true
}

/// One user process.
#[php_class]
#[php(name = "Swoole\\Process")]
pub struct Process {
    pub(crate) callback: Zval,
    /// (parent end, child end); None with `$pipe_type` 0.
    pipe: Option<(RawFd, RawFd)>,
    pid: Cell<i64>,
    /// This object is the child's own (its callback runs here).
    in_child: Cell<bool>,
    /// Handed to a server with addProcess().
    pub(crate) added: Cell<bool>,
    /// `redirect_stdin_and_stdout`: the child's stdin/stdout are its end of the pipe.
    redirect: bool,
    /// `useQueue()`: the System V message queue, shared with the child through the fork.
    queue: Cell<Option<MsgQueue>>,
}

/// `Process::IPC_NOWAIT`, or'ed into `useQueue()`'s mode: push/pop never block.
const IPC_NOWAIT: i64 = 256;
/// Swoole's largest message (`SW_MSGMAX`).
const MSG_MAX: usize = 65536;

/// A queue from `useQueue()`: its id and whether push/pop block.
#[derive(Clone, Copy)]
struct MsgQueue {
    id: libc::c_int,
    nowait: bool,
}

/// Every message carries the same type: `SWOOLE_MSGQUEUE_ORIENT` (1) addresses a process by
/// its id in Swoole, and a `Process` outside a server has id 0, so both modes read and write
/// type 1 here.
const MSG_TYPE: libc::c_long = 1;

extern "C" {
    fn php_output_end_all();
    fn php_output_flush_all();
}

/// Flushes PHP's output and leaves without PHP's shutdown (the parent owns the script).
pub(crate) fn exit_child(code: i32) -> ! {
    // SAFETY: flushing output layers and stdio on the PHP thread, then leaving at once.
    unsafe {
        php_output_end_all();
        php_output_flush_all();
        libc::fflush(std::ptr::null_mut());
        libc::_exit(code)
    }
}

impl Process {
    fn my_end(&self) -> Option<RawFd> {
        self.pipe
            .map(|(p, c)| if self.in_child.get() { c } else { p })
    }

    /// In the child, before its callback: it is the child's object now.
    pub(crate) fn become_child(&self) {
        self.in_child.set(true);
        self.pid.set(crate::process::getpid());
        if let (true, Some((_, child))) = (self.redirect, self.pipe) {
            // `redirect_stdin_and_stdout`: the child's echo goes to the parent's read(), and
            // the parent's write() is the child's standard input.
            // SAFETY: duplicating our own pipe end onto the standard descriptors.
            unsafe {
                libc::dup2(child, libc::STDIN_FILENO);
                libc::dup2(child, libc::STDOUT_FILENO);
            }
        }
    }

    pub(crate) fn set_pid(&self, pid: i64) {
        self.pid.set(pid);
    }
}

#[php_impl]
impl Process {
    #[php(defaults(
        redirect_stdin_and_stdout = false,
        pipe_type = 2,
        enable_coroutine = false
    ))]
    pub fn __construct(
        callback: &Zval,
        redirect_stdin_and_stdout: bool,
        pipe_type: i64,
        enable_coroutine: bool,
    ) -> PhpResult<Self> {
        let _ = enable_coroutine;
        if !callback.is_callable() {
            return Err(PhpException::new(
                "Swoole\\Process::__construct(): Argument #1 ($callback) must be a valid callback"
                    .into(),
                0,
                ce::type_error(),
            ));
        }
        // Redirecting needs a byte stream, as in Swoole (the pipe type is forced to 1).
        let pipe_type = if redirect_stdin_and_stdout {
            1
        } else {
            pipe_type
        };
        let kind = match pipe_type {
            0 => None,
            1 => Some(libc::SOCK_STREAM),
            2 => Some(libc::SOCK_DGRAM),
            _ => {
                return Err(PhpException::new(
                    format!("Swoole\\Process::__construct(): invalid pipe_type {pipe_type}"),
                    0,
                    ce::value_error(),
                ))
            }
        };
        let pipe = match kind {
            None => None,
            Some(k) => {
                let mut fds = [0; 2];
                // SAFETY: fds is a valid 2-element array.
                if unsafe { libc::socketpair(libc::AF_UNIX, k, 0, fds.as_mut_ptr()) } != 0 {
                    return Err(PhpException::new(
                        format!(
                            "Swoole\\Process: socketpair() failed: {}",
                            std::io::Error::last_os_error()
                        ),
                        0,
                        ce::error(),
                    ));
                }
                Some((fds[0], fds[1]))
            }
        };
        Ok(Process {
            callback: callback.shallow_clone(),
            pipe,
            pid: Cell::new(0),
            in_child: Cell::new(false),
            added: Cell::new(false),
            redirect: redirect_stdin_and_stdout,
            queue: Cell::new(None),
        })
    }

    /// Forks and runs the callback in the child (which exits when it returns); the child's
    /// pid here. Not inside a running server (use `$server->addProcess()` there).
    pub fn start(self_: &mut ZendClassObject<Process>) -> Zval {
        if callback::current().is_some() {
            warning("Swoole\\Process->start() cannot be used inside a running server: forking a process that runs an event loop is unsafe; use Server->addProcess() before start()");
            return false_zval();
        }
        if self_.pid.get() > 0 && !self_.in_child.get() {
            warning("process has already been started");
            return false_zval();
        }
        // SAFETY: flushing PHP's output so the child does not write it again.
        unsafe { php_output_flush_all() };
        // SAFETY: no runtime and no other thread exist (checked above: no server runs here).
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            warning(&format!(
                "fork() failed: {}",
                std::io::Error::last_os_error()
            ));
            return false_zval();
        }
        if pid == 0 {
            self_.become_child();
            let cb = self_.callback.shallow_clone();
            let mut me = Zval::new();
            me.set_object(self_.get_mut_zend_obj());
            callback::call(&cb, vec![&me], &|| "Swoole\\Process callback".to_string());
            exit_child(0);
        }
        self_.pid.set(pid as i64);
        let mut z = Zval::new();
        z.set_long(pid as i64);
        z
    }

    const IPC_NOWAIT: i64 = IPC_NOWAIT;
    const PIPE_MASTER: i64 = 1;
    const PIPE_WORKER: i64 = 2;
    const PIPE_READ: i64 = 3;
    const PIPE_WRITE: i64 = 4;
    const PIPE_TYPE_NONE: i64 = 0;
    const PIPE_TYPE_STREAM: i64 = 1;
    const PIPE_TYPE_DGRAM: i64 = 2;

    /// Opens (or creates) the System V message queue `$key` (0: one derived from the script's
    /// path, as Swoole's `ftok()`), for `push()`/`pop()` between this process and its child
    /// (and anyone else using the key). `$mode | Process::IPC_NOWAIT`: push/pop never block.
    /// `$capacity` > 0 sets the queue's size in bytes (raising it needs root). The queue
    /// outlives the processes (it is the kernel's) until `freeQueue()`.
    #[php(defaults(key = 0, mode = 2, capacity = -1))]
    pub fn use_queue(&self, key: i64, mode: i64, capacity: i64) -> bool {
        let key = if key > 0 {
            key as libc::key_t
        } else {
            script_key()
        };
        // SAFETY: msgget with a key and flags only.
        let id = unsafe { libc::msgget(key, libc::IPC_CREAT | 0o666) };
        if id < 0 {
            let e = std::io::Error::last_os_error();
            set_errno_error(&e);
            warning(&format!("msgget() failed: {e}"));
            return false;
        }
        if capacity > 0 {
            // SAFETY: an all-zero msqid_ds is valid; IPC_STAT fills it, IPC_SET reads it.
            let mut ds: libc::msqid_ds = unsafe { std::mem::zeroed() };
            // SAFETY: `ds` is a valid msqid_ds for our queue id.
            let ok = unsafe {
                libc::msgctl(id, libc::IPC_STAT, &mut ds) == 0 && {
                    ds.msg_qbytes = capacity as libc::msglen_t;
                    libc::msgctl(id, libc::IPC_SET, &mut ds) == 0
                }
            };
            if !ok {
                let e = std::io::Error::last_os_error();
                warning(&format!(
                    "cannot set the queue's capacity to {capacity} bytes: {e}"
                ));
            }
        }
        self.queue.set(Some(MsgQueue {
            id,
            nowait: mode & IPC_NOWAIT != 0,
        }));
        true
    }

    /// Puts a message (at most 65,536 bytes) on the queue; blocks while the queue is full,
    /// unless `IPC_NOWAIT` (then false, last error EAGAIN).
    pub fn push(&self, data: &Zval) -> bool {
        let Some(q) = self.queue.get() else {
            warning("no msgqueue, cannot use push()");
            return false;
        };
        let Some(b) = zval_bytes(data) else {
            warning("the data to push must be a string");
            return false;
        };
        if b.len() > MSG_MAX {
            warning("the data to push is too big");
            return false;
        }
        let mut msg = Vec::with_capacity(std::mem::size_of::<libc::c_long>() + b.len());
        msg.extend_from_slice(&MSG_TYPE.to_ne_bytes());
        msg.extend_from_slice(&b);
        let flags = if q.nowait { libc::IPC_NOWAIT } else { 0 };
        loop {
            // SAFETY: `msg` is a long type followed by `b.len()` bytes, as msgsnd reads it.
            let r = unsafe { libc::msgsnd(q.id, msg.as_ptr().cast(), b.len(), flags) };
            if r == 0 {
                return true;
            }
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            set_errno_error(&e);
            let msgmax = std::fs::read_to_string("/proc/sys/kernel/msgmax")
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok());
            match (e.raw_os_error(), msgmax) {
                (Some(libc::EAGAIN), _) => {}
                (Some(libc::EINVAL), Some(max)) if b.len() > max => warning(&format!(
                    "the data to push is {} bytes, more than the kernel takes in one message (kernel.msgmax = {max})",
                    b.len()
                )),
                _ => warning(&format!("msgsnd() failed: {e}")),
            }
            return false;
        }
    }

    /// Takes the next message (at most `$size` bytes of it; blocks while the queue is empty,
    /// unless `IPC_NOWAIT`: then false, last error ENOMSG (42), as Swoole).
    #[php(defaults(size = 65536))]
    pub fn pop(&self, size: i64) -> Zval {
        let Some(q) = self.queue.get() else {
            warning("no msgqueue, cannot use pop()");
            return false_zval();
        };
        let size = (size.max(1) as usize).min(MSG_MAX);
        let head = std::mem::size_of::<libc::c_long>();
        let mut buf = vec![0u8; head + size];
        let flags = libc::MSG_NOERROR | if q.nowait { libc::IPC_NOWAIT } else { 0 };
        loop {
            // SAFETY: `buf` holds a long type and `size` bytes, as msgrcv writes them.
            let n = unsafe { libc::msgrcv(q.id, buf.as_mut_ptr().cast(), size, 0, flags) };
            if n >= 0 {
                return bytes_zval(&buf[head..head + n as usize]);
            }
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            set_errno_error(&e);
            if e.raw_os_error() != Some(libc::ENOMSG) {
                warning(&format!("msgrcv() failed: {e}"));
            }
            return false_zval();
        }
    }

    /// `['queue_num' => messages waiting, 'queue_bytes' => their bytes]`, or false.
    pub fn stat_queue(&self) -> PhpResult<Zval> {
        let Some(q) = self.queue.get() else {
            warning("no queue, can't get stats of the queue");
            return Ok(false_zval());
        };
        // SAFETY: an all-zero msqid_ds is valid; IPC_STAT fills it.
        let mut ds: libc::msqid_ds = unsafe { std::mem::zeroed() };
        // SAFETY: a valid msqid_ds.
        if unsafe { libc::msgctl(q.id, libc::IPC_STAT, &mut ds) } != 0 {
            let e = std::io::Error::last_os_error();
            set_errno_error(&e);
            warning(&format!("msgctl(IPC_STAT) failed: {e}"));
            return Ok(false_zval());
        }
        let mut h = ext_php_rs::types::ZendHashTable::new();
        h.insert("queue_num", ds.msg_qnum as i64)?;
        h.insert("queue_bytes", ds.__msg_cbytes as i64)?;
        let mut z = Zval::new();
        z.set_hashtable(h);
        Ok(z)
    }

    /// Removes the queue from the kernel (every process using it loses it); this object
    /// forgets it either way.
    pub fn free_queue(&self) -> bool {
        let Some(q) = self.queue.take() else {
            warning("no queue to free");
            return false;
        };
        // SAFETY: IPC_RMID takes no buffer.
        if unsafe { libc::msgctl(q.id, libc::IPC_RMID, std::ptr::null_mut()) } != 0 {
            let e = std::io::Error::last_os_error();
            set_errno_error(&e);
            warning(&format!("msgctl(IPC_RMID) failed: {e}"));
            return false;
        }
        true
    }

    /// Writes to the pipe (parent → child, or child → parent); the bytes written or false.
    pub fn write(&self, data: &Zval) -> Zval {
        let Some(fd) = self.my_end() else {
            warning("no pipe: the process was created with pipe_type 0");
            return false_zval();
        };
        let Some(b) = zval_bytes(data) else {
            warning("the data must be a string");
            return false_zval();
        };
        // SAFETY: writing a valid buffer to our socket.
        let n = unsafe { libc::send(fd, b.as_ptr().cast(), b.len(), libc::MSG_NOSIGNAL) };
        if n < 0 {
            warning(&format!(
                "write() failed: {}",
                std::io::Error::last_os_error()
            ));
            return false_zval();
        }
        let mut z = Zval::new();
        z.set_long(n as i64);
        z
    }

    /// Blocks until something arrives on the pipe; at most `$size` bytes, or false.
    #[php(defaults(size = 8192))]
    pub fn read(&self, size: i64) -> Zval {
        let Some(fd) = self.my_end() else {
            warning("no pipe: the process was created with pipe_type 0");
            return false_zval();
        };
        let mut buf = vec![0u8; size.clamp(1, 64 << 20) as usize];
        loop {
            // SAFETY: receiving into a valid buffer from our socket.
            let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n >= 0 {
                return bytes_zval(&buf[..n as usize]);
            }
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return false_zval();
            }
        }
    }

    /// Needs coroutines (a `Swoole\Coroutine\Socket`), which swoole-rs does not have yet.
    pub fn export_socket(&self) -> PhpResult<Zval> {
        Err(PhpException::new(
            "Swoole\\Process->exportSocket() needs coroutines, which swoole-rs does not implement yet; use write()/read()".into(),
            0,
            ce::error(),
        ))
    }

    /// Sets the process name (as `ps` and `top` show it).
    pub fn name(&self, process_name: &str) -> bool {
        let Ok(c) = std::ffi::CString::new(process_name) else {
            return false;
        };
        // SAFETY: PR_SET_NAME with a NUL-terminated string (truncated to 15 bytes by the kernel).
        unsafe { libc::prctl(libc::PR_SET_NAME, c.as_ptr()) == 0 }
    }

    /// In the child: ends it with `$exit_code` (output flushed, no PHP shutdown).
    #[php(defaults(exit_code = 0))]
    pub fn exit(&self, exit_code: i64) -> bool {
        if !self.in_child.get() {
            warning("Swoole\\Process->exit() can only be used in the child process");
            return false;
        }
        exit_child(exit_code as i32)
    }

    #[php(getter, name = "pid")]
    pub fn prop_pid(&self) -> i64 {
        self.pid.get()
    }

    #[php(getter, name = "pipe")]
    pub fn prop_pipe(&self) -> i64 {
        self.my_end().map_or(-1, |fd| fd as i64)
    }

    /// `kill(2)`; signal 0 checks that the process exists.
    #[php(defaults(signal_no = 15))]
    pub fn kill(pid: i64, signal_no: i64) -> bool {
        // SAFETY: kill(2) has no memory preconditions.
        unsafe { libc::kill(pid as libc::pid_t, signal_no as libc::c_int) == 0 }
    }

    /// Reaps one exited child: `['pid' => …, 'code' => …, 'signal' => …]`, or false.
    #[php(defaults(blocking = true))]
    pub fn wait(blocking: bool) -> Zval {
        let mut status = 0;
        let flags = if blocking { 0 } else { libc::WNOHANG };
        let pid = loop {
            // SAFETY: waitpid on any child with a valid status pointer.
            let r = unsafe { libc::waitpid(-1, &mut status, flags) };
            if r < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break r;
        };
        if pid <= 0 {
            return false_zval();
        }
        let st = crate::process::supervisor::ExitStatus::from_wait(status);
        let mut m = HashMap::new();
        m.insert("pid", pid as i64);
        m.insert("code", st.code as i64);
        m.insert("signal", st.signal as i64);
        let mut a = ext_php_rs::types::ZendHashTable::new();
        for k in ["pid", "code", "signal"] {
            let _ = a.insert(k, m[k]);
        }
        let mut z = Zval::new();
        z.set_hashtable(a);
        z
    }

    /// Runs `$callback($signal_no)` when the process gets `$signal_no`, from its event loop
    /// (a worker, task worker or user process): the signal is read from the loop's signalfd,
    /// so the callback never interrupts other PHP code. Null removes the handler. SIGTERM and
    /// SIGINT handlers replace the graceful stop.
    #[php(optional = "callback")]
    pub fn signal(signal_no: i64, callback: Option<&Zval>) -> bool {
        let Some(signals) = LOOP_SIGNALS.with(|l| l.borrow().clone()) else {
            warning("a signal handler needs a running event loop: call it in onWorkerStart, onTask or a user process's callback");
            return false;
        };
        let sig = signal_no as libc::c_int;
        match callback {
            Some(cb) if !cb.is_null() => {
                if !cb.is_callable() {
                    warning("the callback is not callable");
                    return false;
                }
                if let Err(e) = signals.watch(sig) {
                    warning(&format!("cannot handle signal {signal_no}: {e}"));
                    return false;
                }
                SIGNAL_HANDLERS.with(|h| h.borrow_mut().insert(sig, cb.shallow_clone()));
            }
            _ => {
                SIGNAL_HANDLERS.with(|h| h.borrow_mut().remove(&sig));
                signals.unwatch(sig);
            }
        }
        true
    }

    /// An interval timer: every `$usec` µs a SIGALRM (`$type` 0, real time), SIGVTALRM (1,
    /// user CPU time) or SIGPROF (2, process CPU time), delivered to the `signal()` handler
    /// for it, which must exist (the default action would end the process). 0 stops it.
    #[php(defaults(r#type = 0))]
    pub fn alarm(usec: i64, r#type: i64) -> bool {
        let (which, sig) = match r#type {
            0 => (libc::ITIMER_REAL, libc::SIGALRM),
            1 => (libc::ITIMER_VIRTUAL, libc::SIGVTALRM),
            2 => (libc::ITIMER_PROF, libc::SIGPROF),
            _ => {
                warning(&format!("invalid type {type}", type = r#type));
                return false;
            }
        };
        if usec < 0 {
            warning("usec must be 0 or more");
            return false;
        }
        if usec > 0 && !SIGNAL_HANDLERS.with(|h| h.borrow().contains_key(&sig)) {
            warning(&format!(
                "the timer needs a handler for signal {sig}: call Swoole\\Process::signal({sig}, ...) first"
            ));
            return false;
        }
        let tv = libc::timeval {
            tv_sec: (usec / 1_000_000) as libc::time_t,
            tv_usec: (usec % 1_000_000) as libc::suseconds_t,
        };
        let t = libc::itimerval {
            it_interval: tv,
            it_value: tv,
        };
        // SAFETY: setitimer with a valid value and no old-value pointer.
        unsafe { libc::setitimer(which, &t, std::ptr::null_mut()) == 0 }
    }
}

/// The queue key for `useQueue(0)`: from the main script's path, as Swoole's
/// `ftok(script, 1)`; a private queue if there is none.
fn script_key() -> libc::key_t {
    let main = ext_php_rs::types::ZendCallable::try_from_name("get_included_files")
        .ok()
        .and_then(|f| f.try_call(vec![]).ok())
        .and_then(|files| {
            files
                .array()
                .and_then(|a| a.get_index(0).and_then(|z| z.string()))
        });
    let Some(c) = main.and_then(|p| std::ffi::CString::new(p).ok()) else {
        return libc::IPC_PRIVATE;
    };
    // SAFETY: a NUL-terminated path.
    let k = unsafe { libc::ftok(c.as_ptr(), 1) };
    if k == -1 {
        libc::IPC_PRIVATE
    } else {
        k
    }
}

/// `swoole_last_error()` after a failed system call: its errno, as Swoole.
fn set_errno_error(e: &std::io::Error) {
    super::errors::set_last_error(i64::from(e.raw_os_error().unwrap_or(0)));
}

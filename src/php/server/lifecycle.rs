//! Start and stop: what `start()` does around the event loop. Listening, `log_file`,
//! `daemonize`, `pid_file`; one worker's loop (runtime, reactor, WorkerStart … WorkerStop,
//! graceful drain); a forked worker's exit; the manager's PHP side; and how `start()`
//! returns (Shutdown, a re-raised fatal error, or `exit()`'s code).

use std::rc::Rc;

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use socket2::Socket;

use super::sink::{call_simple, PhpSink};
use super::state::{Shared, State, SOCK_UNIX_STREAM};
use crate::codec::Framing;
use crate::net::{listener, CloseReason, Listener, Reactor};
use crate::options::Settings;
use crate::php::callback::{self, Cached, LoopCtl};
use crate::php::errors::{self, set_last_error, warning};
use crate::php::exception::swoole_exception;
use crate::php::timer;
use crate::process::supervisor::{self, ExitStatus, ManagerConfig, ManagerHooks};
use crate::process::{
    self, log, signals, Channel, ServerPages, SharedStats, SignalGuard, MAX_SLOTS,
};

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
    let tcp = sh.sock_type != SOCK_UNIX_STREAM;
    crate::net::sockopt::apply_listen_options(
        std::os::fd::AsRawFd::as_raw_fd(&socket),
        settings,
        tcp,
    )
    .map_err(|e| swoole_exception(e, errors::INVALID_PARAMS))?;
    listener::listen(&socket, settings.backlog).map_err(listen_err)?;
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
        let fd = log::reset_log();
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

pub(super) fn run_server(sh: Rc<Shared>, server: Zval, framing: Framing) -> PhpResult<bool> {
    let settings = sh.settings.borrow().clone();
    let socket = listen_socket(&sh, &settings)?;
    let log_fd = settings
        .log_file
        .as_deref()
        .map(open_log_file)
        .unwrap_or(-1);
    log::set_log(log_fd, settings.log_level);
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
        signals::restore_sigmask(mask);
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
        on_buffer_full: sh.callback("bufferfull").map(Cached::new),
        on_buffer_empty: sh.callback("bufferempty").map(Cached::new),
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
        let listener = match Listener::from_socket(socket, unix) {
            Ok(l) => l,
            Err(e) => {
                warning(&format!("cannot register the listening socket: {e}"));
                return;
            }
        };
        let accept = tokio::task::spawn_local(reactor.clone().accept_loop(listener));
        let heartbeat = tokio::task::spawn_local(reactor.clone().heartbeat_loop());
        if settings.open_cpu_affinity {
            if let Err(e) = crate::net::sockopt::pin_to_cpu(ctx.id.max(0) as usize) {
                warning(&format!(
                    "open_cpu_affinity: sched_setaffinity() failed: {e}"
                ));
            }
        }
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
        heartbeat.abort();
        sig_task.abort();
        if let Some(t) = &peer_task {
            t.abort();
        }
        if !ctl.fatal.get() {
            let recycled = ctx.stats.is_some()
                && reactor.stats.shared().recycled[reactor.stats.slot % MAX_SLOTS]
                    .load(std::sync::atomic::Ordering::Relaxed);
            reactor.close_all(if recycled {
                CloseReason::WorkerExit
            } else {
                CloseReason::Shutdown
            });
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
            log::log(
                log::LOG_ERROR,
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

/// The manager's PHP side: what a forked child runs, and the manager's callbacks. The
/// supervision itself (fork, back-off, reload, deadlines) is `process::supervisor`.
struct PhpManager<'a> {
    sh: &'a Rc<Shared>,
    server: &'a Zval,
    framing: Framing,
    socket: &'a Socket,
    pages: ServerPages,
    ctl: Rc<LoopCtl>,
}

impl ManagerHooks for PhpManager<'_> {
    fn before_fork(&mut self) {
        // Output the manager has buffered must not be flushed again by the child.
        // SAFETY: flushing PHP's output layers on the PHP thread.
        unsafe { php_output_flush_all() };
    }

    fn run_child(&mut self, id: usize, fire_start: bool, sigmask: libc::sigset_t) -> ! {
        callback::set_current(None);
        let child_socket = match self.socket.try_clone() {
            Ok(s) => s,
            // SAFETY: leaving the child at once.
            Err(_) => unsafe { libc::_exit(255) },
        };
        worker_main(
            self.sh,
            self.server,
            self.framing.clone(),
            child_socket,
            WorkerCtx {
                id: id as i64,
                stats: Some(self.pages.stats),
                fire_start,
                unblock: Some(sigmask),
            },
        )
    }

    fn manager_start(&mut self) {
        call_simple(self.sh, self.server, "managerstart", None);
    }

    fn manager_stop(&mut self) {
        call_simple(self.sh, self.server, "managerstop", None);
    }

    fn worker_error(&mut self, id: usize, pid: i32, status: ExitStatus) {
        if let Some(cb) = self.sh.callback("workererror") {
            let (wid, wpid, code, sig) = (
                id as i64,
                pid as i64,
                status.code as i64,
                status.signal as i64,
            );
            callback::call(&cb, vec![self.server, &wid, &wpid, &code, &sig], &|| {
                "onWorkerError".to_string()
            });
        }
    }

    fn stop_requested(&self) -> bool {
        self.ctl.stopping.get()
    }
}

/// The manager: the process that called start() with `worker_num > 1` or `max_request`. It
/// creates what the workers share, then lets the supervisor fork and watch them; it runs no
/// event loop.
fn run_manager(
    sh: Rc<Shared>,
    server: Zval,
    framing: Framing,
    socket: Socket,
    settings: Settings,
    files: StartFiles,
) -> PhpResult<bool> {
    let n = settings.worker_num as usize;
    let now_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let pages = ServerPages::create(settings.start_session_id, now_secs)?;
    let peers = (0..n)
        .map(|_| Channel::new())
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| format!("cannot create the worker channels: {e}"))?;
    let ctl = Rc::new(LoopCtl::default());
    callback::set_current(Some(ctl.clone()));
    sh.manager_pid.set(process::getpid());
    sh.worker_num.set(n as i64);
    sh.stats_page.set(Some(pages.stats));
    sh.owners.set(Some(pages.owners));
    *sh.peers.borrow_mut() = peers.clone();
    sh.state.set(State::Running);

    let cfg = ManagerConfig {
        workers: n,
        max_wait: settings.max_wait_time,
        stats: pages.stats,
    };
    let mut hooks = PhpManager {
        sh: &sh,
        server: &server,
        framing,
        socket: &socket,
        pages,
        ctl: ctl.clone(),
    };
    let result = supervisor::run_manager(&cfg, &mut hooks);
    drop(hooks);

    callback::set_current(None);
    sh.stats_page.set(None);
    sh.owners.set(None);
    sh.peers.borrow_mut().clear();
    for p in peers {
        // Every worker is gone.
        p.close();
    }
    sh.state.set(State::Stopped);
    if sh.sock_type == SOCK_UNIX_STREAM {
        let _ = std::fs::remove_file(&sh.host);
    }
    drop(socket);
    drop(files);
    result?;
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

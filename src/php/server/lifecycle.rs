//! Start and stop: what `start()` does around the event loop. Listening, `log_file`,
//! `daemonize`, `pid_file`; one worker's loop (runtime, reactor, WorkerStart … WorkerStop,
//! graceful drain); a forked worker's exit; the manager's PHP side; and how `start()`
//! returns (Shutdown, a re-raised fatal error, or `exit()`'s code).

use std::cell::Cell;
use std::rc::Rc;

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use socket2::Socket;

use super::listen::{self, PortPlan};
use super::sink::{call_simple, PhpSink, PortCallbacks};
use super::state::{Shared, State};
use crate::net::{dgram, CloseReason, Listener, PortCfg, PortKind, Reactor};
use crate::options::Settings;
use crate::php::callback::{self, LoopCtl};
use crate::php::errors::{self, warning};
use crate::php::exception::swoole_exception;
use crate::php::timer;
use crate::process::privileges::{self, Identity};
use crate::process::signals::LoopSignals;
use crate::process::supervisor::{self, ExitStatus, ManagerConfig, ManagerHooks};
use crate::process::systemd::Notifier;
use crate::process::{self, log, Channel, ServerPages, SharedStats, MAX_SLOTS};

/// What `start()` set up for the whole server (log destination, pid file); dropped in the
/// process that called `start()` when the server stops (workers leave with `_exit`).
pub(super) struct StartFiles {
    pid_file: Option<String>,
}

impl Drop for StartFiles {
    fn drop(&mut self) {
        if let Some(p) = self.pid_file.take() {
            let _ = std::fs::remove_file(p);
        }
        // Every worker is gone.
        log::reset();
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

pub(super) fn run_server(
    sh: Rc<Shared>,
    server: Zval,
    mut plans: Vec<PortPlan>,
) -> PhpResult<bool> {
    if sh.mode == super::state::SWOOLE_PROCESS && !super::process_mode::has_worker_num(&sh) {
        // As Swoole: PROCESS mode defaults to one worker per CPU.
        sh.settings.borrow_mut().worker_num = crate::options::cpu_count();
    }
    let settings = sh.settings.borrow().clone();
    check_process_count(&sh, &settings)?;
    listen::build_tls(&sh, &mut plans)?;
    let sockets = listen::take_sockets(&sh, &plans)?;
    if let Err(e) = log::configure(log::LogConfig::new(
        settings.log_file.clone(),
        settings.log_level,
        settings.log_date_format.clone(),
        settings.log_date_with_microseconds,
        settings.log_rotation,
    )) {
        warning(&e);
    }
    choose_backend(&sh, &settings);
    let identity = privileges::resolve(
        settings.user.as_deref(),
        settings.group.as_deref(),
        settings.chroot.as_deref(),
    )
    .map_err(|e| swoole_exception(e, errors::INVALID_PARAMS))?;
    let mut files = StartFiles { pid_file: None };
    if settings.daemonize {
        daemonize(log::fd())?;
    }
    if let Some(path) = &settings.pid_file {
        match std::fs::write(path, process::getpid().to_string()) {
            Ok(()) => files.pid_file = Some(path.clone()),
            Err(e) => warning(&format!("cannot write pid_file [{path}]: {e}")),
        }
    }
    if sh.mode == super::state::SWOOLE_PROCESS {
        return super::process_mode::run(sh, server, plans, sockets, files, identity);
    }
    if settings.needs_manager() || !sh.user_processes.borrow().is_empty() {
        return run_manager(sh, server, plans, sockets, settings, files, identity);
    }
    if let Some(id) = &identity {
        id.apply()
            .map_err(|e| swoole_exception(e, errors::PHP_FATAL_ERROR))?;
    }
    let ctx = WorkerCtx {
        id: 0,
        stats: None,
        fire_start: true,
        unblock: None,
    };
    let end = run_loop(&sh, &server, &plans, sockets, &ctx)?;
    sh.state.set(State::Stopped);
    listen::remove_unix_files(&plans);
    drop(files);
    finish_start(&sh, server, end)
}

/// Every event worker, task worker and user process has its own slot in the shared pages:
/// refuse a server that needs more than there are (they would share one and read each
/// other's pids and loads).
fn check_process_count(sh: &Shared, settings: &Settings) -> PhpResult<()> {
    let total = settings.worker_num.max(1) as usize
        + settings.task.worker_num as usize
        + sh.user_processes.borrow().len();
    if total > process::max_processes() {
        return Err(swoole_exception(
            format!(
                "worker_num + task_worker_num + addProcess() processes is {total}: at most {} are supported",
                process::max_processes()
            ),
            errors::INVALID_PARAMS,
        ));
    }
    Ok(())
}

/// Picks the reactor backend once, before any worker forks (they inherit it): says why
/// in the log, and warns when io_uring was asked for and cannot be had.
fn choose_backend(sh: &Shared, settings: &crate::options::Settings) {
    use crate::net::uring;
    use crate::options::ReactorType;
    let requested = match settings.reactor_type {
        Some(t) => t,
        None => match crate::options::default_reactor_type(
            std::env::var("SWOOLE_RS_REACTOR_TYPE").ok().as_deref(),
        ) {
            Ok(t) => t,
            Err(v) => {
                warning(&format!(
                    "SWOOLE_RS_REACTOR_TYPE=\"{v}\" is not 'auto', 'io_uring' or 'epoll': using 'auto'"
                ));
                ReactorType::Auto
            }
        },
    };
    let process_mode = sh.mode == super::state::SWOOLE_PROCESS;
    let probe = if requested == ReactorType::Epoll || process_mode {
        Ok(())
    } else {
        uring::probe()
    };
    let choice = uring::choose(requested, process_mode, probe);
    uring::set_chosen(choice.backend);
    match &choice.warning {
        Some(w) => warning(w),
        // A fallback the user did not ask for is worth an info line; the expected outcome
        // (io_uring where it works, epoll where asked) is logged at debug level only, so
        // every start does not print a line at the default log level.
        None => {
            let level = if requested == ReactorType::Auto
                && choice.backend == uring::Backend::Epoll
                && !process_mode
            {
                log::LOG_INFO
            } else {
                log::LOG_DEBUG
            };
            log::log(level, '*', 0, &choice.reason);
        }
    }
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
pub(super) struct LoopEnd {
    pub(super) fatal: bool,
    pub(super) exit_code: Option<i32>,
    /// The callback that raised the fatal error.
    pub(super) fatal_in: Option<String>,
}

/// After the loop (or the manager) ended in the process that called start(): re-raise a
/// fatal error, or fire Shutdown and return (re-throwing `exit()` when a callback called it).
pub(super) fn finish_start(sh: &Shared, server: Zval, end: LoopEnd) -> PhpResult<bool> {
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
    plans: &[PortPlan],
    sockets: Vec<Socket>,
    ctx: &WorkerCtx,
) -> PhpResult<LoopEnd> {
    let settings = sh.settings.borrow().clone();
    let ports: Vec<PortCfg> = plans
        .iter()
        .zip(&sockets)
        .map(|(p, s)| p.cfg(s, true))
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        // The io_uring backend submits what the loop turn queued, in one io_uring_enter.
        .on_thread_park(crate::net::uring::on_park)
        .build()
        .map_err(|e| format!("cannot create the event loop: {e}"))?;
    // A forked worker leaves every signal blocked until here; SIGTERM/SIGINT stay blocked
    // (read from a signalfd, so they never interrupt a callback).
    let signals = LoopSignals::install(ctx.unblock.as_ref())
        .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let signals = Rc::new(signals);
    let reactor = Reactor::new(
        settings.clone(),
        ports,
        ctx.stats.map(|s| (s, ctx.id as usize)),
        ctx.stats.and(sh.owners.get()),
    );
    let peer_rx = ctx
        .stats
        .and_then(|_| sh.peers.borrow().get(ctx.id as usize).map(|p| p.rx));
    if let Some(fd) = peer_rx {
        reactor.set_inbox(fd);
    }
    let task_worker = ctx.stats.is_some() && sh.is_task_worker_id(ctx.id);
    let process_mode = sh.mode == super::state::SWOOLE_PROCESS;
    if task_worker {
        sh.tasks.borrow_mut().max_request = settings.task_max_request(process::random_u64());
    }
    let sink = Rc::new(PhpSink {
        shared: Rc::downgrade(sh),
        server: server.shallow_clone(),
        reactor: Rc::downgrade(&reactor),
        ports: plans
            .iter()
            .enumerate()
            .map(|(i, p)| {
                PortCallbacks::resolve(sh, i, p.length_func.as_ref().map(|z| z.shallow_clone()))
            })
            .collect(),
        max_request: if ctx.stats.is_some() && !task_worker {
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

    // The ring is created here, in the process that uses it (never across a fork). Task
    // workers and PROCESS-mode workers serve no connections.
    let driver = if crate::net::uring::chosen() == crate::net::uring::Backend::IoUring
        && !task_worker
        && !process_mode
    {
        match crate::net::uring::Driver::new() {
            Ok(d) => Some(d),
            Err(e) => {
                warning(&format!(
                    "cannot set up io_uring in worker #{}: {e}; this worker uses epoll",
                    ctx.id
                ));
                crate::net::uring::set_chosen(crate::net::uring::Backend::Epoll);
                None
            }
        }
    } else {
        None
    };
    crate::net::uring::set_current(driver.clone());
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let uring_task = driver.clone().map(|d| tokio::task::spawn_local(d.run()));
        // Task workers take no connections and read no datagrams; nor does any worker in
        // PROCESS mode (the master owns the connections).
        let mut accept = Vec::new();
        let mut heartbeats = Vec::new();
        for (i, socket) in sockets.into_iter().enumerate() {
            if task_worker {
                break;
            }
            if process_mode {
                if plans[i].kind.is_dgram() {
                    // The master reads the datagrams; this worker answers with `sendto()`
                    // on the same socket (as in Swoole), so it stays open for the
                    // process's life.
                    std::mem::forget(socket);
                }
                continue;
            }
            match plans[i].kind {
                PortKind::Stream { unix } => {
                    let listener = match Listener::from_socket(socket, unix) {
                        Ok(l) => l,
                        Err(e) => {
                            warning(&format!("cannot register the listening socket: {e}"));
                            return;
                        }
                    };
                    accept.push(tokio::task::spawn_local(
                        reactor.clone().accept_loop(i, listener),
                    ));
                    heartbeats.push(tokio::task::spawn_local(reactor.clone().heartbeat_loop(i)));
                    heartbeats.push(tokio::task::spawn_local(reactor.clone().max_idle_loop(i)));
                }
                PortKind::Dgram { .. } => {
                    accept.push(tokio::task::spawn_local(dgram::serve(
                        reactor.clone(),
                        i,
                        socket,
                    )));
                }
            }
        }
        let peer_task = peer_rx.map(|_| tokio::task::spawn_local(reactor.clone().peer_loop()));
        reactor.publish_health(std::time::Duration::ZERO);
        let health = tokio::task::spawn_local(reactor.clone().health_loop());
        // As Swoole's library: event worker 0 writes it (in PROCESS mode too).
        let stats_writer = settings
            .stats_file
            .clone()
            .filter(|_| ctx.id == 0 && !task_worker)
            .map(|path| {
                tokio::task::spawn_local(super::stats_file::run(
                    sh.clone(),
                    path,
                    std::time::Duration::from_millis(settings.stats_timer_interval as u64),
                ))
            });
        if settings.open_cpu_affinity {
            let ignore = cpu_affinity_ignore(sh);
            if let Err(e) = crate::net::sockopt::pin_to_cpu(ctx.id.max(0) as usize, &ignore) {
                warning(&format!(
                    "open_cpu_affinity: {e}; this worker is not pinned"
                ));
            }
        }
        let sig_ctl = ctl.clone();
        let sig = signals.clone();
        crate::php::process::set_loop_signals(Some(signals.clone()));
        // Ctrl-C reaches every process of the foreground group: a worker's own SIGINT means
        // the whole server is stopping, even before the manager says so.
        let interrupted = Rc::new(Cell::new(false));
        let sig_interrupted = interrupted.clone();
        let sig_task = tokio::task::spawn_local(async move {
            loop {
                match sig.wait().await {
                    Ok(s) if crate::php::process::dispatch_signal(s) => {}
                    Ok(libc::SIGINT) => {
                        sig_interrupted.set(true);
                        break;
                    }
                    Ok(libc::SIGTERM) | Err(_) => break,
                    // SIGRTMIN / SIGWINCH: logrotate moved log_file away.
                    Ok(_) => log::reopen(),
                }
            }
            sig_ctl.request_stop();
        });
        timer::enable(true);
        if ctx.fire_start {
            call_simple(sh, server, "start", None);
        }
        call_simple(sh, server, "workerstart", Some(ctx.id));
        worker_started(sh, &reactor, ctx);
        if !ctl.stopping.get() {
            ctl.stop.notified().await;
        }
        reactor.stopping.set(true);
        if ctx.stats.is_none() {
            if let Some(n) = Notifier::from_env() {
                n.stopping();
            }
        }
        health.abort();
        if let Some(t) = &stats_writer {
            t.abort();
        }
        for a in accept.iter().chain(&heartbeats) {
            a.abort();
        }
        sig_task.abort();
        crate::php::process::set_loop_signals(None);
        if !ctl.fatal.get() && peer_task.is_some() {
            settle_tasks(sh, &reactor, ctx, task_worker, settings.max_wait_time).await;
        }
        if !ctl.fatal.get() {
            worker_exit(sh, server, ctx.id, settings.max_wait_time).await;
        }
        if let Some(t) = &peer_task {
            t.abort();
        }
        if process_mode && !ctl.fatal.get() {
            // The master queued every Close before the manager stopped us: run them all, so
            // each session gets its onClose before WorkerStop.
            reactor.drain_inbox();
        }
        if !ctl.fatal.get() {
            // A worker of a multi-process server that stops while the server is not shutting
            // down is being reloaded or recycled: its sessions end because the worker exits.
            let worker_exit = ctx.stats.is_some() && !interrupted.get() && {
                let page = reactor.stats.shared();
                page.recycled[reactor.stats.slot % MAX_SLOTS]
                    .load(std::sync::atomic::Ordering::Relaxed)
                    || !page
                        .shutting_down
                        .load(std::sync::atomic::Ordering::Relaxed)
            };
            reactor.close_all(if worker_exit {
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
        if let Some(t) = uring_task {
            t.abort();
        }
    });
    timer::enable(false);
    drop(local);
    drop(rt);
    // Connections dropped with the LocalSet cancelled their ops; wait for the kernel to
    // give back every buffer before the ring's memory can go.
    if let Some(d) = crate::net::uring::set_current(None) {
        d.shutdown();
    }
    drop(driver);
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

/// After onWorkerStart: the worker counts as started (for the manager's READY=1 to
/// systemd); a server without a manager tells systemd itself.
/// `cpu_affinity_ignore`: the CPU numbers in that array of `set()` (others are skipped).
fn cpu_affinity_ignore(sh: &Shared) -> Vec<usize> {
    let setting = sh.setting.borrow();
    let Some(list) = setting
        .as_ref()
        .and_then(|z| z.array())
        .and_then(|a| a.get("cpu_affinity_ignore"))
        .and_then(|v| v.array())
    else {
        return Vec::new();
    };
    list.values()
        .filter_map(|v| {
            v.long()
                .or_else(|| v.str().and_then(|s| s.trim().parse().ok()))
        })
        .filter(|&c| c >= 0)
        .map(|c| c as usize)
        .collect()
}

fn worker_started(sh: &Shared, reactor: &Reactor, ctx: &WorkerCtx) {
    reactor.stats.shared().health[reactor.stats.slot % process::MAX_SLOTS]
        .started
        .store(true, std::sync::atomic::Ordering::Relaxed);
    if std::env::var_os("NOTIFY_SOCKET").is_none() {
        return;
    }
    match ctx.stats {
        None => {
            if let Some(n) = Notifier::from_env() {
                n.ready(process::getpid());
            }
        }
        Some(_) => {
            // SAFETY: kill(2) with the manager's pid recorded before the fork.
            unsafe {
                libc::kill(
                    sh.manager_pid.get() as libc::pid_t,
                    supervisor::worker_started_signal(),
                )
            };
        }
    }
}

/// WorkerExit, as Swoole's `reload_async`: while a stopping worker still has timers, its
/// loop keeps running them and WorkerExit fires again (every 10 ms here), so the code can
/// clear them; once none is left, or after `max_wait_time`, the worker goes on to WorkerStop.
/// Without a WorkerExit callback the timers are simply cleared, as before.
async fn worker_exit(sh: &Rc<Shared>, server: &Zval, id: i64, limit: std::time::Duration) {
    if sh.callback("workerexit").is_none() {
        return;
    }
    let until = std::time::Instant::now() + limit;
    while timer::active() > 0 && std::time::Instant::now() < until {
        call_simple(sh, server, "workerexit", Some(id));
        if callback::current().is_some_and(|c| c.fatal.get()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Before a worker stops: nothing it accepted is lost (see `task.rs`). A task worker
/// stopping for good runs what is still queued for it; one stopping to be replaced leaves the
/// queue to its replacement. An event worker waits for the results of the tasks it sent.
/// Both within `max_wait_time`.
async fn settle_tasks(
    sh: &Rc<Shared>,
    reactor: &Reactor,
    ctx: &WorkerCtx,
    task_worker: bool,
    limit: std::time::Duration,
) {
    let Some(page) = ctx.stats else {
        return;
    };
    let slot = ctx.id as usize % process::MAX_SLOTS;
    let shutting_down = page
        .shutting_down
        .load(std::sync::atomic::Ordering::Relaxed);
    let until = std::time::Instant::now() + limit;
    if task_worker && !shutting_down {
        // The queue stays in the channel for the replacement, but what this worker already
        // took out of it (stashed while a result was waiting for room, or half of a chunked
        // task) runs here first: the channel no longer has it.
        reactor.inbox_hold.set(true);
        reactor.wake_inbox();
        while !reactor.inbox_settled() && std::time::Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        if !reactor.inbox_settled() {
            log::log(
                log::LOG_WARNING,
                '*',
                ctx.id,
                &format!(
                    "task worker #{} stops before running the tasks it had already received, after max_wait_time",
                    ctx.id
                ),
            );
        }
        return;
    }
    if task_worker {
        // Stopping for good: run everything still queued. A worker that began to recycle
        // (task_max_request) just before shutdown had put its channel on hold for a
        // replacement that shutdown never starts; held, its queue waited out max_wait_time
        // and ran only in the drain worker forked after it exited, after the senders had
        // given up on those results (tasks_no_loss.phpt lost ~800 results in ~1 of 4 runs).
        reactor.inbox_hold.set(false);
        reactor.wake_inbox();
    }
    let settled = || {
        if task_worker {
            page.tasking[slot].load(std::sync::atomic::Ordering::Relaxed) == 0
        } else {
            sh.tasks.borrow().outstanding() == 0
        }
    };
    while !settled() && std::time::Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    if !settled() && !task_worker {
        log::log(
            log::LOG_WARNING,
            '*',
            ctx.id,
            &format!(
                "worker #{} stops with {} task results still outstanding after max_wait_time",
                ctx.id,
                sh.tasks.borrow().outstanding()
            ),
        );
    }
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
    plans: &[PortPlan],
    sockets: Vec<Socket>,
    ctx: WorkerCtx,
) -> ! {
    let code = match run_loop(sh, server, plans, sockets, &ctx) {
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
    plans: &'a [PortPlan],
    sockets: &'a [Socket],
    pages: ServerPages,
    ctl: Rc<LoopCtl>,
    /// `user`/`group`/`chroot` for the workers.
    identity: Option<Identity>,
}

impl ManagerHooks for PhpManager<'_> {
    fn before_fork(&mut self) {
        // A worker forked by reload() (or recycled, or restarted) serves the certificate
        // files as they are now; a broken renewal keeps the last good ones (warning).
        for tls in self.sh.tls.borrow().iter() {
            super::tls::refresh(tls);
        }
        // Output the manager has buffered must not be flushed again by the child.
        // SAFETY: flushing PHP's output layers on the PHP thread.
        unsafe { php_output_flush_all() };
    }

    fn forked(&mut self, id: usize, pid: i32) {
        if let Some(p) = self.user_process(id) {
            // Workers forked after it inherit the pid (user processes start first).
            if let Some(p) = p.extract::<&crate::php::process::Process>() {
                p.set_pid(pid as i64);
            }
        }
    }

    fn run_child(&mut self, id: usize, fire_start: bool, sigmask: libc::sigset_t) -> ! {
        callback::set_current(None);
        timer::forget_inherited();
        if let Some(identity) = &self.identity {
            if let Err(e) = identity.apply() {
                log::log(
                    log::LOG_ERROR,
                    '*',
                    id as i64,
                    &format!("worker #{id} cannot drop privileges: {e}"),
                );
                // SAFETY: leaving the child at once; the manager backs off before retrying.
                unsafe { libc::_exit(255) };
            }
        }
        if let Some(p) = self.user_process(id) {
            user_process_main(self.sh, &p, id, sigmask);
        }
        // The worker owns the inherited listeners under their original numbers, so
        // `$port->sock`, `server_fd` and `server_socket` agree in every process (a dup would
        // renumber them).
        let child_sockets = self
            .sockets
            .iter()
            .map(|s| {
                // SAFETY: this child ends in `_exit` (worker_main never returns) and never
                // drops the manager's copies, so each descriptor has exactly one owner that
                // closes it: the worker's loop.
                unsafe {
                    <Socket as std::os::fd::FromRawFd>::from_raw_fd(
                        std::os::fd::AsRawFd::as_raw_fd(s),
                    )
                }
            })
            .collect();
        // In PROCESS mode onStart runs in the master.
        let fire_start = fire_start && self.sh.mode != super::state::SWOOLE_PROCESS;
        worker_main(
            self.sh,
            self.server,
            self.plans,
            child_sockets,
            WorkerCtx {
                id: id as i64,
                stats: Some(self.pages.stats),
                fire_start,
                unblock: Some(sigmask),
            },
        )
    }

    fn manager_start(&mut self) {
        timer::enable_in_manager(true);
        call_simple(self.sh, self.server, "managerstart", None);
    }

    fn manager_stop(&mut self) {
        call_simple(self.sh, self.server, "managerstop", None);
        timer::enable_in_manager(false);
    }

    fn next_timer(&self) -> Option<std::time::Instant> {
        timer::next_due()
    }

    fn run_timers(&mut self) {
        timer::run_due();
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

impl PhpManager<'_> {
    /// The `addProcess()` process in slot `id` (they follow the task workers).
    fn user_process(&self, id: usize) -> Option<Zval> {
        let first = (self.sh.worker_num.get() + self.sh.task_worker_num.get()) as usize;
        id.checked_sub(first).and_then(|i| {
            self.sh
                .user_processes
                .borrow()
                .get(i)
                .map(|z| z.shallow_clone())
        })
    }
}

/// A user process forked by the manager: an event loop (so timers work), its callback, then
/// it waits for SIGTERM (shutdown) unless the callback ended it.
fn user_process_main(sh: &Rc<Shared>, process: &Zval, id: usize, sigmask: libc::sigset_t) -> ! {
    let code = (|| {
        let p = process.extract::<&crate::php::process::Process>()?;
        p.become_child();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let signals = Rc::new(LoopSignals::install(Some(&sigmask)).ok()?);
        crate::php::process::set_loop_signals(Some(signals.clone()));
        let ctl = Rc::new(LoopCtl::default());
        callback::set_current(Some(ctl.clone()));
        sh.worker_id.set(id as i64);
        let local = tokio::task::LocalSet::new();
        local.block_on(&rt, async {
            let sig_ctl = ctl.clone();
            let sig_task = tokio::task::spawn_local(async move {
                loop {
                    match signals.wait().await {
                        Ok(s) if crate::php::process::dispatch_signal(s) => {}
                        Ok(libc::SIGTERM | libc::SIGINT) | Err(_) => break,
                        Ok(_) => log::reopen(),
                    }
                }
                sig_ctl.request_stop();
            });
            timer::enable(true);
            let cb = p.callback.shallow_clone();
            callback::call(&cb, vec![process], &|| {
                format!("the callback of user process #{id}")
            });
            if !ctl.stopping.get() {
                ctl.stop.notified().await;
            }
            sig_task.abort();
            crate::php::process::set_loop_signals(None);
            timer::enable(false);
        });
        timer::enable(false);
        drop(local);
        drop(rt);
        callback::set_current(None);
        Some(if ctl.fatal.get() {
            255
        } else {
            ctl.exit_code.get().unwrap_or(0)
        })
    })()
    .unwrap_or(255);
    crate::php::process::exit_child(code)
}

/// The manager: the process that called start() with `worker_num > 1` or `max_request`. It
/// creates what the workers share, then lets the supervisor fork and watch them; it runs no
/// event loop.
fn run_manager(
    sh: Rc<Shared>,
    server: Zval,
    plans: Vec<PortPlan>,
    sockets: Vec<Socket>,
    settings: Settings,
    files: StartFiles,
    identity: Option<Identity>,
) -> PhpResult<bool> {
    let n = settings.worker_num as usize;
    let tw = settings.task.worker_num as usize;
    let now_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let pages = ServerPages::create(settings.start_session_id, now_secs)?;
    let peers = (0..n + tw)
        .map(|_| Channel::new())
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| format!("cannot create the worker channels: {e}"))?;
    let (result, ctl) = supervise(
        &sh, &server, &plans, &sockets, &settings, identity, pages, &peers,
    );

    // Every worker is gone.
    sh.clear_running(peers);
    listen::remove_unix_files(&plans);
    drop(sockets);
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

/// The manager's work, in the process that runs it (the one that called start() in BASE
/// mode, the forked manager in PROCESS mode): the shared state the workers inherit, then
/// the supervisor until shutdown.
#[allow(clippy::too_many_arguments)]
pub(super) fn supervise(
    sh: &Rc<Shared>,
    server: &Zval,
    plans: &[PortPlan],
    sockets: &[Socket],
    settings: &Settings,
    identity: Option<Identity>,
    pages: ServerPages,
    peers: &[Channel],
) -> (Result<(), String>, Rc<LoopCtl>) {
    let n = settings.worker_num as usize;
    let tw = settings.task.worker_num as usize;
    let ctl = Rc::new(LoopCtl::default());
    callback::set_current(Some(ctl.clone()));
    sh.publish_running(process::getpid(), n, tw, &pages, peers);

    let cfg = ManagerConfig {
        workers: n,
        task_workers: tw,
        user_processes: sh.user_processes.borrow().len(),
        channels: peers.to_vec(),
        max_wait: settings.max_wait_time,
        stats: pages.stats,
    };
    let mut hooks = PhpManager {
        sh,
        server,
        plans,
        sockets,
        pages,
        ctl: ctl.clone(),
        identity,
    };
    let result = supervisor::run_manager(&cfg, &mut hooks);
    drop(hooks);
    (result, ctl)
}

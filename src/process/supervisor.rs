//! The manager: forks the workers, restarts them with back-off, reloads them one at a time,
//! recycles them after `max_request`, and stops them within a deadline at shutdown.
//!
//! Two halves. [`Supervisor`] is the state machine: told what happened (a fork, an exit, a
//! reload request, shutdown) and what time it is, it answers with [`Command`]s; it touches no
//! process, so its rules are unit-tested without PHP or fork. [`run_manager`] drives it with
//! real processes and signals. The PHP layer plugs in through [`ManagerHooks`] (what a child
//! runs; the ManagerStart / ManagerStop / WorkerError callbacks), the way `net::EventSink`
//! plugs PHP into the reactor; nothing here names PHP.
//!
//! Swoole restarts a crashing worker in a hot loop; we back off (see [`restart_delay`]).

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::getpid;
use super::log::{log, LOG_INFO, LOG_WARNING};
use super::shm::{SharedStats, MAX_SLOTS};
use super::signals::{block_all_signals, restore_sigmask, SignalGuard};
use super::systemd::Notifier;

/// How long the manager waits before restarting a worker that exited unexpectedly
/// `consecutive` times in a row (1 = its first such exit): at once the first time, then
/// 100 ms doubling up to 5 s. The count resets once a worker has run for [`RESET_AFTER`].
pub fn restart_delay(consecutive: u32) -> Duration {
    if consecutive <= 1 {
        return Duration::ZERO;
    }
    let exp = (consecutive - 2).min(16);
    Duration::from_millis(100u64 << exp).min(MAX_RESTART_DELAY)
}

pub const MAX_RESTART_DELAY: Duration = Duration::from_secs(5);
pub const RESET_AFTER: Duration = Duration::from_secs(10);

/// How a child ended, from `waitpid`'s status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitStatus {
    pub code: i32,
    pub signal: i32,
}

impl ExitStatus {
    pub fn from_wait(status: libc::c_int) -> ExitStatus {
        ExitStatus {
            code: if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                0
            },
            signal: if libc::WIFSIGNALED(status) {
                libc::WTERMSIG(status)
            } else {
                0
            },
        }
    }

    /// A non-zero status or a signal: logged, reported to WorkerError.
    pub fn abnormal(&self) -> bool {
        self.code != 0 || self.signal != 0
    }
}

/// What the supervisor asks its driver to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Fork worker `id`; `fire_start` once in the server's life (the first worker 0 runs
    /// onStart, as in Swoole's BASE mode).
    Fork {
        id: usize,
        fire_start: bool,
    },
    Signal {
        pid: i32,
        signal: i32,
    },
}

/// One worker slot.
#[derive(Debug, Clone)]
struct Slot {
    /// 0 while no process runs in the slot.
    pid: i32,
    started: Instant,
    /// Consecutive unplanned exits (reset after [`RESET_AFTER`] of uptime).
    failures: u32,
    /// When to fork a replacement (None while a worker runs, or during shutdown).
    restart_at: Option<Instant>,
    /// A task worker forked during shutdown to run what is queued for the slot (once).
    drain_forked: bool,
}

/// The manager's rules, without processes.
pub struct Supervisor {
    slots: Vec<Slot>,
    start_fired: bool,
    reload_queue: VecDeque<usize>,
    /// The slot being reloaded and when it is killed if it has not exited.
    reloading: Option<(usize, Instant)>,
    /// How long a worker may take to stop (`max_wait_time` plus a margin).
    grace: Duration,
    /// Set by [`Supervisor::shutdown`]: when the stragglers are killed.
    shutdown_deadline: Option<Instant>,
    killed_stragglers: bool,
    /// Slots from this one on are task workers (`reload(true)` / SIGUSR2 restarts only them).
    task_first: usize,
    /// Slots from this one on are user processes (`addProcess()`): forked first, restarted
    /// like workers, never reloaded.
    user_first: usize,
}

impl Supervisor {
    pub fn new(workers: usize, grace: Duration, now: Instant) -> Supervisor {
        Supervisor {
            slots: (0..workers)
                .map(|_| Slot {
                    pid: 0,
                    started: now,
                    failures: 0,
                    restart_at: Some(now),
                    drain_forked: false,
                })
                .collect(),
            start_fired: false,
            reload_queue: VecDeque::new(),
            reloading: None,
            grace,
            shutdown_deadline: None,
            killed_stragglers: false,
            task_first: workers,
            user_first: workers,
        }
    }

    /// Adds `n` user process slots after the workers.
    pub fn with_user_processes(mut self, n: usize, now: Instant) -> Supervisor {
        self.user_first = self.slots.len();
        self.slots.extend((0..n).map(|_| Slot {
            pid: 0,
            started: now,
            failures: 0,
            restart_at: Some(now),
            drain_forked: false,
        }));
        self
    }

    /// A supervisor for `workers` event workers followed by `task_workers` task workers.
    pub fn with_tasks(
        workers: usize,
        task_workers: usize,
        grace: Duration,
        now: Instant,
    ) -> Supervisor {
        let mut s = Supervisor::new(workers + task_workers, grace, now);
        s.task_first = workers;
        s.user_first = workers + task_workers;
        s
    }

    /// Whether slot `id` is a task worker.
    pub fn is_task_worker(&self, id: usize) -> bool {
        id >= self.task_first && id < self.user_first
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutdown_deadline.is_some()
    }

    /// The pid running in slot `id` (0: none).
    pub fn pid(&self, id: usize) -> i32 {
        self.slots.get(id).map_or(0, |s| s.pid)
    }

    /// The slot running `pid`.
    pub fn id_of(&self, pid: i32) -> Option<usize> {
        self.slots.iter().position(|s| s.pid == pid && pid > 0)
    }

    pub fn live_pids(&self) -> Vec<i32> {
        self.slots
            .iter()
            .filter(|s| s.pid > 0)
            .map(|s| s.pid)
            .collect()
    }

    pub fn all_exited(&self) -> bool {
        self.slots.iter().all(|s| s.pid <= 0)
    }

    /// What is due at `now`: forks of empty slots, the next reload step, and kills of
    /// workers that overran their deadline.
    pub fn poll(&mut self, now: Instant) -> Vec<Command> {
        let mut out = Vec::new();
        if let Some(deadline) = self.shutdown_deadline {
            if now >= deadline && !self.killed_stragglers {
                self.killed_stragglers = true;
                out.extend(self.live_pids().into_iter().map(|pid| Command::Signal {
                    pid,
                    signal: libc::SIGKILL,
                }));
            }
            return out;
        }
        // User processes first: they exist before the workers start, as in Swoole.
        let order = (self.user_first..self.slots.len()).chain(0..self.user_first);
        for id in order {
            let slot = &self.slots[id];
            if slot.pid == 0 && slot.restart_at.is_some_and(|t| t <= now) {
                out.push(Command::Fork {
                    id,
                    fire_start: id == 0 && !self.start_fired,
                });
            }
        }
        match self.reloading {
            None => {
                while let Some(id) = self.reload_queue.pop_front() {
                    let pid = self.slots[id].pid;
                    if pid > 0 {
                        self.reloading = Some((id, now + self.grace));
                        out.push(Command::Signal {
                            pid,
                            signal: libc::SIGTERM,
                        });
                        break;
                    }
                }
            }
            Some((id, deadline)) if now >= deadline => {
                let pid = self.slots[id].pid;
                if pid > 0 {
                    out.push(Command::Signal {
                        pid,
                        signal: libc::SIGKILL,
                    });
                }
                // Killed once; its exit ends the reload step.
                self.reloading = Some((id, now + Duration::from_secs(3600)));
            }
            Some(_) => {}
        }
        out
    }

    /// A fork for slot `id` succeeded.
    pub fn forked(&mut self, id: usize, pid: i32, now: Instant) {
        let slot = &mut self.slots[id];
        slot.pid = pid;
        slot.started = now;
        slot.restart_at = None;
        if id == 0 {
            self.start_fired = true;
        }
    }

    /// A fork for slot `id` failed: try again later, backing off as for a crash.
    pub fn fork_failed(&mut self, id: usize, now: Instant) {
        let slot = &mut self.slots[id];
        slot.failures = slot.failures.saturating_add(1);
        slot.restart_at = Some(now + restart_delay(slot.failures.max(2)));
    }

    /// SIGUSR1 / `reload()`: restart every worker, one at a time. Ignored while a reload
    /// is in progress.
    pub fn reload(&mut self) {
        self.reload_range(0);
    }

    /// SIGUSR2 / `reload(true)`: restart only the task workers, one at a time.
    pub fn reload_tasks(&mut self) {
        self.reload_range(self.task_first);
    }

    fn reload_range(&mut self, first: usize) {
        if self.reload_queue.is_empty() && self.reloading.is_none() && !self.is_shutting_down() {
            self.reload_queue.extend(first..self.user_first);
        }
    }

    pub fn reload_in_progress(&self) -> bool {
        self.reloading.is_some() || !self.reload_queue.is_empty()
    }

    /// The process `pid` exited with `status`; `recycled` when it stopped because it
    /// reached `max_request`. Returns its slot, or None for a pid that is not a worker.
    pub fn exited(
        &mut self,
        pid: i32,
        status: ExitStatus,
        recycled: bool,
        now: Instant,
    ) -> Option<usize> {
        let id = self.slots.iter().position(|s| s.pid == pid && pid > 0)?;
        let shutting_down = self.is_shutting_down();
        let reloaded = matches!(self.reloading, Some((r, _)) if r == id);
        let slot = &mut self.slots[id];
        slot.pid = 0;
        if shutting_down {
            slot.restart_at = None;
            return Some(id);
        }
        if reloaded {
            self.reloading = None;
            slot.failures = 0;
            slot.restart_at = Some(now);
        } else if recycled && !status.abnormal() {
            // A planned exit: replaced at once, not counted as a failure.
            slot.failures = 0;
            slot.restart_at = Some(now);
        } else {
            // Abnormal or not (a clean exit outside shutdown, e.g. exit(0) or SIGTERM to the
            // worker alone, is a restart), a worker that keeps exiting backs off.
            if now.saturating_duration_since(slot.started) >= RESET_AFTER {
                slot.failures = 0;
            }
            slot.failures = slot.failures.saturating_add(1);
            slot.restart_at = Some(now + restart_delay(slot.failures));
        }
        Some(id)
    }

    /// Begins shutdown: every live worker is asked to stop; those still alive after the
    /// grace period are killed by a later [`Supervisor::poll`].
    ///
    /// A task worker slot that is empty at that moment (its worker was being reloaded or
    /// recycled) is forked once more: the tasks queued in its channel must still run, and
    /// the new task worker, seeing the shutdown, drains its queue and exits. The driver then
    /// sends it SIGTERM like the others.
    pub fn shutdown(&mut self, now: Instant) -> Vec<Command> {
        self.shutdown_deadline = Some(now + self.grace);
        self.reload_queue.clear();
        self.reloading = None;
        let mut out: Vec<Command> = (0..self.slots.len())
            .filter(|&id| self.is_task_worker(id) && self.slots[id].pid == 0)
            .map(|id| Command::Fork {
                id,
                fire_start: false,
            })
            .collect();
        for (id, s) in self.slots.iter_mut().enumerate() {
            s.restart_at = None;
            s.drain_forked = out.contains(&Command::Fork {
                id,
                fire_start: false,
            });
        }
        out.extend(self.live_pids().into_iter().map(|pid| Command::Signal {
            pid,
            signal: libc::SIGTERM,
        }));
        out
    }

    /// During shutdown, before the deadline: a task worker slot left empty by a worker that
    /// was stopping for a reload or `task_max_request` when shutdown began (it left its queue
    /// to a replacement that shutdown does not start) and whose channel still holds tasks
    /// (`queued`) gets one last task worker, which sees the shutdown and runs them.
    pub fn drain_forks(&mut self, now: Instant, queued: impl Fn(usize) -> bool) -> Vec<Command> {
        if self.shutdown_deadline.is_none_or(|d| now >= d) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for id in self.task_first..self.user_first {
            let s = &mut self.slots[id];
            if s.pid == 0 && !s.drain_forked && queued(id) {
                s.drain_forked = true;
                out.push(Command::Fork {
                    id,
                    fire_start: false,
                });
            }
        }
        out
    }

    /// How long the driver may sleep before something is due (at most `cap`).
    pub fn timeout(&self, now: Instant, cap: Duration) -> Duration {
        let mut due: Vec<Instant> = self
            .slots
            .iter()
            .filter(|s| s.pid == 0)
            .filter_map(|s| s.restart_at)
            .collect();
        due.extend(self.reloading.map(|(_, t)| t));
        if !self.killed_stragglers {
            due.extend(self.shutdown_deadline);
        }
        due.into_iter()
            .map(|t| t.saturating_duration_since(now))
            .min()
            .unwrap_or(cap)
            .min(cap)
    }
}

/// What the layer above provides to the manager.
pub trait ManagerHooks {
    /// In the manager, right before each fork (e.g. flush buffered output so the child does
    /// not write it a second time).
    fn before_fork(&mut self);
    /// In the new child, with the manager's signal handling already undone; never returns.
    /// Every signal is blocked in the child until it restores `sigmask` once its own
    /// handlers exist, so a SIGTERM sent right after the fork is not lost to the default
    /// action.
    fn run_child(&mut self, id: usize, fire_start: bool, sigmask: libc::sigset_t) -> !;
    /// In the manager, after slot `id` was forked as `pid`.
    fn forked(&mut self, _id: usize, _pid: i32) {}
    fn manager_start(&mut self);
    fn manager_stop(&mut self);
    /// A worker exited abnormally (after the log line).
    fn worker_error(&mut self, id: usize, pid: i32, status: ExitStatus);
    /// Whether user code in the manager asked to stop (`shutdown()`, `exit()`, a fatal error).
    fn stop_requested(&self) -> bool;
    /// When the manager's next timer (`Swoole\Timer` in onManagerStart) is due.
    fn next_timer(&self) -> Option<Instant> {
        None
    }
    /// Runs the manager's due timers.
    fn run_timers(&mut self) {}
}

/// How the manager runs.
pub struct ManagerConfig {
    pub workers: usize,
    /// Task workers, in the slots after the event workers.
    pub task_workers: usize,
    /// `addProcess()` processes, in the slots after the task workers.
    pub user_processes: usize,
    /// Every slot's channel: the manager tells a sender when its task was lost.
    pub channels: Vec<super::Channel>,
    /// `max_wait_time`: how long a stopping worker may take before it is killed.
    pub max_wait: Duration,
    /// Where worker pids, connection counts and the recycled flags live.
    pub stats: &'static SharedStats,
}

/// Runs the manager until SIGTERM/SIGINT or a stop request from its callbacks, then stops
/// every worker (killing stragglers after the deadline). Must be called with no runtime and
/// no other thread in the process: it forks.
pub fn run_manager<H: ManagerHooks>(cfg: &ManagerConfig, hooks: &mut H) -> Result<(), String> {
    let signals = SignalGuard::install_for(&[
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGCHLD,
        libc::SIGRTMIN(),
        libc::SIGWINCH,
        worker_started_signal(),
    ])
    .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let manager_pid = getpid();
    let grace = cfg.max_wait + Duration::from_millis(500);
    let now = Instant::now();
    let mut sup = Supervisor::with_tasks(cfg.workers, cfg.task_workers, grace, now)
        .with_user_processes(cfg.user_processes, now);
    let notifier = Notifier::from_env();
    let mut ready_sent = false;
    hooks.manager_start();
    let mut stop = false;
    while !stop && !hooks.stop_requested() {
        for cmd in sup.poll(Instant::now()) {
            match cmd {
                Command::Fork { id, fire_start } => {
                    match fork_worker(cfg, hooks, &signals, manager_pid, id, fire_start) {
                        Some(pid) => {
                            sup.forked(id, pid, Instant::now());
                            hooks.forked(id, pid);
                        }
                        None => {
                            log(
                                LOG_WARNING,
                                '$',
                                0,
                                &format!(
                                    "Manager: fork() failed for worker #{id}: {}",
                                    std::io::Error::last_os_error()
                                ),
                            );
                            sup.fork_failed(id, Instant::now());
                        }
                    }
                }
                Command::Signal { pid, signal } => {
                    if signal == libc::SIGKILL {
                        let id = sup.id_of(pid).unwrap_or(0);
                        log(
                            LOG_WARNING,
                            '$',
                            0,
                            &format!("ReloadTask::kill_all(): force kill worker process(pid={pid}, id={id})"),
                        );
                    }
                    kill(pid, signal)
                }
            }
        }
        let now = Instant::now();
        let mut timeout = sup.timeout(now, Duration::from_secs(1));
        if let Some(t) = hooks.next_timer() {
            timeout = timeout.min(t.saturating_duration_since(now));
        }
        for sig in signals.wait_blocking(timeout) {
            match sig {
                libc::SIGTERM | libc::SIGINT => stop = true,
                libc::SIGUSR1 => {
                    if !sup.reload_in_progress() {
                        if let Some(n) = &notifier {
                            n.reloading();
                            ready_sent = false;
                        }
                        // Replacements inherit the reopened log_file (logrotate's postrotate
                        // may send SIGUSR1 as well as SIGRTMIN).
                        super::log::reopen();
                        log(LOG_INFO, '$', 0, "Server is reloading all workers now");
                    }
                    cfg.stats.reloads.fetch_add(1, Ordering::Relaxed);
                    sup.reload();
                }
                s if s == libc::SIGRTMIN() || s == libc::SIGWINCH => super::log::reopen(),
                libc::SIGUSR2 => sup.reload_tasks(),
                _ => {}
            }
        }
        reap(cfg, hooks, &mut sup, false);
        if !stop {
            hooks.run_timers();
        }
        if let Some(n) = &notifier {
            // READY=1 once every worker has run onWorkerStart (again after a reload).
            let all_started = (0..cfg.workers + cfg.task_workers).all(|i| {
                sup.pid(i) > 0
                    && cfg.stats.health[i % MAX_SLOTS]
                        .started
                        .load(Ordering::Relaxed)
            });
            if all_started && !ready_sent && !sup.reload_in_progress() {
                ready_sent = n.ready(manager_pid);
            }
        }
    }
    if let Some(n) = &notifier {
        n.stopping();
    }

    cfg.stats.shutting_down.store(true, Ordering::Relaxed);
    for cmd in sup.shutdown(Instant::now()) {
        match cmd {
            Command::Signal { pid, signal } => kill(pid, signal),
            // An empty task worker slot: a last task worker drains what is queued for it.
            Command::Fork { id, fire_start } => {
                drain_fork(cfg, hooks, &signals, manager_pid, &mut sup, id, fire_start)
            }
        }
    }
    loop {
        let queued = |id: usize| cfg.channels.get(id).is_some_and(|c| c.has_queued());
        for cmd in sup.drain_forks(Instant::now(), queued) {
            if let Command::Fork { id, fire_start } = cmd {
                drain_fork(cfg, hooks, &signals, manager_pid, &mut sup, id, fire_start);
            }
        }
        if sup.all_exited() {
            break;
        }
        let killed = sup.poll(Instant::now());
        if !killed.is_empty() {
            log(
                LOG_WARNING,
                '$',
                0,
                "Manager::terminate_all_worker() (ERRNO 9101): wait timeout, all worker processes will be forcibly terminated",
            );
            for cmd in killed {
                if let Command::Signal { pid, signal } = cmd {
                    kill(pid, signal);
                }
            }
            reap(cfg, hooks, &mut sup, true);
            break;
        }
        signals.wait_blocking(
            sup.timeout(Instant::now(), Duration::from_millis(50))
                .min(Duration::from_millis(50)),
        );
        reap(cfg, hooks, &mut sup, false);
    }
    hooks.manager_stop();
    drop(signals);
    Ok(())
}

/// What a worker sends the manager once its onWorkerStart returned (with `NOTIFY_SOCKET`
/// set), so READY=1 goes out at once instead of at the manager's next wake-up.
pub fn worker_started_signal() -> libc::c_int {
    libc::SIGRTMIN() + 1
}

fn kill(pid: i32, signal: i32) {
    // SAFETY: signalling our own child.
    unsafe { libc::kill(pid, signal) };
}

/// Forks worker `id`; returns its pid in the manager (None when fork failed). The child runs
/// `hooks.run_child` and never comes back here.
fn fork_worker<H: ManagerHooks>(
    cfg: &ManagerConfig,
    hooks: &mut H,
    signals: &SignalGuard,
    manager_pid: i64,
    id: usize,
    fire_start: bool,
) -> Option<i32> {
    hooks.before_fork();
    let mask = block_all_signals();
    // SAFETY: no runtime and no other thread exist in this process; the child resets the
    // manager's signal handling before unblocking signals (its loop restores `mask`).
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: prctl with constant arguments. The worker stops gracefully (SIGTERM,
        // blocked until its handlers exist) if the manager dies; if it died already, the
        // worker is alone: leave at once.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            if libc::getppid() as i64 != manager_pid {
                libc::_exit(0);
            }
        }
        signals.release_in_child();
        hooks.run_child(id, fire_start, mask);
    }
    restore_sigmask(&mask);
    if pid > 0 {
        cfg.stats.pids[id % MAX_SLOTS].store(pid, Ordering::Relaxed);
        Some(pid)
    } else {
        None
    }
}

/// Reaps every exited worker: logs and reports abnormal exits, frees its slot in the shared
/// page and tells the supervisor. With `block` (after killing the stragglers of a shutdown),
/// waits for each remaining worker and reports nothing: those were killed on purpose.
/// Forks a task worker during shutdown and asks it to stop at once: seeing the shutdown, it
/// runs its whole queue first.
fn drain_fork<H: ManagerHooks>(
    cfg: &ManagerConfig,
    hooks: &mut H,
    signals: &SignalGuard,
    manager_pid: i64,
    sup: &mut Supervisor,
    id: usize,
    fire_start: bool,
) {
    if let Some(pid) = fork_worker(cfg, hooks, signals, manager_pid, id, fire_start) {
        sup.forked(id, pid, Instant::now());
        hooks.forked(id, pid);
        kill(pid, libc::SIGTERM);
    }
}

fn reap<H: ManagerHooks>(cfg: &ManagerConfig, hooks: &mut H, sup: &mut Supervisor, block: bool) {
    for pid in sup.live_pids() {
        let mut status = 0;
        let flags = if block { 0 } else { libc::WNOHANG };
        // SAFETY: waiting for our own child.
        let r = unsafe { libc::waitpid(pid, &mut status, flags) };
        if r != pid {
            continue;
        }
        let status = ExitStatus::from_wait(status);
        let slots = cfg.workers + cfg.task_workers + cfg.user_processes;
        let Some(id) = (0..slots).find(|&i| sup.pid(i) == pid) else {
            continue;
        };
        let slot = id % MAX_SLOTS;
        cfg.stats.connections[slot].store(0, Ordering::Relaxed);
        cfg.stats.pids[slot].store(0, Ordering::Relaxed);
        cfg.stats.health[slot]
            .started
            .store(false, Ordering::Relaxed);
        let recycled = cfg.stats.recycled[slot].swap(false, Ordering::Relaxed);
        if sup.is_task_worker(id) {
            report_lost_task(cfg, id, pid, status);
        }
        if status.abnormal() && !block {
            log(
                LOG_WARNING,
                '$',
                0,
                &format!(
                    "Worker::report_error(): worker(pid={pid}, id={id}) abnormal exit, status={}, signal={}",
                    status.code, status.signal
                ),
            );
            hooks.worker_error(id, pid, status);
        }
        sup.exited(pid, status, recycled, Instant::now());
    }
}

/// A task worker that died while running a task (the only way it exits with one in flight:
/// a graceful stop finishes the task first) lost that task. It is not run again (it may have
/// done part of its work); the manager logs the task id, sender and task worker, and tells
/// the sender, which warns and stops waiting for the result.
fn report_lost_task(cfg: &ManagerConfig, id: usize, pid: i32, status: ExitStatus) {
    let slot = id % MAX_SLOTS;
    let Some((src, task_id)) =
        super::shm::in_flight_parts(cfg.stats.in_flight[slot].swap(0, Ordering::Relaxed))
    else {
        return;
    };
    let _ = cfg.stats.tasking[slot].fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
        Some(n.saturating_sub(1))
    });
    log(
        LOG_WARNING,
        '$',
        0,
        &format!(
            "Manager: task #{task_id} from worker #{src} was lost: task worker #{id} (pid={pid}) exited (status={}, signal={}) while running it; it is not run again",
            status.code, status.signal
        ),
    );
    if let Some(ch) = cfg.channels.get(src as usize) {
        let header = super::channel::Header {
            kind: super::channel::Kind::Lost,
            flags: 0,
            src: id as u16,
            msg_id: super::channel::next_msg_id(),
            target: task_id,
        };
        let _ = ch.send_message(header, &[], None, Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRACE: Duration = Duration::from_millis(3500);

    fn ok() -> ExitStatus {
        ExitStatus { code: 0, signal: 0 }
    }

    fn killed() -> ExitStatus {
        ExitStatus { code: 0, signal: 9 }
    }

    /// A supervisor whose `n` workers have all been forked (pids 100, 101, …).
    fn running(n: usize, t0: Instant) -> Supervisor {
        let mut s = Supervisor::new(n, GRACE, t0);
        let cmds = s.poll(t0);
        assert_eq!(cmds.len(), n);
        for c in cmds {
            if let Command::Fork { id, .. } = c {
                s.forked(id, 100 + id as i32, t0);
            }
        }
        s
    }

    #[test]
    fn restart_delay_backs_off_and_caps() {
        let ms = |n| restart_delay(n).as_millis();
        assert_eq!(ms(0), 0);
        assert_eq!(ms(1), 0);
        assert_eq!(ms(2), 100);
        assert_eq!(ms(3), 200);
        assert_eq!(ms(4), 400);
        assert_eq!(ms(7), 3200);
        assert_eq!(ms(8), 5000);
        assert_eq!(ms(1000), 5000);
        assert_eq!(ms(u32::MAX), 5000);
    }

    #[test]
    fn every_slot_is_forked_at_start_and_only_worker_0_fires_start() {
        let t0 = Instant::now();
        let mut s = Supervisor::new(3, GRACE, t0);
        assert_eq!(
            s.poll(t0),
            vec![
                Command::Fork {
                    id: 0,
                    fire_start: true
                },
                Command::Fork {
                    id: 1,
                    fire_start: false
                },
                Command::Fork {
                    id: 2,
                    fire_start: false
                },
            ]
        );
        for id in 0..3 {
            s.forked(id, 10 + id as i32, t0);
        }
        assert!(s.poll(t0).is_empty());
        // Worker 0 restarted later does not fire onStart again.
        s.exited(10, killed(), false, t0);
        assert_eq!(
            s.poll(t0),
            vec![Command::Fork {
                id: 0,
                fire_start: false
            }]
        );
    }

    #[test]
    fn a_crash_loop_backs_off_and_uptime_resets_it() {
        let t0 = Instant::now();
        let mut s = running(1, t0);
        let mut t = t0;
        let mut delays = Vec::new();
        for pid in 100..106 {
            assert_eq!(s.exited(pid, killed(), false, t), Some(0));
            let wait = s.timeout(t, Duration::from_secs(60));
            delays.push(wait.as_millis());
            if !wait.is_zero() {
                assert!(s.poll(t + wait - Duration::from_millis(1)).is_empty());
            }
            t += wait;
            assert_eq!(
                s.poll(t),
                vec![Command::Fork {
                    id: 0,
                    fire_start: false
                }]
            );
            s.forked(0, pid + 1, t);
        }
        assert_eq!(delays, vec![0, 100, 200, 400, 800, 1600]);
        // After RESET_AFTER of uptime the next crash restarts at once.
        t += RESET_AFTER;
        s.exited(106, killed(), false, t);
        assert_eq!(s.timeout(t, Duration::from_secs(60)), Duration::ZERO);
    }

    #[test]
    fn recycling_replaces_at_once_without_back_off() {
        let t0 = Instant::now();
        let mut s = running(2, t0);
        let mut t = t0;
        for i in 0..5 {
            let pid = if i == 0 { 100 } else { 200 + i - 1 };
            s.exited(pid, ok(), true, t);
            assert_eq!(s.timeout(t, Duration::from_secs(60)), Duration::ZERO);
            assert_eq!(
                s.poll(t),
                vec![Command::Fork {
                    id: 0,
                    fire_start: false
                }]
            );
            s.forked(0, 200 + i, t);
            t += Duration::from_millis(10);
        }
        // A recycled worker that exits abnormally is a failure like any other.
        s.exited(204, killed(), true, t);
        s.forked(0, 300, t);
        s.exited(300, killed(), true, t);
        assert_eq!(
            s.timeout(t, Duration::from_secs(60)),
            Duration::from_millis(100)
        );
    }

    #[test]
    fn reload_restarts_one_worker_at_a_time() {
        let t0 = Instant::now();
        let mut s = running(3, t0);
        s.reload();
        assert!(s.reload_in_progress());
        assert_eq!(
            s.poll(t0),
            vec![Command::Signal {
                pid: 100,
                signal: libc::SIGTERM
            }]
        );
        // Nothing else happens until the first one has exited.
        assert!(s.poll(t0 + Duration::from_secs(1)).is_empty());
        s.reload(); // a second request while one runs is ignored
        s.exited(100, ok(), false, t0 + Duration::from_secs(1));
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(
            s.poll(t1),
            vec![
                Command::Fork {
                    id: 0,
                    fire_start: false
                },
                Command::Signal {
                    pid: 101,
                    signal: libc::SIGTERM
                }
            ]
        );
        s.forked(0, 110, t1);
        s.exited(101, ok(), false, t1);
        assert_eq!(
            s.poll(t1),
            vec![
                Command::Fork {
                    id: 1,
                    fire_start: false
                },
                Command::Signal {
                    pid: 102,
                    signal: libc::SIGTERM
                }
            ]
        );
        s.forked(1, 111, t1);
        s.exited(102, ok(), false, t1);
        assert_eq!(
            s.poll(t1),
            vec![Command::Fork {
                id: 2,
                fire_start: false
            }]
        );
        s.forked(2, 112, t1);
        assert!(!s.reload_in_progress());
        assert_eq!(s.live_pids(), vec![110, 111, 112]);
    }

    #[test]
    fn a_reloaded_worker_that_overruns_the_deadline_is_killed_once() {
        let t0 = Instant::now();
        let mut s = running(2, t0);
        s.reload();
        assert_eq!(s.poll(t0).len(), 1);
        assert!(s.poll(t0 + GRACE - Duration::from_millis(1)).is_empty());
        assert_eq!(s.timeout(t0, Duration::from_secs(60)), GRACE);
        assert_eq!(
            s.poll(t0 + GRACE),
            vec![Command::Signal {
                pid: 100,
                signal: libc::SIGKILL
            }]
        );
        assert!(s.poll(t0 + GRACE * 2).is_empty());
        // Its SIGKILL exit completes the step without back-off, and the next one follows.
        s.exited(100, killed(), false, t0 + GRACE * 2);
        let t = t0 + GRACE * 2;
        assert_eq!(s.timeout(t, Duration::from_secs(60)), Duration::ZERO);
        assert_eq!(
            s.poll(t),
            vec![
                Command::Fork {
                    id: 0,
                    fire_start: false
                },
                Command::Signal {
                    pid: 101,
                    signal: libc::SIGTERM
                }
            ]
        );
    }

    #[test]
    fn shutdown_gives_an_empty_task_worker_slot_a_last_worker_to_drain_its_queue() {
        let t0 = Instant::now();
        let mut s = Supervisor::with_tasks(1, 1, GRACE, t0);
        for c in s.poll(t0) {
            if let Command::Fork { id, .. } = c {
                s.forked(id, 100 + id as i32, t0);
            }
        }
        // The task worker exits (reloaded) and shutdown comes before its replacement.
        s.exited(101, ok(), false, t0);
        let cmds = s.shutdown(t0);
        assert_eq!(
            cmds,
            vec![
                Command::Fork {
                    id: 1,
                    fire_start: false
                },
                Command::Signal {
                    pid: 100,
                    signal: libc::SIGTERM
                }
            ]
        );
    }

    #[test]
    fn a_task_worker_still_stopping_for_a_reload_at_shutdown_gets_one_drain_worker_if_tasks_are_queued(
    ) {
        let t0 = Instant::now();
        let mut s = Supervisor::with_tasks(1, 2, GRACE, t0);
        for c in s.poll(t0) {
            if let Command::Fork { id, .. } = c {
                s.forked(id, 100 + id as i32, t0);
            }
        }
        s.reload_tasks();
        let _ = s.poll(t0); // task worker 1 is asked to stop for the reload
        let cmds = s.shutdown(t0);
        assert!(!cmds.iter().any(|c| matches!(c, Command::Fork { .. })));
        // It exits after shutdown began, leaving its queue; task worker 2 exits too, queue empty.
        s.exited(101, ok(), false, t0);
        s.exited(102, ok(), false, t0);
        let queued = |id: usize| id == 1;
        assert_eq!(
            s.drain_forks(t0, queued),
            vec![Command::Fork {
                id: 1,
                fire_start: false
            }]
        );
        s.forked(1, 201, t0);
        s.exited(201, ok(), false, t0);
        // Once per slot: a drain worker that could not finish is not replaced again.
        assert!(s.drain_forks(t0, queued).is_empty());
        // Never after the deadline.
        let mut late = Supervisor::with_tasks(1, 1, GRACE, t0);
        for c in late.poll(t0) {
            if let Command::Fork { id, .. } = c {
                late.forked(id, 300 + id as i32, t0);
            }
        }
        let _ = late.shutdown(t0);
        late.exited(301, ok(), false, t0);
        assert!(late.drain_forks(t0 + GRACE, |_| true).is_empty());
    }

    #[test]
    fn shutdown_asks_then_kills_stragglers_after_the_deadline() {
        let t0 = Instant::now();
        let mut s = running(3, t0);
        let cmds = s.shutdown(t0);
        assert_eq!(
            cmds,
            (100..103)
                .map(|pid| Command::Signal {
                    pid,
                    signal: libc::SIGTERM
                })
                .collect::<Vec<_>>()
        );
        s.exited(101, ok(), false, t0);
        // No restarts during shutdown, not even of a worker that crashed.
        s.exited(100, killed(), false, t0);
        assert!(s.poll(t0 + GRACE - Duration::from_millis(1)).is_empty());
        assert_eq!(
            s.poll(t0 + GRACE),
            vec![Command::Signal {
                pid: 102,
                signal: libc::SIGKILL
            }]
        );
        assert!(s.poll(t0 + GRACE * 2).is_empty());
        s.exited(102, killed(), false, t0 + GRACE);
        assert!(s.all_exited());
        // Reload requests during shutdown do nothing.
        s.reload();
        assert!(!s.reload_in_progress());
    }

    #[test]
    fn a_failed_fork_is_retried_with_back_off() {
        let t0 = Instant::now();
        let mut s = Supervisor::new(1, GRACE, t0);
        assert_eq!(s.poll(t0).len(), 1);
        s.fork_failed(0, t0);
        assert!(s.poll(t0).is_empty());
        assert_eq!(
            s.timeout(t0, Duration::from_secs(60)),
            Duration::from_millis(100)
        );
        assert_eq!(s.poll(t0 + Duration::from_millis(100)).len(), 1);
    }

    #[test]
    fn unknown_pids_are_ignored() {
        let t0 = Instant::now();
        let mut s = running(1, t0);
        assert_eq!(s.exited(999, killed(), false, t0), None);
        assert_eq!(s.exited(0, killed(), false, t0), None);
        assert_eq!(s.live_pids(), vec![100]);
    }

    #[test]
    fn exit_status_decodes_waitpid() {
        assert_eq!(
            ExitStatus::from_wait(3 << 8),
            ExitStatus { code: 3, signal: 0 }
        );
        assert_eq!(ExitStatus::from_wait(9), killed());
        assert!(!ExitStatus::from_wait(0).abnormal());
    }

    #[test]
    fn reload_tasks_restarts_only_task_workers() {
        let t0 = Instant::now();
        let mut s = Supervisor::with_tasks(2, 2, GRACE, t0);
        for c in s.poll(t0) {
            if let Command::Fork { id, .. } = c {
                s.forked(id, 100 + id as i32, t0);
            }
        }
        assert_eq!(s.live_pids(), vec![100, 101, 102, 103]);
        assert!(!s.is_task_worker(1));
        assert!(s.is_task_worker(2) && s.is_task_worker(3));
        assert!(!s.is_task_worker(4));
        s.reload_tasks();
        assert_eq!(
            s.poll(t0),
            vec![Command::Signal {
                pid: 102,
                signal: libc::SIGTERM
            }]
        );
        s.exited(102, ok(), false, t0);
        assert_eq!(
            s.poll(t0),
            vec![
                Command::Fork {
                    id: 2,
                    fire_start: false
                },
                Command::Signal {
                    pid: 103,
                    signal: libc::SIGTERM
                }
            ]
        );
        s.forked(2, 112, t0);
        s.exited(103, ok(), false, t0);
        s.poll(t0);
        s.forked(3, 113, t0);
        assert!(!s.reload_in_progress());
        assert_eq!(s.live_pids(), vec![100, 101, 112, 113]);
        // A full reload covers task workers too.
        s.reload();
        assert_eq!(
            s.poll(t0),
            vec![Command::Signal {
                pid: 100,
                signal: libc::SIGTERM
            }]
        );
    }

    #[test]
    fn a_crashing_task_worker_backs_off_like_a_worker() {
        let t0 = Instant::now();
        let mut s = Supervisor::with_tasks(1, 1, GRACE, t0);
        for c in s.poll(t0) {
            if let Command::Fork { id, .. } = c {
                s.forked(id, 100 + id as i32, t0);
            }
        }
        assert_eq!(s.exited(101, killed(), false, t0), Some(1));
        assert_eq!(s.timeout(t0, Duration::from_secs(60)), Duration::ZERO);
        s.poll(t0);
        s.forked(1, 201, t0);
        s.exited(201, killed(), false, t0);
        assert_eq!(
            s.timeout(t0, Duration::from_secs(60)),
            Duration::from_millis(100)
        );
    }

    #[test]
    fn user_processes_start_first_restart_and_are_not_reloaded() {
        let t0 = Instant::now();
        let mut s = Supervisor::with_tasks(1, 1, GRACE, t0).with_user_processes(1, t0);
        let forks: Vec<usize> = s
            .poll(t0)
            .into_iter()
            .filter_map(|c| match c {
                Command::Fork { id, .. } => Some(id),
                _ => None,
            })
            .collect();
        assert_eq!(forks, vec![2, 0, 1]);
        for id in forks {
            s.forked(id, 100 + id as i32, t0);
        }
        assert!(!s.is_task_worker(2));
        s.reload();
        let mut signalled = Vec::new();
        let mut next_pid = 110;
        while s.reload_in_progress() || signalled.len() < 2 {
            for c in s.poll(t0) {
                match c {
                    Command::Signal { pid, .. } => {
                        signalled.push(pid);
                        s.exited(pid, ok(), false, t0);
                    }
                    Command::Fork { id, .. } => {
                        s.forked(id, next_pid, t0);
                        next_pid += 1;
                    }
                }
            }
            assert!(signalled.len() <= 2, "{signalled:?}");
        }
        for c in s.poll(t0) {
            if let Command::Fork { id, .. } = c {
                s.forked(id, next_pid, t0);
                next_pid += 1;
            }
        }
        assert_eq!(signalled, vec![100, 101]);
        assert!(!s.reload_in_progress());
        // A user process that dies is restarted with the same back-off.
        assert_eq!(s.exited(102, killed(), false, t0), Some(2));
        assert_eq!(
            s.poll(t0),
            vec![Command::Fork {
                id: 2,
                fire_start: false
            }]
        );
        s.forked(2, 202, t0);
        s.exited(202, killed(), false, t0);
        assert_eq!(
            s.timeout(t0, Duration::from_secs(60)),
            Duration::from_millis(100)
        );
        // Shutdown stops it with the rest.
        assert_eq!(s.shutdown(t0).len(), 2);
    }
}

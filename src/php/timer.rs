//! `Swoole\Timer` and the `swoole_timer_*` functions.
//!
//! Timers live on the server's event loop, so they exist only while `start()` runs (create
//! them in onWorkerStart or any callback). Swoole lets a timer created before `start()` create
//! the event loop and then makes `start()` fail with "The event-loop has already been
//! created"; we refuse such a timer at once with a warning that says where to create it.
//! All timers are cleared when the server stops, so none outlives its loop.
//!
//! The manager has no event loop (it forks, so it runs no runtime): its timers (created in
//! onManagerStart, as Swoole allows) are kept with their due time here, and the manager's
//! supervision loop sleeps until the next one and runs what is due ([`next_due`],
//! [`run_due`]). They are cleared after onManagerStop. The PROCESS-mode master runs PHP
//! on one thread that only waits (for signals and `dispatch_func` questions), so its timers
//! (created in onStart) are driven the same way by its wait loop, and cleared before
//! onShutdown.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use tokio::task::AbortHandle;

use super::callback::{self, Outcome};
use super::errors;

struct Entry {
    callback: Zval,
    args: Vec<Zval>,
    interval_ms: i64,
    tick: bool,
    abort: Option<AbortHandle>,
    /// In the manager: when it fires next.
    due: Option<Instant>,
}

/// Where timers run.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Off,
    /// On the event loop (tokio tasks).
    Loop,
    /// In the manager, driven by its supervision loop.
    Manager,
}

thread_local! {
    static TIMERS: RefCell<BTreeMap<i64, Entry>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_ID: Cell<i64> = const { Cell::new(0) };
    static MODE: Cell<Mode> = const { Cell::new(Mode::Off) };
}

/// Called by `start()` when its loop begins and ends.
pub fn enable(on: bool) {
    MODE.with(|e| e.set(if on { Mode::Loop } else { Mode::Off }));
    if !on {
        clear_all_timers();
    }
}

/// Called around the manager's life (before onManagerStart, after onManagerStop) and the
/// PROCESS-mode master's (before onStart, before onShutdown): timers polled by their loop.
pub fn enable_in_manager(on: bool) {
    MODE.with(|e| e.set(if on { Mode::Manager } else { Mode::Off }));
    if !on {
        clear_all_timers();
    }
}

/// In a freshly forked child: the manager's timers are not the child's.
pub fn forget_inherited() {
    MODE.with(|e| e.set(Mode::Off));
    clear_all_timers();
}

/// When the manager's next timer is due.
pub fn next_due() -> Option<Instant> {
    TIMERS.with(|t| t.borrow().values().filter_map(|e| e.due).min())
}

/// Runs the manager's due timers (each once, even if it is late by several intervals).
pub fn run_due() {
    let now = Instant::now();
    let due: Vec<i64> = TIMERS.with(|t| {
        t.borrow()
            .iter()
            .filter(|(_, e)| e.due.is_some_and(|d| d <= now))
            .map(|(id, _)| *id)
            .collect()
    });
    for id in due {
        if fire(id) {
            TIMERS.with(|t| {
                if let Some(e) = t.borrow_mut().get_mut(&id) {
                    e.due = Some(Instant::now() + Duration::from_millis(e.interval_ms as u64));
                }
            });
        }
    }
}

/// Timers still pending (WorkerExit fires while there are any).
pub fn active() -> usize {
    TIMERS.with(|t| t.borrow().len())
}

fn add(ms: i64, callback: &Zval, params: &[&Zval], tick: bool) -> Option<i64> {
    let mode = MODE.with(|e| e.get());
    if mode == Mode::Off {
        errors::warning_code(
            errors::WRONG_OPERATION,
            "timers need a running server: create them in onWorkerStart or another server callback",
        );
        return None;
    }
    if ms <= 0 {
        errors::warning_code(
            errors::INVALID_PARAMS,
            &format!("Timer must be greater than 0, {ms} given"),
        );
        return None;
    }
    if !callback.is_callable() {
        errors::warning_code(errors::INVALID_PARAMS, "illegal callback function");
        return None;
    }
    let id = NEXT_ID.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    TIMERS.with(|t| {
        t.borrow_mut().insert(
            id,
            Entry {
                callback: callback.shallow_clone(),
                args: params.iter().map(|z| z.shallow_clone()).collect(),
                interval_ms: ms,
                tick,
                abort: None,
                due: (mode == Mode::Manager)
                    .then(|| Instant::now() + Duration::from_millis(ms as u64)),
            },
        )
    });
    if mode == Mode::Manager {
        return Some(id);
    }
    let handle = tokio::task::spawn_local(async move {
        let period = Duration::from_millis(ms as u64);
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if !fire(id) {
                break;
            }
        }
    });
    TIMERS.with(|t| {
        if let Some(e) = t.borrow_mut().get_mut(&id) {
            e.abort = Some(handle.abort_handle());
        }
    });
    Some(id)
}

/// Runs timer `id` once. Returns whether it should keep running.
fn fire(id: i64) -> bool {
    // Take what the call needs out of the table first: the callback may clear this timer.
    let Some((cb, args, tick)) = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        let e = t.get(&id)?;
        let r = (
            e.callback.shallow_clone(),
            e.args.iter().map(|z| z.shallow_clone()).collect::<Vec<_>>(),
            e.tick,
        );
        if !e.tick {
            t.remove(&id);
        }
        Some(r)
    }) else {
        return false;
    };
    let id_zv: Zval = {
        let mut z = Zval::new();
        z.set_long(id);
        z
    };
    let mut call_args: Vec<&dyn IntoZvalDyn> = Vec::with_capacity(args.len() + 1);
    if tick {
        call_args.push(&id_zv);
    }
    for a in &args {
        call_args.push(a);
    }
    let outcome = callback::call(&cb, call_args, &|| format!("timer #{id} callback"));
    tick && !matches!(outcome, Outcome::Stopping) && exists(id)
}

fn exists(id: i64) -> bool {
    TIMERS.with(|t| t.borrow().contains_key(&id))
}

fn clear(id: i64) -> bool {
    let entry = TIMERS.with(|t| t.borrow_mut().remove(&id));
    match entry {
        Some(e) => {
            if let Some(a) = &e.abort {
                a.abort();
            }
            true
        }
        None => false,
    }
}

fn clear_all_timers() -> bool {
    let all = TIMERS.with(|t| std::mem::take(&mut *t.borrow_mut()));
    for e in all.values() {
        if let Some(a) = &e.abort {
            a.abort();
        }
    }
    true
}

fn to_zval(id: Option<i64>) -> Zval {
    let mut z = Zval::new();
    match id {
        Some(i) => z.set_long(i),
        None => z.set_bool(false),
    }
    z
}

/// Timers on the running server's event loop.
#[php_class]
#[php(name = "Swoole\\Timer")]
pub struct Timer;

#[php_impl]
impl Timer {
    /// Runs `$callback($timer_id, ...$params)` every `$ms` milliseconds. Returns the timer id.
    pub fn tick(ms: i64, callback: &Zval, params: &[&Zval]) -> Zval {
        to_zval(add(ms, callback, params, true))
    }

    /// Runs `$callback(...$params)` once after `$ms` milliseconds. Returns the timer id.
    pub fn after(ms: i64, callback: &Zval, params: &[&Zval]) -> Zval {
        to_zval(add(ms, callback, params, false))
    }

    /// Cancels a timer; false if it does not exist (any more).
    pub fn clear(timer_id: i64) -> bool {
        clear(timer_id)
    }

    /// Cancels every timer of this process.
    pub fn clear_all() -> bool {
        clear_all_timers()
    }

    pub fn exists(timer_id: i64) -> bool {
        exists(timer_id)
    }

    /// Ids of the active timers.
    pub fn list() -> Vec<i64> {
        TIMERS.with(|t| t.borrow().keys().copied().collect())
    }

    /// `['interval' => ms, 'tick' => bool]` for a timer, or null.
    pub fn info(timer_id: i64) -> Option<std::collections::HashMap<String, i64>> {
        TIMERS.with(|t| {
            t.borrow().get(&timer_id).map(|e| {
                let mut m = std::collections::HashMap::new();
                m.insert("interval".to_string(), e.interval_ms);
                m.insert("tick".to_string(), e.tick as i64);
                m
            })
        })
    }

    /// `['initialized' => bool, 'num' => active timer count]`.
    pub fn stats() -> std::collections::HashMap<String, i64> {
        let mut m = std::collections::HashMap::new();
        m.insert(
            "initialized".into(),
            MODE.with(|e| e.get() != Mode::Off) as i64,
        );
        m.insert("num".into(), TIMERS.with(|t| t.borrow().len()) as i64);
        m
    }
}

/// Same as `Swoole\Timer::tick()`.
#[php_function]
pub fn swoole_timer_tick(ms: i64, callback: &Zval, params: &[&Zval]) -> Zval {
    to_zval(add(ms, callback, params, true))
}

/// Same as `Swoole\Timer::after()`.
#[php_function]
pub fn swoole_timer_after(ms: i64, callback: &Zval, params: &[&Zval]) -> Zval {
    to_zval(add(ms, callback, params, false))
}

/// Same as `Swoole\Timer::clear()`.
#[php_function]
pub fn swoole_timer_clear(timer_id: i64) -> bool {
    clear(timer_id)
}

/// Same as `Swoole\Timer::clearAll()`.
#[php_function]
pub fn swoole_timer_clear_all() -> bool {
    clear_all_timers()
}

/// Same as `Swoole\Timer::exists()`.
#[php_function]
pub fn swoole_timer_exists(timer_id: i64) -> bool {
    exists(timer_id)
}

/// Same as `Swoole\Timer::list()`.
#[php_function]
pub fn swoole_timer_list() -> Vec<i64> {
    TIMERS.with(|t| t.borrow().keys().copied().collect())
}

/// Adds the `swoole_timer_*` functions to the extension.
pub fn register_functions(m: ModuleBuilder) -> ModuleBuilder {
    m.function(wrap_function!(swoole_timer_tick))
        .function(wrap_function!(swoole_timer_after))
        .function(wrap_function!(swoole_timer_clear))
        .function(wrap_function!(swoole_timer_clear_all))
        .function(wrap_function!(swoole_timer_exists))
        .function(wrap_function!(swoole_timer_list))
}

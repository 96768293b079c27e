//! Calling user callbacks safely, with the failure policy of DESIGN.md:
//! - an exception is reported as PHP reports an uncaught one (plus event and fd), cleared, and
//!   the caller closes that connection; the server keeps serving everyone else;
//! - a fatal error (a bailout, i.e. a `longjmp`) is caught at this boundary, the loop stops,
//!   and `start()` re-raises it once the runtime is dropped, so PHP exits 255 as usual;
//! - `exit()` (an "unwind exit" pseudo-exception in PHP 8) ends the server gracefully with
//!   its exit code.

use std::cell::{Cell, RefCell};
use std::os::raw::c_int;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::ffi::{zend_fcall_info_cache, zend_object};
use ext_php_rs::types::Zval;
use ext_php_rs::zend::{try_catch, CatchError, ExecutorGlobals};
use tokio::sync::Notify;

use super::errors;

extern "C" {
    fn zend_is_unwind_exit(ex: *const zend_object) -> bool;
    fn zend_clear_exception();
    fn zend_exception_error(ex: *mut zend_object, severity: c_int) -> c_int;
}

/// What happened to a callback call.
pub enum Outcome {
    Returned(Zval),
    /// The callback threw; it has been reported and cleared.
    Threw,
    /// A fatal error or `exit()`: the server is stopping; run no more user code.
    Stopping,
}

/// How the running loop is asked to stop, and why.
#[derive(Default)]
pub struct LoopCtl {
    pub stop: Notify,
    pub stopping: Cell<bool>,
    /// A bailout was caught: re-raise it once the runtime is gone.
    pub fatal: Cell<bool>,
    /// Which callback raised the fatal error (`onReceive (fd 3)`), for the worker's report.
    pub fatal_in: RefCell<Option<String>>,
    /// `exit($code)` ran in a callback.
    pub exit_code: Cell<Option<i32>>,
}

impl LoopCtl {
    pub fn request_stop(&self) {
        if !self.stopping.replace(true) {
            self.stop.notify_one();
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<LoopCtl>>> = const { RefCell::new(None) };
}

pub fn set_current(ctl: Option<Rc<LoopCtl>>) {
    CURRENT.with(|c| *c.borrow_mut() = ctl);
}

pub fn current() -> Option<Rc<LoopCtl>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Calls `cb` with `args`. `what` names the event for reports (`onReceive (fd 3)`).
pub fn call(cb: &Zval, args: Vec<&dyn IntoZvalDyn>, what: &dyn Fn() -> String) -> Outcome {
    let ctl = current();
    if ctl.as_ref().is_some_and(|c| c.fatal.get()) {
        return Outcome::Stopping;
    }
    let result = try_catch(AssertUnwindSafe(|| cb.try_call(args)));
    finish(ctl, result, what)
}

/// A callback resolved once, for the per-message path: `Zval::try_call` checks callability
/// twice and looks the function up again on every call; this calls the resolved function
/// directly with arguments in a caller-provided array (no allocation per call).
pub struct Cached {
    callable: Zval,
    /// None for callables that resolve through a trampoline (`__call`): those go through
    /// the generic path.
    fcc: Option<zend_fcall_info_cache>,
}

impl Cached {
    pub fn new(callable: Zval) -> Cached {
        let mut c = callable;
        // SAFETY: an all-zero fcall cache is the documented "empty" state.
        let mut fcc: zend_fcall_info_cache = unsafe { std::mem::zeroed() };
        // SAFETY: `c` is a valid zval; fcc is written by the engine.
        let ok = unsafe {
            ext_php_rs::ffi::zend_is_callable_ex(
                &mut c,
                std::ptr::null_mut(),
                0,
                std::ptr::null_mut(),
                &mut fcc,
                std::ptr::null_mut(),
            )
        };
        let usable = ok
            && !fcc.function_handler.is_null()
            // SAFETY: function_handler points to a live zend_function.
            && unsafe { (*fcc.function_handler).common.fn_flags }
                & ext_php_rs::ffi::ZEND_ACC_CALL_VIA_TRAMPOLINE
                == 0;
        Cached {
            callable: c,
            fcc: usable.then_some(fcc),
        }
    }

    pub fn zval(&self) -> &Zval {
        &self.callable
    }

    /// Calls with `args` (passed by value to PHP: the array is only borrowed).
    pub fn call(&self, args: &mut [Zval], what: &dyn Fn() -> String) -> Outcome {
        let Some(fcc) = &self.fcc else {
            let dyn_args: Vec<&dyn IntoZvalDyn> =
                args.iter().map(|a| a as &dyn IntoZvalDyn).collect();
            return call(&self.callable, dyn_args, what);
        };
        let ctl = current();
        if ctl.as_ref().is_some_and(|c| c.fatal.get()) {
            return Outcome::Stopping;
        }
        let result = try_catch(AssertUnwindSafe(|| {
            let mut ret = Zval::new();
            // SAFETY: fcc was resolved from `self.callable`, which we keep alive; `args` is a
            // contiguous array of initialised zvals that outlives the call.
            unsafe {
                ext_php_rs::ffi::zend_call_known_function(
                    fcc.function_handler,
                    fcc.object,
                    fcc.called_scope,
                    &mut ret,
                    args.len() as u32,
                    args.as_mut_ptr().cast(),
                    std::ptr::null_mut(),
                )
            };
            Ok(ret)
        }));
        finish(ctl, result, what)
    }
}

fn finish(
    ctl: Option<Rc<LoopCtl>>,
    result: Result<ext_php_rs::error::Result<Zval>, CatchError>,
    what: &dyn Fn() -> String,
) -> Outcome {
    let result = match result {
        Err(CatchError::Bailout) => {
            if let Some(ctl) = &ctl {
                ctl.fatal.set(true);
                *ctl.fatal_in.borrow_mut() = Some(what());
                ctl.request_stop();
            }
            return Outcome::Stopping;
        }
        Err(e) => {
            errors::warning(&format!("{}: {e}", what()));
            return Outcome::Threw;
        }
        Ok(r) => r,
    };
    let ex = ExecutorGlobals::get().exception;
    if !ex.is_null() {
        // SAFETY: `ex` is the engine's pending exception object.
        if unsafe { zend_is_unwind_exit(ex) } {
            let code = ExecutorGlobals::get().exit_status;
            // SAFETY: clears the pending unwind-exit; we re-throw one when start() returns.
            unsafe { zend_clear_exception() };
            if let Some(ctl) = &ctl {
                ctl.exit_code.set(Some(code));
                ctl.request_stop();
            }
            return Outcome::Stopping;
        }
        errors::warning(&format!(
            "{} threw an uncaught exception; the server keeps running (details follow)",
            what()
        ));
        // SAFETY: zend_exception_error takes the pending exception, reports it the way an
        // uncaught exception is reported (at E_WARNING), clears EG(exception) and frees it.
        unsafe { zend_exception_error(ex, ext_php_rs::ffi::E_WARNING as c_int) };
        return Outcome::Threw;
    }
    match result {
        Ok(v) => Outcome::Returned(v),
        Err(e) => {
            errors::warning(&format!("{} handler error: {e}", what()));
            Outcome::Threw
        }
    }
}

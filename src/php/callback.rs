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
use ext_php_rs::ffi::zend_object;
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
    let result = match result {
        Err(CatchError::Bailout) => {
            if let Some(ctl) = &ctl {
                ctl.fatal.set(true);
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

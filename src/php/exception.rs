//! `Swoole\Exception` (extends `\Exception`), thrown by the constructor and `start()`.

use ext_php_rs::exception::PhpException;
use ext_php_rs::zend::ce;

/// Registered with a plain class builder rather than `#[php_class]`: a Rust-backed class
/// always gets a Rust `__construct`, which would hide `Exception::__construct($message,
/// $code)` and break `new Swoole\Exception("...", 1)` in user code.
static SWOOLE_EXCEPTION_CE: std::sync::atomic::AtomicPtr<ext_php_rs::zend::ClassEntry> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

/// Registers `Swoole\Exception`; called from the module startup (MINIT).
pub fn register_exception_class() -> ext_php_rs::error::Result<()> {
    ext_php_rs::builders::ClassBuilder::new("Swoole\\Exception")
        .extends((ce::exception, "\\Exception"))
        .registration(|ce, _| {
            SWOOLE_EXCEPTION_CE.store(ce as *mut _, std::sync::atomic::Ordering::Release);
        })
        .register()
}

pub fn swoole_exception_ce() -> &'static ext_php_rs::zend::ClassEntry {
    let p = SWOOLE_EXCEPTION_CE.load(std::sync::atomic::Ordering::Acquire);
    // SAFETY: set once at MINIT to a class entry the engine keeps for the process lifetime.
    unsafe { p.as_ref() }.unwrap_or_else(ce::exception)
}

/// A `Swoole\Exception` with Swoole's message and code.
pub fn swoole_exception(msg: String, code: i64) -> PhpException {
    PhpException::new(msg, code as i32, swoole_exception_ce())
}

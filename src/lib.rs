//! swoole-rs: a memory-safe `Swoole\Server` for PHP, written in Rust.
//!
//! # Layout
//! Data flows down and back up through four layers; none skips one.
//! - [`codec`]: framing of a TCP byte stream into packets (raw, EOF check, EOF split,
//!   length-prefixed, user length function). Pure byte-buffer logic, no sockets, no PHP.
//! - [`net`]: the reactor. Listener, one task per connection, output queues and the session
//!   table, on a single-threaded tokio runtime. Works on session ids and byte slices and
//!   reports events through a trait; it never sees a PHP value.
//! - [`process`]: process-level concerns: signals (graceful SIGTERM/SIGINT), pids, the pages
//!   shared by worker processes (session ids, `stats()` counters, session owners), the
//!   channels that forward `send()`/`close()` between workers, the restart back-off and the
//!   Swoole-format log (`log_file`, `log_level`). The manager loop itself (fork, supervise,
//!   reload, shutdown, `max_request` recycling) and `daemonize`/`pid_file` are in
//!   `php::server`, since they call PHP callbacks or run before the workers exist.
//! - [`php`]: the ext-php-rs surface: `Swoole\Server`, `Swoole\Timer`,
//!   `Swoole\Connection\Iterator`, `Swoole\Exception`, `Swoole\Table`, `Swoole\Atomic`,
//!   `Swoole\Atomic\Long`, `Swoole\Lock`, constants and functions. It converts
//!   arguments, raises Swoole's warnings and calls user callbacks with the failure policy
//!   described in `php::callback`.
//! - [`options`]: `set()` option parsing and validation, PHP-free so it is unit-tested.
//! - [`shm`]: memory shared by the processes of a server, PHP-free:
//!   - `shm/mapping.rs`: the anonymous `MAP_SHARED` mapping and the `ShmSafe` rule;
//!   - `shm/lock.rs`: owner-pid futex locks (mutex, rwlock) a dead owner cannot wedge;
//!   - `shm/atomic.rs`: the 32-bit (futex wait/wakeup) and 64-bit counters;
//!   - `shm/table.rs`: `Swoole\Table`'s storage (buckets, conflict pool, seqlock rows);
//!     its PHP class is `php/table.rs`, beside `php/atomic.rs` and `php/lock.rs`.
//!
//! Threading: PHP (NTS) is single-threaded and every Zend call happens on the PHP thread. The
//! runtime exists only inside `Server::start()` and is dropped before it returns. With
//! `worker_num > 1` (or `max_request > 0`), `start()` forks the workers before any runtime
//! exists; each worker builds its own runtime and ends with `_exit`, and the manager runs no
//! runtime at all.

pub mod codec;
pub mod net;
pub mod options;
pub mod php;
pub mod process;
pub mod shm;

use ext_php_rs::prelude::*;
use ext_php_rs::zend::ModuleEntry;

use php::errors::ERROR_CODES;

/// `php --ri swoole`: what was built, against which PHP.
extern "C" fn module_info(_module: *mut ModuleEntry) {
    // SAFETY: the info_print_table_* functions are PHP's; strings are NUL-terminated.
    unsafe {
        ext_php_rs::ffi::php_info_print_table_start();
        info_row(c"Swoole-compatible server", c"enabled");
        let version = std::ffi::CString::new(env!("CARGO_PKG_VERSION")).unwrap_or_default();
        info_row(c"swoole-rs version", &version);
        let api = std::ffi::CString::new(php::SWOOLE_VERSION).unwrap_or_default();
        info_row(c"Swoole API version", &api);
        let built = std::ffi::CString::new(env!("SWOOLE_RS_PHP_VERSION")).unwrap_or_default();
        info_row(c"built for PHP", &built);
        ext_php_rs::ffi::php_info_print_table_end();
    }
}

unsafe fn info_row(k: &std::ffi::CStr, v: &std::ffi::CStr) {
    // SAFETY: caller guarantees we are in an info callback; both strings are valid.
    unsafe { ext_php_rs::ffi::php_info_print_table_row(2, k.as_ptr(), v.as_ptr()) };
}

/// MINIT: classes that `#[php_class]` cannot express.
unsafe extern "C" fn module_startup(_type: i32, _module_number: i32) -> i32 {
    match php::server::register_exception_class() {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let mut module = module
        .name("swoole")
        .version(php::SWOOLE_VERSION)
        .info_function(module_info)
        .startup_function(module_startup)
        .class::<php::server::Server>()
        .class::<php::server::Port>()
        .class::<php::server::ConnectionIterator>()
        .class::<php::timer::Timer>()
        .class::<php::table::Table>()
        .class::<php::atomic::Atomic>()
        .class::<php::atomic::AtomicLong>()
        .class::<php::lock::Lock>()
        .constant(("SWOOLE_VERSION", php::SWOOLE_VERSION, &[]))
        .constant(("SWOOLE_EXTRA_VERSION", "", &[]))
        .constant(("SWOOLE_DEBUG", false, &[]))
        .constant(("SWOOLE_USE_SHORTNAME", true, &[]));
    module = php::errors::register_functions(module);
    module = php::timer::register_functions(module);
    for (name, value) in php::INT_CONSTANTS {
        module = module.constant((name, *value, &[]));
    }
    for (name, value, _) in ERROR_CODES {
        module = module.constant((name, *value, &[]));
    }
    module
}

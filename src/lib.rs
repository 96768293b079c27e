//! swoole-rs: a memory-safe `Swoole\Server` for PHP, written in Rust.
//!
//! # Layout
//! Data flows down and back up through the layers; none skips one, and nothing below `php`
//! names it (the reactor reports through `net::EventSink`, the manager through
//! `process::supervisor::ManagerHooks`). One file per concern, so the reference
//! (`swoole-server.md`) maps to a file:
//!
//! - `codec.rs`: TCP framing (§5: raw, `open_eof_check`, `open_eof_split`, `open_length_check`
//!   with every `package_length_type`, `package_length_func`, `package_max_length`). Pure.
//! - `options.rs`: `set()` parsing and validation (§4), defaults, derived values. Pure.
//! - `shm/`: memory shared by the processes of a server, PHP-free:
//!   - `shm/mapping.rs`: the anonymous `MAP_SHARED` mapping and the `ShmSafe` rule;
//!   - `shm/lock.rs`: owner-pid futex locks (mutex, rwlock) a dead owner cannot wedge;
//!   - `shm/atomic.rs`: the 32-bit (futex wait/wakeup) and 64-bit counters;
//!   - `shm/table.rs`: `Swoole\Table`'s storage (buckets, conflict pool, seqlock rows).
//! - `net/mod.rs`: the reactor's contract (`EventSink`), its error codes and clock.
//!   - `net/listener.rs`: bind (constructor and `listen()`, §1), listen, accept: TCP,
//!     TCP6, UDP, UDP6, unix stream and datagram.
//!   - `net/port.rs`: one listener inside the reactor: its own settings, framing, heartbeat.
//!   - `net/dgram.rs`: datagram listeners: the receive loop (onPacket), `sendto(2)`.
//!   - `net/conn.rs`: one session: socket, output queue, times, exactly-one-onClose flags.
//!   - `net/reactor.rs`: accept loop, per-connection task, `send()`/`close()`/`pause()`
//!     (§2 data plane), forwarded cross-worker calls, graceful drain, `stats()` counters.
//!   - `net/heartbeat.rs`: the heartbeat's schedule (ordered wheel, O(due) per check).
//!   - `net/sockopt.rs`: TCP options of `set()` on the listener (§4), `open_cpu_affinity`.
//!   - `net/tls.rs`: TLS (§4 SSL): `ssl_*` options → rustls config, cipher strings, client
//!     verification, SNI, the per-listener acceptor `reload()` swaps.
//!   - `net/session.rs`: the session table (`$fd` ids never reused, §6 session ids).
//! - `process/mod.rs`: the process layer's index, pids.
//!   - `process/signals.rs`: SIGTERM/SIGINT/SIGUSR1 through a pipe (§6 signals), masks.
//!   - `process/shm.rs`: the shared pages: session counter, stats, worker pids, owner table.
//!   - `process/channel.rs`: inter-process messages: one framing, chunking, reassembly,
//!     task/result/pipe kinds, sends that never deadlock two processes (`Inbox`).
//!   - `process/supervisor.rs`: the manager (§6 BASE with workers): fork, restart back-off,
//!     `reload()` one at a time, `max_request` recycling, shutdown deadline.
//!   - `process/master.rs`: SWOOLE_PROCESS's master (§6 PROCESS): Rust-only reactor threads
//!     that own the client sockets, frame, dispatch whole packets to the workers, write.
//!   - `process/dispatch.rs`: `dispatch_mode` decisions and the shared load counters.
//!   - `process/log.rs`: `log_file`/`log_level` in Swoole's line format, rotation, reopen.
//!   - `process/privileges.rs`: `user`/`group`/`chroot` for the workers.
//!   - `process/systemd.rs`: `Type=notify` readiness and socket activation.
//!   - `process/metrics.rs`: `getMetrics()`, the counters as OpenMetrics text.
//! - `php/mod.rs`: the constants (§7) and the module's index.
//!   - `php/server/mod.rs`: `Swoole\Server` and its methods (§2), converting and delegating.
//!   - `php/server/state.rs`: what a server object owns; running/worker/owner queries.
//!   - `php/server/lifecycle.rs`: `start()` until it returns: loop, workers, the manager's PHP
//!     side, `daemonize`, `pid_file`, `log_file`, Shutdown, re-raised fatals, `exit()`.
//!   - `php/server/process_mode.rs`: SWOOLE_PROCESS's PHP side (manager fork, master's
//!     onStart/onShutdown, connection events from the master, `bind()`).
//!   - `php/server/sink.rs`: events (§3), one place each, with the callback failure policy.
//!   - `php/server/info.rs`: `getClientInfo()`, `getClientList()`, `stats()`.
//!   - `php/server/connections.rs`: `$server->connections` (`Swoole\Connection\Iterator`).
//!   - `php/server/port.rs`: `Swoole\Server\Port` (its options, callbacks, properties).
//!   - `php/server/listen.rs`: `listen()`/`addlistener()`, and each port's plan at `start()`.
//!   - `php/server/dgram.rs`: `sendto()`, `send()` to a unix datagram path, onPacket's info.
//!   - `php/server/options.rs`: reading a `set()` array (`Server::set()`, `Port::set()`).
//!   - `php/server/task.rs`: tasks and pipe messages (§2 Tasks, IPC): `task()`, `taskwait()`,
//!     `taskWaitMulti()`, `finish()`, `sendMessage()`, onTask/onFinish/onPipeMessage.
//!   - `php/task.rs`: `Swoole\Server\Task` (onTask's object with `task_object`).
//!   - `php/process.rs`: `Swoole\Process` (standalone `start()`, pipe, `kill`/`wait`; the
//!     manager runs `addProcess()` ones, see `php/server/lifecycle.rs`).
//!   - `php/callback.rs`: calling user code (exceptions, fatal errors, `exit()`; §6 end).
//!   - `php/convert.rs`: PHP values ↔ plain data (binary-safe strings, option values).
//!   - `php/errors.rs`: last error, `swoole_strerror()`, warnings, `SWOOLE_ERROR_*` (§7).
//!   - `php/exception.rs`: `Swoole\Exception`.
//!   - `php/timer.rs`: `Swoole\Timer` and `swoole_timer_*`.
//!   - `php/process_name.rs`: `swoole_set_process_name()`.
//!   - `php/table.rs`, `php/atomic.rs`, `php/lock.rs`: `Swoole\Table`, `Swoole\Atomic`
//!     (and `Atomic\Long`), `Swoole\Lock` over the `shm` storage.
//!
//! Threading: PHP (NTS) is single-threaded and every Zend call happens on the PHP thread. The
//! runtime exists only inside `Server::start()` and is dropped before it returns. With
//! `worker_num > 1` (or `max_request > 0`), `start()` forks the workers before any runtime
//! exists; each worker builds its own runtime and ends with `_exit`, and the manager runs no
//! runtime at all. In `SWOOLE_PROCESS` mode the process that called `start()` forks the
//! manager first, then becomes the master: its PHP thread runs onStart/onShutdown and waits
//! for signals, and `reactor_num` threads with one current-thread runtime each run only Rust
//! (`process::master`); they are joined before `start()` returns.

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
        // What this build can do, so operators can tell from `php --ri swoole`.
        info_row(
            c"reactor",
            c"epoll (tokio), io_uring (plain TCP / unix stream, BASE mode)",
        );
        info_row(
            c"reactor_type default",
            c"epoll (SWOOLE_RS_REACTOR_TYPE overrides)",
        );
        let uring = std::ffi::CString::new(net::uring::availability()).unwrap_or_default();
        info_row(c"io_uring", &uring);
        info_row(c"TLS (SWOOLE_SSL)", c"rustls (ring)");
        info_row(
            c"features",
            c"base mode, workers + manager, packet framing, timers, OpenMetrics, systemd notify, socket activation",
        );
        ext_php_rs::ffi::php_info_print_table_end();
    }
}

unsafe fn info_row(k: &std::ffi::CStr, v: &std::ffi::CStr) {
    // SAFETY: caller guarantees we are in an info callback; both strings are valid.
    unsafe { ext_php_rs::ffi::php_info_print_table_row(2, k.as_ptr(), v.as_ptr()) };
}

/// MINIT: classes that `#[php_class]` cannot express.
unsafe extern "C" fn module_startup(_type: i32, _module_number: i32) -> i32 {
    match php::exception::register_exception_class() {
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
        .class::<php::task::Task>()
        .class::<php::process::Process>()
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
    module = php::process_name::register_functions(module);
    for (name, value) in php::INT_CONSTANTS {
        module = module.constant((name, *value, &[]));
    }
    for (name, value, _) in ERROR_CODES {
        module = module.constant((name, *value, &[]));
    }
    module
}

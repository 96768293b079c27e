//! Swoole's error model: a process-wide "last error" code, `swoole_strerror()`, warnings, and
//! the `SWOOLE_*` constants that name them.

use std::cell::Cell;

use ext_php_rs::error::php_error;
use ext_php_rs::flags::ErrorType;
use ext_php_rs::prelude::*;

thread_local! {
    static LAST_ERROR: Cell<i64> = const { Cell::new(0) };
}

pub fn set_last_error(code: i64) {
    LAST_ERROR.with(|c| c.set(code));
}

pub fn last_error() -> i64 {
    LAST_ERROR.with(|c| c.get())
}

/// An `E_WARNING` attributed to the PHP function being executed (`Swoole\Server::send(): …`).
pub fn warning(msg: &str) {
    php_error(&ErrorType::Warning, msg);
}

/// A warning that also sets the last error, as `php_swoole_error_ex` does.
pub fn warning_code(code: i64, msg: &str) {
    set_last_error(code);
    warning(msg);
}

/// Reactor-level problems (accept failures, framing errors). Swoole writes these to its log;
/// we raise a PHP warning so they reach the same place as every other diagnostic.
pub fn log_warning(msg: &str) {
    warning(msg);
}

/// Swoole error codes, as `SWOOLE_ERROR_*` constants (include/swoole_error.h, v6.1.7; the
/// docs' table is off by one, these are the source's numbers).
pub const ERROR_CODES: &[(&str, i64, &str)] = &[
    ("SWOOLE_ERROR_MALLOC_FAIL", 501, "Malloc fail"),
    ("SWOOLE_ERROR_SYSTEM_CALL_FAIL", 502, "System call fail"),
    ("SWOOLE_ERROR_PHP_FATAL_ERROR", 503, "PHP fatal error"),
    ("SWOOLE_ERROR_NAME_TOO_LONG", 504, "Name too long"),
    ("SWOOLE_ERROR_INVALID_PARAMS", 505, "Invalid params"),
    ("SWOOLE_ERROR_QUEUE_FULL", 506, "Queue full"),
    (
        "SWOOLE_ERROR_OPERATION_NOT_SUPPORT",
        507,
        "Operation not support",
    ),
    ("SWOOLE_ERROR_PROTOCOL_ERROR", 508, "Protocol error"),
    ("SWOOLE_ERROR_WRONG_OPERATION", 509, "Wrong operation"),
    ("SWOOLE_ERROR_PHP_RUNTIME_NOTICE", 510, "PHP runtime notice"),
    ("SWOOLE_ERROR_FOR_TEST", 511, "For test"),
    ("SWOOLE_ERROR_NO_PAYLOAD", 550, "No payload"),
    ("SWOOLE_ERROR_UNDEFINED_BEHAVIOR", 600, "Undefined behavior"),
    ("SWOOLE_ERROR_NOT_THREAD_SAFETY", 601, "Not thread safety"),
    ("SWOOLE_ERROR_FILE_NOT_EXIST", 700, "File not exist"),
    ("SWOOLE_ERROR_FILE_TOO_LARGE", 701, "File too large"),
    ("SWOOLE_ERROR_FILE_EMPTY", 702, "File empty"),
    (
        "SWOOLE_ERROR_SESSION_CLOSED_BY_SERVER",
        1001,
        "Session closed by server",
    ),
    (
        "SWOOLE_ERROR_SESSION_CLOSED_BY_CLIENT",
        1002,
        "Session closed by client",
    ),
    ("SWOOLE_ERROR_SESSION_CLOSING", 1003, "Session closing"),
    ("SWOOLE_ERROR_SESSION_CLOSED", 1004, "Session closed"),
    ("SWOOLE_ERROR_SESSION_NOT_EXIST", 1005, "Session not exist"),
    (
        "SWOOLE_ERROR_SESSION_INVALID_ID",
        1006,
        "Session invalid id",
    ),
    (
        "SWOOLE_ERROR_SESSION_DISCARD_TIMEOUT_DATA",
        1007,
        "Session discard timeout data",
    ),
    (
        "SWOOLE_ERROR_SESSION_DISCARD_DATA",
        1008,
        "Session discard data",
    ),
    (
        "SWOOLE_ERROR_OUTPUT_BUFFER_OVERFLOW",
        1009,
        "Output buffer overflow",
    ),
    ("SWOOLE_ERROR_OUTPUT_SEND_YIELD", 1010, "Output send yield"),
    ("SWOOLE_ERROR_SSL_NOT_READY", 1011, "SSL not ready"),
    (
        "SWOOLE_ERROR_PACKAGE_LENGTH_TOO_LARGE",
        1201,
        "Package length too large",
    ),
    (
        "SWOOLE_ERROR_PACKAGE_LENGTH_NOT_FOUND",
        1202,
        "Package length not found",
    ),
    (
        "SWOOLE_ERROR_DATA_LENGTH_TOO_LARGE",
        1203,
        "Data length too large",
    ),
    (
        "SWOOLE_ERROR_PACKAGE_MALFORMED_DATA",
        1204,
        "Package malformed data",
    ),
    (
        "SWOOLE_ERROR_TASK_PACKAGE_TOO_BIG",
        2001,
        "Task package too big",
    ),
    (
        "SWOOLE_ERROR_TASK_DISPATCH_FAIL",
        2002,
        "Task dispatch fail",
    ),
    ("SWOOLE_ERROR_TASK_TIMEOUT", 2003, "Task timeout"),
    (
        "SWOOLE_ERROR_SERVER_MUST_CREATED_BEFORE_CLIENT",
        9001,
        "Server must created before client",
    ),
    (
        "SWOOLE_ERROR_SERVER_TOO_MANY_SOCKET",
        9002,
        "Server too many socket",
    ),
    (
        "SWOOLE_ERROR_SERVER_WORKER_TERMINATED",
        9003,
        "Server worker terminated",
    ),
    (
        "SWOOLE_ERROR_SERVER_INVALID_LISTEN_PORT",
        9004,
        "Server invalid listen port",
    ),
    (
        "SWOOLE_ERROR_SERVER_TOO_MANY_LISTEN_PORT",
        9005,
        "Server too many listen port",
    ),
    (
        "SWOOLE_ERROR_SERVER_PIPE_BUFFER_FULL",
        9006,
        "Server pipe buffer full",
    ),
    (
        "SWOOLE_ERROR_SERVER_NO_IDLE_WORKER",
        9007,
        "Server no idle worker",
    ),
    (
        "SWOOLE_ERROR_SERVER_ONLY_START_ONE",
        9008,
        "Server only start one",
    ),
    (
        "SWOOLE_ERROR_SERVER_SEND_IN_MASTER",
        9009,
        "Server send in master",
    ),
    (
        "SWOOLE_ERROR_SERVER_INVALID_REQUEST",
        9010,
        "Server invalid request",
    ),
    (
        "SWOOLE_ERROR_SERVER_CONNECT_FAIL",
        9011,
        "Server connect fail",
    ),
    (
        "SWOOLE_ERROR_SERVER_INVALID_COMMAND",
        9012,
        "Server invalid command",
    ),
    (
        "SWOOLE_ERROR_SERVER_IS_NOT_REGULAR_FILE",
        9013,
        "Server is not regular file",
    ),
    (
        "SWOOLE_ERROR_SERVER_SEND_TO_WOKER_TIMEOUT",
        9014,
        "Server send to woker timeout",
    ),
    (
        "SWOOLE_ERROR_SERVER_INVALID_CALLBACK",
        9015,
        "Server invalid callback",
    ),
    (
        "SWOOLE_ERROR_SERVER_UNRELATED_THREAD",
        9016,
        "Server unrelated thread",
    ),
    (
        "SWOOLE_ERROR_SERVER_WORKER_EXIT_TIMEOUT",
        9101,
        "Server worker exit timeout",
    ),
    (
        "SWOOLE_ERROR_SERVER_WORKER_ABNORMAL_PIPE_DATA",
        9102,
        "Server worker abnormal pipe data",
    ),
    (
        "SWOOLE_ERROR_SERVER_WORKER_UNPROCESSED_DATA",
        9103,
        "Server worker unprocessed data",
    ),
];

pub const PHP_FATAL_ERROR: i64 = 503;
pub const WRONG_OPERATION: i64 = 509;
pub const PHP_RUNTIME_NOTICE: i64 = 510;
pub const NO_PAYLOAD: i64 = 550;
pub const OPERATION_NOT_SUPPORT: i64 = 507;
pub const INVALID_PARAMS: i64 = 505;
pub const SERVER_INVALID_LISTEN_PORT: i64 = 9004;
pub const SYSTEM_CALL_FAIL: i64 = 502;
pub const SERVER_IS_NOT_REGULAR_FILE: i64 = 9013;

/// Text for an error code: Swoole's own codes (>= 500) by name, the rest as `strerror()`.
pub fn strerror(code: i64) -> String {
    if let Some((_, _, msg)) = ERROR_CODES.iter().find(|(_, c, _)| *c == code) {
        return (*msg).to_string();
    }
    if (0..500).contains(&code) {
        return std::io::Error::from_raw_os_error(code as i32)
            .to_string()
            .split(" (os error")
            .next()
            .unwrap_or_default()
            .to_string();
    }
    format!("Unknown error: {code}")
}

/// Returns the last error code set by a Swoole call in this process.
#[php_function]
pub fn swoole_last_error() -> i64 {
    last_error()
}

/// Same as `swoole_last_error()`; kept for Swoole compatibility.
#[php_function]
pub fn swoole_errno() -> i64 {
    last_error()
}

/// Resets the last error to 0.
#[php_function]
pub fn swoole_clear_error() {
    set_last_error(0);
}

/// The message for an error code: a Swoole code (>= 500) or an errno.
#[php_function]
#[php(optional = "error_type")]
pub fn swoole_strerror(errno: i64, error_type: Option<i64>) -> String {
    let _ = error_type;
    strerror(errno)
}

/// Number of online CPUs, the default for `worker_num = 0`.
#[php_function]
pub fn swoole_cpu_num() -> i64 {
    crate::options::cpu_count() as i64
}

/// Adds this module's PHP functions to the extension.
pub fn register_functions(m: ModuleBuilder) -> ModuleBuilder {
    m.function(wrap_function!(swoole_last_error))
        .function(wrap_function!(swoole_errno))
        .function(wrap_function!(swoole_clear_error))
        .function(wrap_function!(swoole_strerror))
        .function(wrap_function!(swoole_cpu_num))
}

/// `on()`'s checks, shared by the server and its ports: the event name among `events`
/// (case-insensitive; Swoole's `unknown event types[X]` otherwise) and a callable callback
/// (`function 'no_such_function' is not callable`). Returns the event's canonical name.
pub fn checked_event(
    events: &[&'static str],
    event_name: &str,
    callback: &ext_php_rs::types::Zval,
) -> Option<&'static str> {
    let lower = event_name.to_ascii_lowercase();
    let Some(name) = events.iter().find(|e| **e == lower) else {
        warning_code(
            PHP_RUNTIME_NOTICE,
            &format!("unknown event types[{event_name}]"),
        );
        return None;
    };
    if callback.is_callable() {
        return Some(name);
    }
    let name = crate::php::convert::callable_name(callback);
    let what = if name.is_empty() {
        "the callback".to_string()
    } else {
        format!("function '{name}'")
    };
    warning_code(PHP_FATAL_ERROR, &format!("{what} is not callable"));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_covers_swoole_and_system_codes() {
        assert_eq!(strerror(1005), "Session not exist");
        assert_eq!(strerror(98), "Address already in use");
        assert_eq!(strerror(123456), "Unknown error: 123456");
    }
}

//! The PHP surface: classes, functions and constants registered by the `swoole` module.
//! Thin on purpose: it converts arguments, raises Swoole's warnings and delegates.

pub mod atomic;
pub mod callback;
pub mod convert;
pub mod errors;
pub mod exception;
pub mod lock;
pub mod process;
pub mod process_name;
pub mod server;
pub mod table;
pub mod task;
pub mod timer;

/// Constants with the values of Swoole 6.1.7 (reference §1 and §7).
pub const INT_CONSTANTS: &[(&str, i64)] = &[
    ("SWOOLE_BASE", 1),
    ("SWOOLE_PROCESS", 2),
    ("SWOOLE_SOCK_TCP", 1),
    ("SWOOLE_SOCK_UDP", 2),
    ("SWOOLE_SOCK_TCP6", 3),
    ("SWOOLE_SOCK_UDP6", 4),
    ("SWOOLE_SOCK_UNIX_STREAM", 5),
    ("SWOOLE_SOCK_UNIX_DGRAM", 6),
    ("SWOOLE_SOCK_RAW", 7),
    ("SWOOLE_SOCK_RAW6", 8),
    ("SWOOLE_SSL", 512),
    ("SWOOLE_SSL_TLSv1", 8),
    ("SWOOLE_SSL_TLSv1_1", 16),
    ("SWOOLE_SSL_TLSv1_2", 32),
    ("SWOOLE_SSL_TLSv1_3", 64),
    ("SWOOLE_SSL_DTLS", 128),
    ("SWOOLE_SSL_SSLv2", 2),
    ("SWOOLE_TCP", 1),
    ("SWOOLE_UDP", 2),
    ("SWOOLE_TCP6", 3),
    ("SWOOLE_UDP6", 4),
    ("SWOOLE_UNIX_STREAM", 5),
    ("SWOOLE_UNIX_DGRAM", 6),
    ("SWOOLE_RAW", 7),
    ("SWOOLE_RAW6", 8),
    ("SWOOLE_DISPATCH_ROUND", 1),
    ("SWOOLE_DISPATCH_FDMOD", 2),
    ("SWOOLE_DISPATCH_IDLE_WORKER", 3),
    ("SWOOLE_DISPATCH_IPMOD", 4),
    ("SWOOLE_DISPATCH_UIDMOD", 5),
    ("SWOOLE_DISPATCH_USERFUNC", 6),
    ("SWOOLE_DISPATCH_CO_CONN_LB", 8),
    ("SWOOLE_DISPATCH_CO_REQ_LB", 9),
    ("SWOOLE_DISPATCH_CONCURRENT_LB", 10),
    ("SWOOLE_WORKER_BUSY", 1),
    ("SWOOLE_WORKER_IDLE", 2),
    ("SWOOLE_WORKER_EXIT", 3),
    ("SWOOLE_LOG_DEBUG", 0),
    ("SWOOLE_LOG_TRACE", 1),
    ("SWOOLE_LOG_INFO", 2),
    ("SWOOLE_LOG_NOTICE", 3),
    ("SWOOLE_LOG_WARNING", 4),
    ("SWOOLE_MSGQUEUE_ORIENT", 1),
    ("SWOOLE_MSGQUEUE_BALANCE", 2),
    ("SWOOLE_LOG_ERROR", 5),
    ("SWOOLE_LOG_NONE", 6),
    ("SWOOLE_LOG_ROTATION_SINGLE", 0),
    ("SWOOLE_LOG_ROTATION_MONTHLY", 1),
    ("SWOOLE_LOG_ROTATION_DAILY", 2),
    ("SWOOLE_LOG_ROTATION_HOURLY", 3),
    ("SWOOLE_LOG_ROTATION_EVERY_MINUTE", 4),
    ("SWOOLE_STRERROR_SYSTEM", 0),
    ("SWOOLE_STRERROR_GAI", 1),
    ("SWOOLE_STRERROR_DNS", 2),
    ("SWOOLE_STRERROR_SWOOLE", 9),
    ("SWOOLE_VERSION_ID", 60107),
    ("SWOOLE_MAJOR_VERSION", 6),
    ("SWOOLE_MINOR_VERSION", 1),
    ("SWOOLE_RELEASE_VERSION", 7),
    ("SWOOLE_MUTEX", lock::SWOOLE_MUTEX),
    ("SWOOLE_RWLOCK", lock::SWOOLE_RWLOCK),
    ("SWOOLE_SPINLOCK", lock::SWOOLE_SPINLOCK),
];

/// The Swoole version whose API this extension implements.
pub const SWOOLE_VERSION: &str = "6.1.7";

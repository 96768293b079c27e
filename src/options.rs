//! `Server::set()` option parsing, kept free of PHP types so it can be unit-tested.
//!
//! The PHP layer turns each array entry into an [`OptValue`]; this module decides whether the
//! key is known, whether the value has a usable type, and what the server should do with it.
//! Swoole silently coerces wrong types (`"abc"` becomes 0 workers); we reject them with a
//! message that names the option and the expected type, because a typo in a config array is
//! the most common way a Swoole server "ignores" a setting.

use std::time::Duration;

/// One value from the PHP settings array, reduced to what option parsing needs.
#[derive(Debug, Clone, PartialEq)]
pub enum OptValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Vec<u8>),
    /// Arrays, objects, callables: only a few options accept them, and the PHP layer
    /// handles those (e.g. `package_length_func`) itself.
    Other(&'static str),
}

impl OptValue {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            OptValue::Null => "null",
            OptValue::Bool(_) => "bool",
            OptValue::Int(_) => "int",
            OptValue::Float(_) => "float",
            OptValue::Str(_) => "string",
            OptValue::Other(t) => t,
        }
    }
}

/// Everything `set()` can change that the runtime reads. Defaults are Swoole 6.1.7's
/// (reference §4), except where noted.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub worker_num: u32,
    pub backlog: i32,
    pub open_tcp_nodelay: bool,
    /// Per-connection output queue limit. Swoole's real default is 8 MiB (its docs say 2 MiB).
    pub socket_buffer_size: usize,
    pub buffer_high_watermark: usize,
    pub buffer_low_watermark: usize,
    pub package_max_length: usize,
    pub open_eof_check: bool,
    pub open_eof_split: bool,
    pub package_eof: Vec<u8>,
    pub open_length_check: bool,
    pub package_length_type: String,
    pub package_length_offset: i64,
    pub package_body_offset: i64,
    pub start_session_id: u64,
    pub max_wait_time: Duration,
    pub max_connection: usize,
    /// Recycle a worker after this many onReceive calls (0: never). Forces a manager.
    pub max_request: u64,
    /// `max_request_grace` when given; otherwise see [`Settings::max_request_grace`].
    pub max_request_grace: Option<u64>,
    pub daemonize: bool,
    pub pid_file: Option<String>,
    pub log_file: Option<String>,
    /// Swoole log level: DEBUG 0, TRACE 1, INFO 2, NOTICE 3, WARNING 4, ERROR 5, NONE 6.
    pub log_level: i32,
    /// strftime(3) format of a log line's date (Swoole's default `%F %T` when None).
    pub log_date_format: Option<String>,
    /// Append `<.uuuuuu>` microseconds to a log line's date.
    pub log_date_with_microseconds: bool,
    /// `SWOOLE_LOG_ROTATION_*`: 0 single file, 1 monthly, 2 daily, 3 hourly, 4 every minute.
    pub log_rotation: i32,
    /// Where worker 0 writes `stats()` every `stats_timer_interval` (as Swoole's library).
    pub stats_file: Option<String>,
    /// Milliseconds between two writes of `stats_file` (Swoole's library: 1000).
    pub stats_timer_interval: i64,
    /// Drop privileges to this user (and `group`) in the workers, after binding.
    pub user: Option<String>,
    pub group: Option<String>,
    /// chroot(2) the workers here, after binding.
    pub chroot: Option<String>,
    /// Seconds between heartbeat checks (0: off unless `heartbeat_idle_time` is set).
    /// Fractions are accepted (Swoole truncates to whole seconds) so tests can be short.
    pub heartbeat_check_interval: f64,
    /// Seconds without received data after which a session is closed (0: derived).
    pub heartbeat_idle_time: f64,
    /// Seconds a connection may go without receiving or sending anything (0: off); unlike
    /// the heartbeat, which watches only what the client sends, data the server writes
    /// counts too, so a push-only connection is kept and a peer that stopped reading is not.
    pub max_idle_time: f64,
    /// Largest single `send()` (`buffer_output_size` / `output_buffer_size`).
    pub buffer_output_size: usize,
    pub enable_delay_receive: bool,
    pub open_tcp_keepalive: bool,
    pub tcp_keepidle: i32,
    pub tcp_keepinterval: i32,
    pub tcp_keepcount: i32,
    /// Milliseconds (`TCP_USER_TIMEOUT`), 0: the kernel's default.
    pub tcp_user_timeout: i32,
    /// Seconds (`TCP_DEFER_ACCEPT`), 0: off.
    pub tcp_defer_accept: i32,
    pub tcp_fastopen: bool,
    pub enable_reuse_port: bool,
    pub open_cpu_affinity: bool,
    /// Each new connection must start with a PROXY protocol header (v1 or v2) carrying the
    /// client's address (beyond Swoole).
    pub open_proxy_protocol: bool,
    /// Seconds a new connection has to deliver its PROXY header.
    pub proxy_protocol_timeout: f64,
    /// `reactor_type` (ours): None until set, then `SWOOLE_RS_REACTOR_TYPE` or `auto`
    /// decides (see [`Settings::reactor_type`]).
    pub reactor_type: Option<ReactorType>,
    /// The task_* options.
    pub task: TaskSettings,
    /// The ssl_* options (used when the listener was created with `SWOOLE_SSL`).
    pub tls: crate::net::tls::TlsOptions,
}

/// The task_* options (reference §4). `task_ipc_mode` 2 and 3 (System V message queues)
/// are accepted and behave like 1: one channel per task worker, an idle one chosen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskSettings {
    pub worker_num: u32,
    pub ipc_mode: i64,
    /// Recycle a task worker after this many tasks (0: never).
    pub max_request: u64,
    pub max_request_grace: Option<u64>,
    pub tmpdir: Option<String>,
    /// onTask gets a `Swoole\Server\Task` (`task_enable_coroutine`, `task_use_object`,
    /// `task_object`, `event_object`).
    pub object: bool,
    /// `task_enable_coroutine` itself: `$server->finish()` is then an error, as in Swoole.
    pub enable_coroutine: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            worker_num: 1,
            backlog: default_backlog(),
            open_tcp_nodelay: true,
            socket_buffer_size: 8 * 1024 * 1024,
            buffer_high_watermark: 0,
            buffer_low_watermark: 0,
            package_max_length: 2 * 1024 * 1024,
            open_eof_check: false,
            open_eof_split: false,
            package_eof: b"\r\n\r\n".to_vec(),
            open_length_check: false,
            package_length_type: "N".into(),
            package_length_offset: 0,
            package_body_offset: 4,
            start_session_id: 0,
            max_wait_time: Duration::from_secs(3),
            max_connection: 100_000,
            max_request: 0,
            max_request_grace: None,
            daemonize: false,
            pid_file: None,
            log_file: None,
            log_level: LOG_INFO,
            log_date_format: None,
            log_date_with_microseconds: false,
            log_rotation: 0,
            stats_file: None,
            stats_timer_interval: 1000,
            user: None,
            group: None,
            chroot: None,
            task: TaskSettings::default(),
            tls: Default::default(),
            heartbeat_check_interval: 0.0,
            heartbeat_idle_time: 0.0,
            max_idle_time: 0.0,
            buffer_output_size: u32::MAX as usize,
            enable_delay_receive: false,
            open_tcp_keepalive: false,
            tcp_keepidle: 3600,
            tcp_keepinterval: 60,
            tcp_keepcount: 5,
            tcp_user_timeout: 0,
            tcp_defer_accept: 0,
            tcp_fastopen: false,
            enable_reuse_port: false,
            open_cpu_affinity: false,
            open_proxy_protocol: false,
            proxy_protocol_timeout: 5.0,
            reactor_type: None,
        }
    }
}

/// `reactor_type`: which backend serves connections (see `net::uring`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactorType {
    /// io_uring if the kernel allows it, epoll otherwise.
    Auto,
    IoUring,
    Epoll,
}

impl ReactorType {
    pub fn parse(s: &str) -> Option<ReactorType> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Some(ReactorType::Auto),
            "io_uring" | "iouring" | "uring" => Some(ReactorType::IoUring),
            "epoll" => Some(ReactorType::Epoll),
            _ => None,
        }
    }
}

/// The default when `set()` names no `reactor_type`: `SWOOLE_RS_REACTOR_TYPE` (how the
/// test suite forces a backend), else `epoll`. Err carries a bad variable's value.
///
/// Why epoll and not `auto`: the io_uring backend still costs more server CPU per request
/// than epoll (64 B × 100 connections, pinned: 4.5 vs 4.15 µs; 4 KiB: 6.1 vs 4.6), so it is
/// opt-in until it is faster (README "Options", BENCHMARKS.md).
pub fn default_reactor_type(env: Option<&str>) -> Result<ReactorType, String> {
    match env.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(ReactorType::Epoll),
        Some(v) => ReactorType::parse(v).ok_or_else(|| v.to_string()),
    }
}

/// Swoole's default log level (`SWOOLE_LOG_INFO`).
pub const LOG_INFO: i32 = 2;

/// Swoole's `SW_WORKER_MIN_REQUEST`: above it, `max_request_grace` defaults to half of
/// `max_request`.
const WORKER_MIN_REQUEST: u64 = 10;

/// Swoole options we accept without acting on them: coroutine, task and logging
/// settings that have no meaning yet in this implementation. Accepting them keeps existing
/// configuration arrays working; README lists them.
const ACCEPTED_NO_EFFECT: &[&str] = &[
    "reactor_num",
    "dispatch_mode",
    "dispatch_func",
    "display_errors",
    "trace_flags",
    "reload_async",
    "enable_coroutine",
    "send_yield",
    "send_timeout",
    "hook_flags",
    "max_coroutine",
    "c_stack_size",
    "enable_preemptive_scheduler",
    "enable_deadlock_check",
    "single_thread",
    "max_concurrency",
    "worker_max_concurrency",
    "message_queue_key",
    "enable_unsafe_event",
    "discard_timeout_request",
    "input_buffer_size",
    "buffer_input_size",
    "max_queued_bytes",
    "kernel_socket_recv_buffer_size",
    "kernel_socket_send_buffer_size",
    "package_length_func",
    "open_http_protocol",
    "open_http2_protocol",
    "open_websocket_protocol",
    "open_mqtt_protocol",
    "open_redis_protocol",
    "admin_server",
    "bootstrap",
    "init_arguments",
];

/// What applying one option produced, besides changing [`Settings`].
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    Ok,
    /// Unknown key: Swoole warns `unsupported option [name]` and still stores it.
    Unknown,
}

fn int(key: &str, v: &OptValue) -> Result<i64, String> {
    match v {
        OptValue::Int(i) => Ok(*i),
        OptValue::Bool(b) => Ok(*b as i64),
        OptValue::Float(f) if f.fract() == 0.0 => Ok(*f as i64),
        OptValue::Str(s) => std::str::from_utf8(s)
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .ok_or_else(|| type_error(key, "int", v)),
        _ => Err(type_error(key, "int", v)),
    }
}

fn string(key: &str, v: &OptValue) -> Result<Option<String>, String> {
    match v {
        OptValue::Str(s) if s.is_empty() => Ok(None),
        OptValue::Str(s) => String::from_utf8(s.clone())
            .map(Some)
            .map_err(|_| format!("option '{key}' must be valid UTF-8")),
        OptValue::Null => Ok(None),
        _ => Err(type_error(key, "string", v)),
    }
}

fn boolean(key: &str, v: &OptValue) -> Result<bool, String> {
    match v {
        OptValue::Bool(b) => Ok(*b),
        OptValue::Int(i) => Ok(*i != 0),
        _ => Err(type_error(key, "bool", v)),
    }
}

/// Sizes accept an int or Swoole's size strings (`"2M"`, `"512K"`, `"1G"`).
pub fn parse_size(key: &str, v: &OptValue) -> Result<usize, String> {
    let n: i64 = match v {
        OptValue::Str(s) => {
            let s = std::str::from_utf8(s)
                .map_err(|_| type_error(key, "size", v))?
                .trim();
            let (num, mult) = match s.chars().last() {
                Some('k' | 'K') => (&s[..s.len() - 1], 1024),
                Some('m' | 'M') => (&s[..s.len() - 1], 1024 * 1024),
                Some('g' | 'G') => (&s[..s.len() - 1], 1024 * 1024 * 1024),
                _ => (s, 1),
            };
            num.trim()
                .parse::<i64>()
                .map_err(|_| type_error(key, "int or size string such as \"2M\"", v))?
                * mult
        }
        _ => int(key, v)?,
    };
    if n < 0 {
        return Err(format!("option '{key}' must not be negative, {n} given"));
    }
    Ok(n as usize)
}

/// Non-negative seconds, int or float.
fn seconds(key: &str, v: &OptValue) -> Result<f64, String> {
    let f = match v {
        OptValue::Float(f) => *f,
        _ => int(key, v)? as f64,
    };
    if !f.is_finite() || f < 0.0 {
        return Err(format!(
            "option '{key}' must be a non-negative number of seconds"
        ));
    }
    Ok(f)
}

/// A non-negative int that fits a socket option.
fn small_int(key: &str, v: &OptValue) -> Result<i32, String> {
    let n = int(key, v)?;
    if !(0..=i32::MAX as i64).contains(&n) {
        return Err(format!(
            "option '{key}' must be between 0 and {}, {n} given",
            i32::MAX
        ));
    }
    Ok(n as i32)
}

fn type_error(key: &str, want: &str, v: &OptValue) -> String {
    format!("option '{key}' expects {want}, {} given", v.type_name())
}

impl Settings {
    /// Applies one option. `Err` carries a message for a `TypeError`/`ValueError`.
    pub fn apply(&mut self, key: &str, v: &OptValue) -> Result<Applied, String> {
        match key {
            "worker_num" => {
                let n = int(key, v)?;
                if n < 0 {
                    return Err(format!("option 'worker_num' must be >= 0, {n} given"));
                }
                self.worker_num = if n == 0 { cpu_count() } else { n as u32 };
            }
            "backlog" => self.backlog = int(key, v)?.clamp(1, i32::MAX as i64) as i32,
            "open_tcp_nodelay" => self.open_tcp_nodelay = boolean(key, v)?,
            "socket_buffer_size" => self.socket_buffer_size = parse_size(key, v)?.max(1),
            "buffer_high_watermark" => self.buffer_high_watermark = parse_size(key, v)?,
            "buffer_low_watermark" => self.buffer_low_watermark = parse_size(key, v)?,
            "package_max_length" => self.package_max_length = parse_size(key, v)?,
            "open_eof_check" => self.open_eof_check = boolean(key, v)?,
            "open_eof_split" => self.open_eof_split = boolean(key, v)?,
            "package_eof" => match v {
                OptValue::Str(s) if (1..=8).contains(&s.len()) => self.package_eof = s.clone(),
                OptValue::Str(s) => {
                    return Err(format!(
                        "option 'package_eof' must be 1 to 8 bytes long, {} given",
                        s.len()
                    ))
                }
                _ => return Err(type_error(key, "string", v)),
            },
            "open_length_check" => self.open_length_check = boolean(key, v)?,
            "package_length_type" => match v {
                OptValue::Str(s) if s.len() == 1 && b"cCsSnNlLvVqQJP".contains(&s[0]) => {
                    self.package_length_type = String::from_utf8_lossy(s).into_owned()
                }
                OptValue::Str(s) => {
                    return Err(format!(
                        "option 'package_length_type' must be one of the pack() letters c C s S n N l L v V q Q J P, \"{}\" given",
                        String::from_utf8_lossy(s)
                    ))
                }
                _ => return Err(type_error(key, "string", v)),
            },
            "package_length_offset" => {
                let n = int(key, v)?;
                if !(0..=8192).contains(&n) {
                    return Err(format!(
                        "option 'package_length_offset' must be between 0 and 8192, {n} given"
                    ));
                }
                self.package_length_offset = n;
            }
            "package_body_offset" | "package_body_start" => {
                let n = int(key, v)?;
                if !(0..=8192).contains(&n) {
                    return Err(format!(
                        "option '{key}' must be between 0 and 8192, {n} given"
                    ));
                }
                self.package_body_offset = n;
            }
            "start_session_id" => {
                let n = int(key, v)?;
                if n < 0 {
                    return Err(format!("option 'start_session_id' must be >= 0, {n} given"));
                }
                self.start_session_id = n as u64;
            }
            "max_wait_time" => {
                let secs = match v {
                    OptValue::Float(f) if *f >= 0.0 => *f,
                    _ => int(key, v)? as f64,
                };
                self.max_wait_time = Duration::from_secs_f64(secs.max(0.0));
            }
            "max_conn" | "max_connection" => {
                self.max_connection = int(key, v)?.clamp(1, 1_000_000) as usize
            }
            "task_worker_num" => {
                let n = int(key, v)?;
                if !(0..=1024).contains(&n) {
                    return Err(format!(
                        "option 'task_worker_num' must be between 0 and 1024, {n} given"
                    ));
                }
                self.task.worker_num = n as u32;
            }
            "task_ipc_mode" => {
                let n = int(key, v)?;
                if !(1..=3).contains(&n) {
                    return Err(format!("option 'task_ipc_mode' must be 1, 2 or 3, {n} given"));
                }
                self.task.ipc_mode = n;
            }
            "task_max_request" => self.task.max_request = int(key, v)?.max(0) as u64,
            "task_max_request_grace" => {
                self.task.max_request_grace = Some(int(key, v)?.max(0) as u64)
            }
            "task_tmpdir" => match v {
                OptValue::Str(s) => self.task.tmpdir = Some(String::from_utf8_lossy(s).into()),
                _ => return Err(type_error(key, "string", v)),
            },
            "task_enable_coroutine" => {
                self.task.enable_coroutine = boolean(key, v)?;
                self.task.object |= self.task.enable_coroutine;
            }
            "task_use_object" | "task_object" | "event_object" => {
                self.task.object |= boolean(key, v)?
            }
            "max_request" => self.max_request = int(key, v)?.max(0) as u64,
            "max_request_grace" => self.max_request_grace = Some(int(key, v)?.max(0) as u64),
            "daemonize" => self.daemonize = boolean(key, v)?,
            "pid_file" => self.pid_file = string(key, v)?,
            "log_file" => self.log_file = string(key, v)?,
            "log_level" => {
                let n = int(key, v)?;
                if !(0..=6).contains(&n) {
                    return Err(format!(
                        "option 'log_level' must be between 0 (SWOOLE_LOG_DEBUG) and 6 (SWOOLE_LOG_NONE), {n} given"
                    ));
                }
                self.log_level = n as i32;
            }
            "log_date_format" => self.log_date_format = string(key, v)?,
            "log_date_with_microseconds" => self.log_date_with_microseconds = boolean(key, v)?,
            "log_rotation" => {
                let n = int(key, v)?;
                if !(0..=4).contains(&n) {
                    return Err(format!(
                        "option 'log_rotation' must be one of SWOOLE_LOG_ROTATION_SINGLE (0), MONTHLY (1), DAILY (2), HOURLY (3) or EVERY_MINUTE (4), {n} given"
                    ));
                }
                self.log_rotation = n as i32;
            }
            // An array of CPU numbers, read from `setting` where the workers are pinned.
            "cpu_affinity_ignore" => {
                if !matches!(v, OptValue::Other("array") | OptValue::Null) {
                    return Err(type_error(key, "array", v));
                }
            }
            "stats_file" => self.stats_file = string(key, v)?,
            "stats_timer_interval" => {
                let n = int(key, v)?;
                if n <= 0 {
                    return Err(format!(
                        "option 'stats_timer_interval' must be a positive number of milliseconds, {n} given"
                    ));
                }
                self.stats_timer_interval = n;
            }
            "user" => self.user = string(key, v)?,
            "group" => self.group = string(key, v)?,
            "chroot" => self.chroot = string(key, v)?,
            "heartbeat_check_interval" => self.heartbeat_check_interval = seconds(key, v)?,
            "heartbeat_idle_time" => self.heartbeat_idle_time = seconds(key, v)?,
            "max_idle_time" => self.max_idle_time = seconds(key, v)?,
            "buffer_output_size" | "output_buffer_size" => {
                self.buffer_output_size = parse_size(key, v)?.max(1)
            }
            "enable_delay_receive" => self.enable_delay_receive = boolean(key, v)?,
            "reactor_type" => match v {
                OptValue::Str(raw) => {
                    let name = String::from_utf8_lossy(raw);
                    match ReactorType::parse(&name) {
                        Some(t) => self.reactor_type = Some(t),
                        None => {
                            return Err(format!(
                                "option 'reactor_type' must be 'auto', 'io_uring' or 'epoll', \"{name}\" given"
                            ))
                        }
                    }
                }
                _ => return Err(type_error(key, "string", v)),
            },
            "open_tcp_keepalive" => self.open_tcp_keepalive = boolean(key, v)?,
            "tcp_keepidle" => self.tcp_keepidle = small_int(key, v)?,
            "tcp_keepinterval" => self.tcp_keepinterval = small_int(key, v)?,
            "tcp_keepcount" => self.tcp_keepcount = small_int(key, v)?,
            "tcp_user_timeout" => self.tcp_user_timeout = small_int(key, v)?,
            "tcp_defer_accept" => self.tcp_defer_accept = small_int(key, v)?,
            "tcp_fastopen" => self.tcp_fastopen = boolean(key, v)?,
            "enable_reuse_port" => self.enable_reuse_port = boolean(key, v)?,
            "open_cpu_affinity" => self.open_cpu_affinity = boolean(key, v)?,
            "open_proxy_protocol" => self.open_proxy_protocol = boolean(key, v)?,
            "proxy_protocol_timeout" => {
                let secs = seconds(key, v)?;
                if secs <= 0.0 {
                    return Err(format!(
                        "option 'proxy_protocol_timeout' must be more than 0 seconds, {secs} given"
                    ));
                }
                self.proxy_protocol_timeout = secs;
            }
            _ if key.starts_with("ssl_") && self.tls.apply(key, v)? => {}
            _ if ACCEPTED_NO_EFFECT.contains(&key) => {}
            _ => return Ok(Applied::Unknown),
        }
        Ok(Applied::Ok)
    }

    /// The jitter added to `max_request`: `max_request_grace` when set, else (as Swoole)
    /// `max_request / 2` when `max_request` is above 10, else 0.
    pub fn max_request_grace(&self) -> u64 {
        match self.max_request_grace {
            Some(g) => g,
            None if self.max_request > WORKER_MIN_REQUEST => self.max_request / 2,
            None => 0,
        }
    }

    /// How many onReceive calls one worker handles before it is recycled (0: unlimited):
    /// `max_request` plus `random % (grace + 1)`, so workers do not all restart at once.
    pub fn worker_max_request(&self, random: u64) -> u64 {
        if self.max_request == 0 {
            return 0;
        }
        let grace = self.max_request_grace();
        self.max_request + if grace > 0 { random % (grace + 1) } else { 0 }
    }

    /// Whether `start()` runs a manager: several workers, or workers that get recycled
    /// (Swoole's `!is_single_worker()`).
    pub fn needs_manager(&self) -> bool {
        self.worker_num > 1 || self.max_request > 0 || self.task.worker_num > 0
    }

    /// A task worker's `task_max_request` with its jitter (as [`Settings::worker_max_request`]).
    pub fn task_max_request(&self, random: u64) -> u64 {
        if self.task.max_request == 0 {
            return 0;
        }
        let grace = match self.task.max_request_grace {
            Some(g) => g,
            None if self.task.max_request > WORKER_MIN_REQUEST => self.task.max_request / 2,
            None => 0,
        };
        self.task.max_request + if grace > 0 { random % (grace + 1) } else { 0 }
    }

    /// The heartbeat as (check interval, idle time), or None when it is off. As Swoole
    /// derives them: idle defaults to twice the interval, and an idle time alone implies
    /// an interval of half of it.
    pub fn heartbeat(&self) -> Option<(Duration, Duration)> {
        let (mut interval, mut idle) = (self.heartbeat_check_interval, self.heartbeat_idle_time);
        if interval <= 0.0 && idle <= 0.0 {
            return None;
        }
        if idle <= 0.0 {
            idle = interval * 2.0;
        }
        if interval <= 0.0 {
            interval = idle / 2.0;
        }
        Some((
            Duration::from_secs_f64(interval.max(0.001)),
            Duration::from_secs_f64(idle.max(0.001)),
        ))
    }

    /// `max_idle_time` as a duration, or None when it is off.
    pub fn max_idle(&self) -> Option<Duration> {
        (self.max_idle_time > 0.0).then(|| Duration::from_secs_f64(self.max_idle_time.max(0.001)))
    }

    /// How often the `max_idle_time` check runs: a tenth of it (a connection is closed at
    /// most 10 % late), between 10 ms and 1 s.
    pub fn max_idle_tick(&self) -> Option<Duration> {
        self.max_idle()
            .map(|t| (t / 10).clamp(Duration::from_millis(10), Duration::from_secs(1)))
    }

    /// The output-queue size at which BufferFull fires: Swoole's default is 80% of
    /// `socket_buffer_size`.
    pub fn high_watermark(&self) -> usize {
        if self.buffer_high_watermark > 0 {
            self.buffer_high_watermark
        } else {
            self.socket_buffer_size / 10 * 8
        }
    }
}

/// Online CPUs, as `worker_num = 0` means in Swoole.
/// `backlog` when `set()` names none: as long an accept queue as the kernel allows
/// (`net.core.somaxconn`, 4096 by default since Linux 5.4), where Swoole uses 512. A flood
/// of new connections that outruns the workers for a moment then waits in the queue: with
/// 512, one flood of 10,000 connects (1,000 in flight) against two workers overflowed it
/// (`ListenOverflows` +102), its connections waited for the client's 1 s SYN retransmit and
/// 50 missed the load generator's deadline; with the kernel's 4096, none in the same runs
/// (BENCHMARKS.md "session 7").
pub fn default_backlog() -> i32 {
    somaxconn(
        std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .as_deref(),
    )
}

/// The accept queue length from the text of `/proc/sys/net/core/somaxconn` (None: unreadable):
/// at least Swoole's 512, at most 65535.
fn somaxconn(text: Option<&str>) -> i32 {
    text.and_then(|t| t.trim().parse::<i64>().ok())
        .map(|n| n.clamp(512, 65535) as i32)
        .unwrap_or(4096)
}

pub fn cpu_count() -> u32 {
    std::thread::available_parallelism()
        .map(|n| n.get() as u32)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> OptValue {
        OptValue::Str(v.as_bytes().to_vec())
    }

    #[test]
    fn the_default_backlog_is_the_kernels_accept_queue_limit() {
        assert_eq!(somaxconn(Some("4096\n")), 4096);
        assert_eq!(somaxconn(Some("128")), 512);
        assert_eq!(somaxconn(Some("1000000")), 65535);
        assert_eq!(somaxconn(Some("garbage")), 4096);
        assert_eq!(somaxconn(None), 4096);
    }

    #[test]
    fn defaults_match_swoole() {
        let st = Settings::default();
        assert_eq!(st.worker_num, 1);
        assert_eq!(st.package_max_length, 2 * 1024 * 1024);
        assert_eq!(st.package_eof, b"\r\n\r\n");
        assert_eq!(st.package_body_offset, 4);
        assert_eq!(st.socket_buffer_size, 8 << 20);
        assert_eq!(st.high_watermark(), (8 << 20) / 10 * 8);
    }

    #[test]
    fn ints_accept_numeric_strings_and_reject_garbage() {
        let mut st = Settings::default();
        assert_eq!(st.apply("worker_num", &s("4")), Ok(Applied::Ok));
        assert_eq!(st.worker_num, 4);
        let err = st.apply("worker_num", &s("four")).unwrap_err();
        assert!(
            err.contains("'worker_num' expects int, string given"),
            "{err}"
        );
        assert!(st.apply("worker_num", &OptValue::Int(-1)).is_err());
        st.apply("worker_num", &OptValue::Int(0)).unwrap();
        assert_eq!(st.worker_num, cpu_count());
    }

    #[test]
    fn sizes_accept_suffixes() {
        let mut st = Settings::default();
        st.apply("package_max_length", &s("3M")).unwrap();
        assert_eq!(st.package_max_length, 3 << 20);
        st.apply("socket_buffer_size", &s("512k")).unwrap();
        assert_eq!(st.socket_buffer_size, 512 << 10);
        st.apply("socket_buffer_size", &OptValue::Int(100)).unwrap();
        assert_eq!(st.socket_buffer_size, 100);
        assert!(st.apply("package_max_length", &s("lots")).is_err());
        assert!(st.apply("package_max_length", &OptValue::Int(-5)).is_err());
    }

    #[test]
    fn eof_and_length_options_are_validated() {
        let mut st = Settings::default();
        assert!(st
            .apply("package_eof", &s(""))
            .unwrap_err()
            .contains("1 to 8 bytes"));
        assert!(st.apply("package_eof", &s("123456789")).is_err());
        st.apply("package_eof", &s("\n")).unwrap();
        assert_eq!(st.package_eof, b"\n");
        let err = st.apply("package_length_type", &s("i")).unwrap_err();
        assert!(err.contains("c C s S n N l L v V q Q J P"), "{err}");
        for l in "cCsSnNlLvVqQJP".chars() {
            st.apply("package_length_type", &s(&l.to_string())).unwrap();
        }
        assert!(st
            .apply("package_length_offset", &OptValue::Int(9000))
            .is_err());
        assert!(st.apply("open_eof_check", &s("yes")).is_err());
        st.apply("open_eof_check", &OptValue::Int(1)).unwrap();
        assert!(st.open_eof_check);
    }

    #[test]
    fn max_request_grace_defaults_like_swoole() {
        let mut st = Settings::default();
        assert_eq!(st.worker_max_request(12345), 0);
        assert!(!st.needs_manager());
        st.apply("max_request", &OptValue::Int(3)).unwrap();
        assert!(st.needs_manager());
        assert_eq!(st.max_request_grace(), 0);
        assert_eq!(st.worker_max_request(u64::MAX), 3);
        st.apply("max_request", &OptValue::Int(100)).unwrap();
        assert_eq!(st.max_request_grace(), 50);
        for r in 0..200 {
            let n = st.worker_max_request(r);
            assert!((100..=150).contains(&n), "{n}");
        }
        assert_eq!(st.worker_max_request(50), 150);
        assert_eq!(st.worker_max_request(51), 100);
        st.apply("max_request_grace", &OptValue::Int(0)).unwrap();
        assert_eq!(st.worker_max_request(7), 100);
        st.apply("max_request_grace", &OptValue::Int(4)).unwrap();
        assert_eq!(st.worker_max_request(9), 104);
        st.apply("max_request", &OptValue::Int(-5)).unwrap();
        assert_eq!(st.max_request, 0);
        assert!(st.apply("max_request", &s("many")).is_err());
    }

    #[test]
    fn process_options_are_type_checked() {
        let mut st = Settings::default();
        assert_eq!(st.log_level, 2);
        st.apply("log_level", &OptValue::Int(5)).unwrap();
        assert_eq!(st.log_level, 5);
        assert!(st
            .apply("log_level", &OptValue::Int(7))
            .unwrap_err()
            .contains("between 0"));
        assert!(st.apply("log_level", &s("loud")).is_err());
        st.apply("pid_file", &s("/tmp/x.pid")).unwrap();
        assert_eq!(st.pid_file.as_deref(), Some("/tmp/x.pid"));
        st.apply("log_rotation", &OptValue::Int(2)).unwrap();
        assert_eq!(st.log_rotation, 2);
        assert!(st
            .apply("log_rotation", &OptValue::Int(5))
            .unwrap_err()
            .contains("EVERY_MINUTE (4), 5 given"));
        st.apply("log_date_format", &s("%d/%m/%Y")).unwrap();
        assert_eq!(st.log_date_format.as_deref(), Some("%d/%m/%Y"));
        st.apply("log_date_format", &s("")).unwrap();
        assert_eq!(st.log_date_format, None);
        st.apply("user", &s("nobody")).unwrap();
        st.apply("chroot", &s("/tmp")).unwrap();
        assert_eq!(
            (st.user.as_deref(), st.chroot.as_deref()),
            (Some("nobody"), Some("/tmp"))
        );
        let err = st.apply("log_file", &OptValue::Int(1)).unwrap_err();
        assert!(
            err.contains("'log_file' expects string, int given"),
            "{err}"
        );
        st.apply("daemonize", &OptValue::Bool(true)).unwrap();
        assert!(st.daemonize);
        assert!(st.apply("daemonize", &s("yes")).is_err());
    }

    #[test]
    fn unknown_and_no_effect_keys() {
        let mut st = Settings::default();
        assert_eq!(
            st.apply("bogus_opt", &OptValue::Int(1)),
            Ok(Applied::Unknown)
        );
        assert_eq!(
            st.apply("enable_coroutine", &OptValue::Bool(true)),
            Ok(Applied::Ok)
        );
        assert_eq!(st, Settings::default());
    }

    #[test]
    fn task_options_are_read_and_checked() {
        let mut st = Settings::default();
        assert!(!st.needs_manager());
        st.apply("task_worker_num", &OptValue::Int(2)).unwrap();
        assert!(st.needs_manager());
        assert_eq!(st.task.worker_num, 2);
        assert!(st.apply("task_worker_num", &OptValue::Int(-1)).is_err());
        assert!(st.apply("task_ipc_mode", &OptValue::Int(4)).is_err());
        st.apply("task_ipc_mode", &OptValue::Int(2)).unwrap();
        assert!(!st.task.object);
        st.apply("task_enable_coroutine", &OptValue::Bool(true))
            .unwrap();
        assert!(st.task.object && st.task.enable_coroutine);
        assert_eq!(st.task_max_request(7), 0);
        st.apply("task_max_request", &OptValue::Int(4)).unwrap();
        assert_eq!(st.task_max_request(12345), 4);
        st.apply("task_max_request_grace", &OptValue::Int(2))
            .unwrap();
        assert!((4..=6).contains(&st.task_max_request(12345)));
    }

    #[test]
    fn heartbeat_derivation() {
        let mut st = Settings::default();
        assert_eq!(st.heartbeat(), None);
        st.apply("heartbeat_check_interval", &OptValue::Int(5))
            .unwrap();
        assert_eq!(
            st.heartbeat(),
            Some((Duration::from_secs(5), Duration::from_secs(10)))
        );
        st.apply("heartbeat_idle_time", &OptValue::Float(3.5))
            .unwrap();
        assert_eq!(
            st.heartbeat(),
            Some((Duration::from_secs(5), Duration::from_secs_f64(3.5)))
        );
        let mut only_idle = Settings::default();
        only_idle
            .apply("heartbeat_idle_time", &OptValue::Int(8))
            .unwrap();
        assert_eq!(
            only_idle.heartbeat(),
            Some((Duration::from_secs(4), Duration::from_secs(8)))
        );
        assert!(st.apply("heartbeat_idle_time", &OptValue::Int(-1)).is_err());
        assert!(st.apply("heartbeat_check_interval", &s("soon")).is_err());
    }

    #[test]
    fn max_idle_time_and_its_check_tick() {
        let mut st = Settings::default();
        assert_eq!(st.max_idle(), None);
        assert_eq!(st.max_idle_tick(), None);
        st.apply("max_idle_time", &OptValue::Float(0.5)).unwrap();
        assert_eq!(st.max_idle(), Some(Duration::from_millis(500)));
        assert_eq!(st.max_idle_tick(), Some(Duration::from_millis(50)));
        // A tenth, within 10 ms .. 1 s.
        st.apply("max_idle_time", &OptValue::Float(0.02)).unwrap();
        assert_eq!(st.max_idle_tick(), Some(Duration::from_millis(10)));
        st.apply("max_idle_time", &OptValue::Int(3600)).unwrap();
        assert_eq!(st.max_idle_tick(), Some(Duration::from_secs(1)));
        st.apply("max_idle_time", &OptValue::Int(0)).unwrap();
        assert_eq!(st.max_idle(), None);
        assert!(st.apply("max_idle_time", &OptValue::Int(-1)).is_err());
        assert!(st.apply("max_idle_time", &s("long")).is_err());
    }

    #[test]
    fn connection_options() {
        let mut st = Settings::default();
        assert_eq!(st.buffer_output_size, u32::MAX as usize);
        st.apply("output_buffer_size", &s("1M")).unwrap();
        assert_eq!(st.buffer_output_size, 1 << 20);
        st.apply("buffer_output_size", &OptValue::Int(64)).unwrap();
        assert_eq!(st.buffer_output_size, 64);
        st.apply("tcp_keepidle", &OptValue::Int(7)).unwrap();
        assert_eq!(st.tcp_keepidle, 7);
        assert!(st.apply("tcp_keepcount", &OptValue::Int(-3)).is_err());
        assert!(st
            .apply("tcp_user_timeout", &OptValue::Int(1 << 40))
            .is_err());
        st.apply("enable_delay_receive", &OptValue::Bool(true))
            .unwrap();
        assert!(st.enable_delay_receive);
    }

    #[test]
    fn proxy_protocol_options() {
        let mut st = Settings::default();
        assert!(!st.open_proxy_protocol);
        assert_eq!(st.proxy_protocol_timeout, 5.0);
        assert_eq!(
            st.apply("open_proxy_protocol", &OptValue::Bool(true)),
            Ok(Applied::Ok)
        );
        assert!(st.open_proxy_protocol);
        assert!(st.apply("open_proxy_protocol", &s("yes")).is_err());
        st.apply("proxy_protocol_timeout", &OptValue::Float(0.25))
            .unwrap();
        assert_eq!(st.proxy_protocol_timeout, 0.25);
        let zero = st.apply("proxy_protocol_timeout", &OptValue::Int(0));
        assert!(zero.unwrap_err().contains("more than 0 seconds"));
        assert!(st
            .apply("proxy_protocol_timeout", &OptValue::Int(-1))
            .is_err());
        assert_eq!(st.proxy_protocol_timeout, 0.25);
    }

    #[test]
    fn reactor_type_option() {
        let mut st = Settings::default();
        assert_eq!(st.reactor_type, None);
        st.apply("reactor_type", &s("io_uring")).unwrap();
        assert_eq!(st.reactor_type, Some(ReactorType::IoUring));
        st.apply("reactor_type", &s("EPOLL")).unwrap();
        assert_eq!(st.reactor_type, Some(ReactorType::Epoll));
        st.apply("reactor_type", &s("auto")).unwrap();
        assert_eq!(st.reactor_type, Some(ReactorType::Auto));
        let bad = st.apply("reactor_type", &s("kqueue")).unwrap_err();
        assert!(bad.contains("'auto', 'io_uring' or 'epoll'"), "{bad}");
        assert!(bad.contains("\"kqueue\""), "{bad}");
        assert!(st
            .apply("reactor_type", &OptValue::Int(1))
            .unwrap_err()
            .contains(" expects "));
        assert_eq!(st.reactor_type, Some(ReactorType::Auto));
        assert_eq!(default_reactor_type(None), Ok(ReactorType::Epoll));
        assert_eq!(default_reactor_type(Some("")), Ok(ReactorType::Epoll));
        assert_eq!(default_reactor_type(Some("auto")), Ok(ReactorType::Auto));
        assert_eq!(default_reactor_type(Some("epoll")), Ok(ReactorType::Epoll));
        assert_eq!(default_reactor_type(Some("x")), Err("x".to_string()));
    }
}

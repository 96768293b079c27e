//! The log of the manager and the workers (`log_file`, `log_level`), in Swoole's line format:
//! `[Y-m-d H:i:s <kind><pid>.<id>]\t<LEVEL>\t<message>`, where kind is `$` for the manager and
//! `*` for a worker. Each line is one write(2), so several processes sharing the file never
//! interleave inside a line.

use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;

use super::getpid;

/// Swoole's log levels (`SWOOLE_LOG_*`).
pub const LOG_DEBUG: i32 = 0;
pub const LOG_INFO: i32 = 2;
pub const LOG_NOTICE: i32 = 3;
pub const LOG_WARNING: i32 = 4;
pub const LOG_ERROR: i32 = 5;
pub const LOG_NONE: i32 = 6;

/// Where the manager's and workers' own log lines go: `log_file` (opened by `start()`,
/// inherited by the workers) or stderr (-1), and the lowest level written.
static LOG_FD: AtomicI32 = AtomicI32::new(-1);
static LOG_LEVEL: AtomicI32 = AtomicI32::new(LOG_INFO);

/// The rest of the configuration: read per line, changed only at `start()`/stop. A mutex
/// (not a RefCell) because reactor threads may log too.
static CONFIG: Mutex<Option<LogConfig>> = Mutex::new(None);

/// `log_file` and how its lines and files are named.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogConfig {
    /// None: stderr.
    pub path: Option<String>,
    pub level: i32,
    /// strftime(3) format of the date (None: `%F %T`).
    pub date_format: Option<String>,
    pub microseconds: bool,
    /// `SWOOLE_LOG_ROTATION_*`.
    pub rotation: i32,
    /// The suffix of the file open now (rotation), e.g. `20261201`.
    current_suffix: String,
}

impl LogConfig {
    pub fn new(
        path: Option<String>,
        level: i32,
        date_format: Option<String>,
        microseconds: bool,
        rotation: i32,
    ) -> LogConfig {
        LogConfig {
            path,
            level,
            date_format,
            microseconds,
            rotation,
            current_suffix: String::new(),
        }
    }
}

/// The file name suffix of `rotation` at local time `tm`, as Swoole names rotated files
/// (`log_file.20261201` daily, `.2026120122` hourly, `.202612012227` every minute,
/// `.202612` monthly); empty for a single file.
fn rotation_suffix(rotation: i32, tm: &libc::tm) -> String {
    let (y, mo, d, h, mi) = (
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
    );
    match rotation {
        1 => format!("{y:04}{mo:02}"),
        2 => format!("{y:04}{mo:02}{d:02}"),
        3 => format!("{y:04}{mo:02}{d:02}{h:02}"),
        4 => format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}"),
        _ => String::new(),
    }
}

fn file_name(path: &str, suffix: &str) -> String {
    if suffix.is_empty() {
        path.to_string()
    } else {
        format!("{path}.{suffix}")
    }
}

fn open_append(path: &str) -> std::io::Result<RawFd> {
    use std::os::fd::IntoRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o644)
        .open(path)
        .map(|f| f.into_raw_fd())
}

/// Sets the log for this `start()`, opening `log_file` (and, with rotation, the file of the
/// current period). On failure, lines go to stderr and the error is returned for a warning.
pub fn configure(mut cfg: LogConfig) -> Result<(), String> {
    LOG_LEVEL.store(cfg.level, Ordering::Relaxed);
    let mut result = Ok(());
    let fd = match &cfg.path {
        Some(path) => {
            let tm = local_now().1;
            cfg.current_suffix = rotation_suffix(cfg.rotation, &tm);
            if cfg.rotation != 0 {
                // Swoole creates the base file too; logrotate-style tools expect it.
                if let Ok(fd) = open_append(path) {
                    // SAFETY: closing the descriptor just opened.
                    unsafe { libc::close(fd) };
                }
            }
            match open_append(&file_name(path, &cfg.current_suffix)) {
                Ok(fd) => fd,
                Err(e) => {
                    result = Err(format!(
                        "cannot open log_file [{path}]: {e}; logging to stderr"
                    ));
                    -1
                }
            }
        }
        None => -1,
    };
    let old = LOG_FD.swap(fd, Ordering::Relaxed);
    close_log_fd(old);
    *CONFIG.lock().unwrap_or_else(|e| e.into_inner()) = Some(cfg);
    result
}

/// The descriptor lines go to now (-1: stderr), e.g. for `daemonize` to send stdout there.
pub fn fd() -> RawFd {
    LOG_FD.load(Ordering::Relaxed)
}

/// Reopens `log_file` (SIGRTMIN / SIGWINCH, and on reload), so a file that logrotate moved
/// away is replaced by a fresh one at the configured path.
pub fn reopen() {
    let guard = CONFIG.lock().unwrap_or_else(|e| e.into_inner());
    let Some(cfg) = guard.as_ref() else { return };
    let Some(path) = &cfg.path else { return };
    if let Ok(fd) = open_append(&file_name(path, &cfg.current_suffix)) {
        close_log_fd(LOG_FD.swap(fd, Ordering::Relaxed));
    }
}

/// Restores the defaults (stderr, INFO) and closes `log_file`.
pub fn reset() {
    LOG_LEVEL.store(LOG_INFO, Ordering::Relaxed);
    *CONFIG.lock().unwrap_or_else(|e| e.into_inner()) = None;
    close_log_fd(LOG_FD.swap(-1, Ordering::Relaxed));
}

fn close_log_fd(fd: RawFd) {
    if fd > libc::STDERR_FILENO {
        // SAFETY: closing a log file this module opened; nothing else uses the descriptor.
        unsafe { libc::close(fd) };
    }
}

/// Swoole's level names.
pub fn level_name(level: i32) -> &'static str {
    match level {
        LOG_DEBUG => "DEBUG",
        1 => "TRACE",
        LOG_INFO => "INFO",
        LOG_NOTICE => "NOTICE",
        LOG_WARNING => "WARNING",
        _ => "ERROR",
    }
}

/// Whether a line at `level` is written with `log_level = threshold` (NONE drops everything).
pub fn log_enabled(level: i32, threshold: i32) -> bool {
    threshold < LOG_NONE && level >= threshold
}

/// One log line in Swoole's format: `[date <kind><pid>.<id>]\t<LEVEL>\t<message>\n`.
pub fn format_log_line(date: &str, kind: char, pid: i64, id: i64, level: i32, msg: &str) -> String {
    format!("[{date} {kind}{pid}.{id}]\t{}\t{msg}\n", level_name(level))
}

/// Logs `msg` at `level` as process `kind` (`$` manager, `*` worker) with id `id`, in one
/// write(2) so lines from several processes sharing the output do not interleave.
pub fn log(level: i32, kind: char, id: i64, msg: &str) {
    if !log_enabled(level, LOG_LEVEL.load(Ordering::Relaxed)) {
        return;
    }
    let (now, tm) = local_now();
    let mut guard = CONFIG.lock().unwrap_or_else(|e| e.into_inner());
    let (format, micros) = match guard.as_mut() {
        Some(cfg) => {
            if let (Some(path), true) = (&cfg.path, cfg.rotation != 0) {
                let suffix = rotation_suffix(cfg.rotation, &tm);
                if suffix != cfg.current_suffix {
                    // A new period: this process moves to the new file.
                    if let Ok(fd) = open_append(&file_name(path, &suffix)) {
                        close_log_fd(LOG_FD.swap(fd, Ordering::Relaxed));
                        cfg.current_suffix = suffix;
                    }
                }
            }
            (cfg.date_format.clone(), cfg.microseconds)
        }
        None => (None, false),
    };
    drop(guard);
    let mut date = format_date(&tm, format.as_deref().unwrap_or(DEFAULT_DATE_FORMAT));
    if micros {
        date.push_str(&format!("<.{:06}>", now.subsec_micros()));
    }
    let line = format_log_line(&date, kind, getpid(), id, level, msg);
    let fd = match LOG_FD.load(Ordering::Relaxed) {
        -1 => libc::STDERR_FILENO,
        fd => fd,
    };
    // SAFETY: writing a valid buffer to an fd this process owns (O_APPEND for log_file).
    unsafe { libc::write(fd, line.as_ptr().cast(), line.len()) };
}

/// Swoole's default `log_date_format` (`%F %T`).
const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Now, as time since the epoch and as local broken-down time.
fn local_now() -> (std::time::Duration, libc::tm) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let t = now.as_secs() as libc::time_t;
    // SAFETY: localtime_r with valid pointers; an all-zero tm is valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    unsafe { libc::localtime_r(&t, &mut tm) };
    (now, tm)
}

/// `tm` formatted with strftime(3) `format` (up to 255 bytes).
fn format_date(tm: &libc::tm, format: &str) -> String {
    let Ok(f) = std::ffi::CString::new(format) else {
        return String::new();
    };
    let mut buf = [0u8; 256];
    // SAFETY: strftime writes at most buf.len() bytes into our buffer.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), f.as_ptr(), tm) };
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_use_swoole_format_and_levels() {
        let l = format_log_line("2026-01-02 03:04:05", '$', 42, 0, LOG_WARNING, "boom");
        assert_eq!(l, "[2026-01-02 03:04:05 $42.0]\tWARNING\tboom\n");
        let l = format_log_line("d", '*', 7, 3, LOG_ERROR, "x");
        assert_eq!(l, "[d *7.3]\tERROR\tx\n");
        assert_eq!(level_name(LOG_INFO), "INFO");
        assert_eq!(level_name(LOG_NOTICE), "NOTICE");
        assert!(log_enabled(LOG_WARNING, LOG_INFO));
        assert!(log_enabled(LOG_WARNING, LOG_WARNING));
        assert!(!log_enabled(LOG_WARNING, LOG_ERROR));
        assert!(log_enabled(LOG_ERROR, LOG_ERROR));
        assert!(!log_enabled(LOG_ERROR, LOG_NONE));
        assert!(log_enabled(LOG_DEBUG, LOG_DEBUG));
        let d = format_date(&local_now().1, DEFAULT_DATE_FORMAT);
        assert_eq!(d.len(), 19, "{d}");
    }

    #[test]
    fn rotated_files_are_named_as_swoole_names_them() {
        // SAFETY: an all-zero tm is valid; fields set below.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min) = (126, 11, 1, 22, 7);
        assert_eq!(rotation_suffix(0, &tm), "");
        assert_eq!(rotation_suffix(1, &tm), "202612");
        assert_eq!(rotation_suffix(2, &tm), "20261201");
        assert_eq!(rotation_suffix(3, &tm), "2026120122");
        assert_eq!(rotation_suffix(4, &tm), "202612012207");
        assert_eq!(
            file_name("/var/log/s.log", "20261201"),
            "/var/log/s.log.20261201"
        );
        assert_eq!(file_name("/var/log/s.log", ""), "/var/log/s.log");
        assert_eq!(format_date(&tm, "%d/%m/%Y %H.%M"), "01/12/2026 22.07");
    }
}

//! The log of the manager and the workers (`log_file`, `log_level`), in Swoole's line format:
//! `[Y-m-d H:i:s <kind><pid>.<id>]\t<LEVEL>\t<message>`, where kind is `$` for the manager and
//! `*` for a worker. Each line is one write(2), so several processes sharing the file never
//! interleave inside a line.

use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};

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

/// The log destination for this `start()`: `fd` (-1: stderr) and `log_level`.
pub fn set_log(fd: RawFd, level: i32) {
    LOG_FD.store(fd, Ordering::Relaxed);
    LOG_LEVEL.store(level, Ordering::Relaxed);
}

/// Restores the defaults (stderr, INFO); returns the log fd that was set, for closing.
pub fn reset_log() -> RawFd {
    LOG_LEVEL.store(LOG_INFO, Ordering::Relaxed);
    LOG_FD.swap(-1, Ordering::Relaxed)
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
    let line = format_log_line(&log_date(), kind, getpid(), id, level, msg);
    let fd = match LOG_FD.load(Ordering::Relaxed) {
        -1 => libc::STDERR_FILENO,
        fd => fd,
    };
    // SAFETY: writing a valid buffer to an fd this process owns (O_APPEND for log_file).
    unsafe { libc::write(fd, line.as_ptr().cast(), line.len()) };
}

/// Local time as Swoole's default `log_date_format` (`%F %T`).
fn log_date() -> String {
    // SAFETY: time/localtime_r/strftime with valid local buffers.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&t, &mut tm);
        let mut buf = [0u8; 32];
        let n = libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            c"%Y-%m-%d %H:%M:%S".as_ptr(),
            &tm,
        );
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }
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
        let d = log_date();
        assert_eq!(d.len(), 19, "{d}");
    }
}

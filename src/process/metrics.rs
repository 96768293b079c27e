//! `stats()` as OpenMetrics text (what Prometheus scrapes), server-wide and per worker, plus
//! what users need to find leaks and stalls and Swoole does not report: each worker's
//! resident memory and event-loop lag (swoole-src #2685, #5513).
//!
//! Rendering is pure: [`Snapshot::read`] copies the shared page, [`render`] formats it, so
//! the format is unit-tested without a server.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use super::shm::{SharedStats, MAX_SLOTS};

/// One worker's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerSample {
    pub id: usize,
    pub pid: i32,
    pub connections: u64,
    pub requests: u64,
    pub rss_bytes: u64,
    pub loop_lag_seconds: f64,
    pub loop_blocked_seconds: f64,
}

/// The counters at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub start_time: u64,
    pub connections: u64,
    pub accepted: u64,
    pub closed: u64,
    pub aborted: u64,
    /// Connections closed before onConnect for a bad PROXY header (`open_proxy_protocol`).
    pub proxy_protocol_errors: u64,
    /// TLS handshakes that failed or timed out (0 without TLS).
    pub tls_handshake_failures: u64,
    pub requests: u64,
    pub responses: u64,
    pub received_bytes: u64,
    pub sent_bytes: u64,
    pub workers: Vec<WorkerSample>,
}

impl Snapshot {
    /// Reads the page of a server with `workers` workers. `single_pid` is the pid to report
    /// for a server without a manager (its one worker does not record itself in the page).
    pub fn read(s: &SharedStats, workers: usize, single_pid: Option<i32>) -> Snapshot {
        let g = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
        let workers = (0..workers.min(MAX_SLOTS))
            .map(|id| {
                let h = &s.health[id];
                WorkerSample {
                    id,
                    pid: single_pid.unwrap_or_else(|| s.pids[id].load(Ordering::Relaxed)),
                    connections: g(&s.connections[id]),
                    requests: g(&h.requests),
                    rss_bytes: g(&h.rss_bytes),
                    loop_lag_seconds: g(&h.loop_lag_us) as f64 / 1e6,
                    loop_blocked_seconds: g(&h.loop_blocked_us) as f64 / 1e6,
                }
            })
            .collect();
        Snapshot {
            start_time: g(&s.start_time),
            connections: s.connection_num(),
            accepted: g(&s.accept_count),
            closed: g(&s.close_count),
            aborted: g(&s.abort_count),
            proxy_protocol_errors: g(&s.proxy_protocol_errors),
            tls_handshake_failures: g(&s.ssl_handshake_fail_count),
            requests: g(&s.request_count),
            responses: g(&s.response_count),
            received_bytes: g(&s.total_recv_bytes),
            sent_bytes: g(&s.total_send_bytes),
            workers,
        }
    }
}

/// The content type a scraper expects for [`render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// OpenMetrics 1.0 text: one family per counter, `worker` labels for per-worker values,
/// terminated by `# EOF`.
pub fn render(s: &Snapshot) -> String {
    let mut text = String::with_capacity(4096);
    let mut add =
        |name: &str, kind: &str, unit: Option<&str>, help: &str, samples: &[(String, String)]| {
            let _ = writeln!(text, "# TYPE {name} {kind}");
            if let Some(u) = unit {
                let _ = writeln!(text, "# UNIT {name} {u}");
            }
            let _ = writeln!(text, "# HELP {name} {help}");
            for (labels_suffix, value) in samples {
                let _ = writeln!(text, "{labels_suffix} {value}");
            }
        };
    let one = |sample: &str, v: u64| vec![(sample.to_string(), v.to_string())];
    add(
        "swoole_start_time_seconds",
        "gauge",
        Some("seconds"),
        "When the server started, as a Unix time.",
        &one("swoole_start_time_seconds", s.start_time),
    );
    add(
        "swoole_connections",
        "gauge",
        None,
        "Open connections, all workers.",
        &one("swoole_connections", s.connections),
    );
    for (name, help, v) in [
        (
            "swoole_accepted_connections",
            "Connections accepted.",
            s.accepted,
        ),
        ("swoole_closed_connections", "Connections closed.", s.closed),
        (
            "swoole_aborted_connections",
            "Connections refused (max_connection).",
            s.aborted,
        ),
        (
            "swoole_proxy_protocol_errors",
            "Connections closed before onConnect for a missing, malformed or late PROXY protocol header.",
            s.proxy_protocol_errors,
        ),
        (
            "swoole_tls_handshake_failures",
            "TLS handshakes that failed or timed out (those connections never became sessions).",
            s.tls_handshake_failures,
        ),
        ("swoole_requests", "onReceive calls completed.", s.requests),
        ("swoole_responses", "send() calls accepted.", s.responses),
    ] {
        add(
            name,
            "counter",
            None,
            help,
            &one(&format!("{name}_total"), v),
        );
    }
    for (name, help, v) in [
        (
            "swoole_received_bytes",
            "Bytes read from clients.",
            s.received_bytes,
        ),
        (
            "swoole_sent_bytes",
            "Bytes written to clients.",
            s.sent_bytes,
        ),
    ] {
        add(
            name,
            "counter",
            Some("bytes"),
            help,
            &one(&format!("{name}_total"), v),
        );
    }
    add(
        "swoole_workers",
        "gauge",
        None,
        "Worker processes configured.",
        &one("swoole_workers", s.workers.len() as u64),
    );
    let per = |f: &dyn Fn(&WorkerSample) -> String, sample: &str| -> Vec<(String, String)> {
        s.workers
            .iter()
            .map(|w| (format!("{sample}{{worker=\"{}\"}}", w.id), f(w)))
            .collect()
    };
    add(
        "swoole_worker_pid",
        "gauge",
        None,
        "Process id of each worker (0 while it restarts).",
        &per(&|w| w.pid.to_string(), "swoole_worker_pid"),
    );
    add(
        "swoole_worker_connections",
        "gauge",
        None,
        "Open connections per worker.",
        &per(&|w| w.connections.to_string(), "swoole_worker_connections"),
    );
    add(
        "swoole_worker_requests",
        "counter",
        None,
        "onReceive calls completed per worker process (restarts from 0 with the process).",
        &per(&|w| w.requests.to_string(), "swoole_worker_requests_total"),
    );
    add(
        "swoole_worker_memory_bytes",
        "gauge",
        Some("bytes"),
        "Resident memory per worker, published about once a second.",
        &per(&|w| w.rss_bytes.to_string(), "swoole_worker_memory_bytes"),
    );
    add(
        "swoole_worker_event_loop_lag_seconds",
        "gauge",
        Some("seconds"),
        "The largest delay of the worker's 500 ms tick over the last 10 s: how long a callback kept its loop blocked.",
        &per(
            &|w| format!("{:.6}", w.loop_lag_seconds),
            "swoole_worker_event_loop_lag_seconds",
        ),
    );
    add(
        "swoole_worker_event_loop_blocked_seconds",
        "counter",
        Some("seconds"),
        "Total time the worker's loop ran late since the worker started.",
        &per(
            &|w| format!("{:.6}", w.loop_blocked_seconds),
            "swoole_worker_event_loop_blocked_seconds_total",
        ),
    );
    text.push_str("# EOF\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_openmetrics_families_with_worker_labels_and_eof() {
        let s = Snapshot {
            start_time: 1_700_000_000,
            connections: 3,
            accepted: 10,
            closed: 7,
            aborted: 0,
            proxy_protocol_errors: 0,
            tls_handshake_failures: 0,
            requests: 42,
            responses: 40,
            received_bytes: 1000,
            sent_bytes: 2000,
            workers: vec![
                WorkerSample {
                    id: 0,
                    pid: 11,
                    connections: 2,
                    requests: 30,
                    rss_bytes: 4096,
                    loop_lag_seconds: 0.0015,
                    loop_blocked_seconds: 2.5,
                },
                WorkerSample {
                    id: 1,
                    pid: 12,
                    connections: 1,
                    requests: 12,
                    rss_bytes: 8192,
                    loop_lag_seconds: 0.0,
                    loop_blocked_seconds: 0.0,
                },
            ],
        };
        let t = render(&s);
        assert!(t.ends_with("# EOF\n"));
        assert!(t.contains("# TYPE swoole_requests counter\n"));
        assert!(t.contains("\nswoole_requests_total 42\n"));
        assert!(t.contains("# UNIT swoole_sent_bytes bytes\n"));
        assert!(t.contains("\nswoole_worker_requests_total{worker=\"1\"} 12\n"));
        assert!(t.contains("\nswoole_worker_event_loop_lag_seconds{worker=\"0\"} 0.001500\n"));
        assert!(t.contains("\nswoole_worker_pid{worker=\"1\"} 12\n"));
        assert!(
            t.contains("\nswoole_worker_event_loop_blocked_seconds_total{worker=\"0\"} 2.500000\n")
        );
        // Every sample line belongs to the family declared just before it.
        let mut family = String::new();
        for line in t.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                family = rest.split(' ').next().unwrap().to_string();
            } else if !line.starts_with('#') {
                assert!(line.starts_with(&family), "{line} outside {family}");
            }
        }
    }
}

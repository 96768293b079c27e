//! The heartbeat's schedule: which sessions to look at, and when.
//!
//! Swoole scans every session every `heartbeat_check_interval`, so the check costs O(n) even
//! when nobody is idle. Here each session sits in one bucket of an ordered map keyed by the
//! check tick at which it could first be idle (its last activity plus `heartbeat_idle_time`).
//! A check pops only the buckets that are due. The per-message path touches nothing here: it
//! stores the time of the last read in the `Conn` (as it already did for `getClientInfo()`),
//! and a popped session that has been active since is put back at its real deadline. Each
//! session is therefore looked at about once per idle time, and a check costs
//! O(due sessions), independent of how many connections are open.

use std::collections::BTreeMap;

/// Sessions by the tick (multiple of the check interval) at which they are due.
pub struct IdleWheel {
    tick_ms: u64,
    buckets: BTreeMap<u64, Vec<u64>>,
    len: usize,
}

impl IdleWheel {
    pub fn new(tick_ms: u64) -> Self {
        IdleWheel {
            tick_ms: tick_ms.max(1),
            buckets: BTreeMap::new(),
            len: 0,
        }
    }

    /// Looks at `id` again at the first tick at or after `due_ms`.
    pub fn schedule(&mut self, id: u64, due_ms: u64) {
        let tick = due_ms.div_ceil(self.tick_ms);
        self.buckets.entry(tick).or_default().push(id);
        self.len += 1;
    }

    /// Moves every session due by `now_ms` into `out` (emptying their buckets).
    pub fn take_due(&mut self, now_ms: u64, out: &mut Vec<u64>) {
        let now_tick = now_ms / self.tick_ms;
        while let Some(entry) = self.buckets.first_entry() {
            if *entry.key() > now_tick {
                break;
            }
            let ids = entry.remove();
            self.len -= ids.len();
            out.extend(ids);
        }
    }

    /// Scheduled entries (a closed session's entry stays until its bucket is due).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What the heartbeat does with a session popped from the wheel.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Close,
    /// Not idle (or protected): look again at this time (ms).
    Recheck(u64),
}

/// Decides one popped session: idle for `idle_ms` since `last_ms` (its last receive, or its
/// connect time) closes it, unless protected.
pub fn judge(now_ms: u64, last_ms: u64, idle_ms: u64, protected: bool) -> Verdict {
    if protected {
        return Verdict::Recheck(now_ms + idle_ms);
    }
    let deadline = last_ms + idle_ms;
    if deadline <= now_ms {
        Verdict::Close
    } else {
        Verdict::Recheck(deadline)
    }
}

/// Seconds (as the `Conn` stores times) to milliseconds.
pub fn ms(secs: f64) -> u64 {
    (secs * 1000.0).max(0.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_due_buckets_are_popped() {
        let mut w = IdleWheel::new(1000);
        w.schedule(1, 10_000);
        w.schedule(2, 10_500);
        w.schedule(3, 20_000);
        let mut out = Vec::new();
        w.take_due(9_999, &mut out);
        assert!(out.is_empty());
        // 10_500 rounds up to the tick at 11 s.
        w.take_due(10_000, &mut out);
        assert_eq!(out, vec![1]);
        out.clear();
        w.take_due(11_000, &mut out);
        assert_eq!(out, vec![2]);
        assert_eq!(w.len(), 1);
        out.clear();
        w.take_due(100_000, &mut out);
        assert_eq!(out, vec![3]);
        assert!(w.is_empty());
    }

    #[test]
    fn a_check_touches_only_due_sessions() {
        let mut w = IdleWheel::new(100);
        for id in 0..100_000u64 {
            w.schedule(id, 1_000_000 + id % 1000);
        }
        w.schedule(999_999, 50);
        let mut out = Vec::new();
        w.take_due(100, &mut out);
        assert_eq!(out, vec![999_999]);
        assert_eq!(w.len(), 100_000);
    }

    #[test]
    fn verdicts() {
        assert_eq!(judge(10_000, 1_000, 5_000, false), Verdict::Close);
        assert_eq!(judge(10_000, 5_000, 5_000, false), Verdict::Close);
        assert_eq!(judge(10_000, 8_000, 5_000, false), Verdict::Recheck(13_000));
        assert_eq!(judge(10_000, 0, 5_000, true), Verdict::Recheck(15_000));
        assert_eq!(ms(1.5), 1500);
    }
}

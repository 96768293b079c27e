//! The counters behind `Swoole\Atomic` (unsigned 32-bit, with futex wait/wakeup) and
//! `Swoole\Atomic\Long` (signed 64-bit). Lock-free, so there is nothing a dying process can
//! leave held.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::Duration;

use super::lock::{futex_wait, futex_wake};
use super::ShmSafe;

#[repr(C)]
#[derive(Default)]
pub struct Atomic32 {
    value: AtomicU32,
}

// SAFETY: one atomic; zero is a valid value.
unsafe impl ShmSafe for Atomic32 {}

impl Atomic32 {
    /// Adds with 32-bit wrap-around and returns the new value (Swoole's `add`).
    pub fn add(&self, v: u32) -> u32 {
        self.value.fetch_add(v, Ordering::SeqCst).wrapping_add(v)
    }

    pub fn sub(&self, v: u32) -> u32 {
        self.value.fetch_sub(v, Ordering::SeqCst).wrapping_sub(v)
    }

    pub fn get(&self) -> u32 {
        self.value.load(Ordering::SeqCst)
    }

    pub fn set(&self, v: u32) {
        self.value.store(v, Ordering::SeqCst)
    }

    pub fn cmpset(&self, cmp: u32, new: u32) -> bool {
        self.value
            .compare_exchange(cmp, new, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Swoole's `wait()`: consumes a pending wakeup (value 1 → 0) at once, else sleeps on the
    /// word until a `wakeup()` or the timeout (`None`: forever). True when a wakeup was taken.
    pub fn wait(&self, timeout: Option<Duration>) -> bool {
        if self.cmpset(1, 0) {
            return true;
        }
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        loop {
            let left = match deadline {
                Some(d) => {
                    let l = d.saturating_duration_since(std::time::Instant::now());
                    if l.is_zero() {
                        return self.cmpset(1, 0);
                    }
                    Some(l)
                }
                None => None,
            };
            // Sleeps only while the value is still 0; any other value returns at once.
            futex_wait(&self.value, 0, left);
            if self.cmpset(1, 0) {
                return true;
            }
            if self.get() != 0 {
                // Not a wakeup token (the user set another value): Swoole returns false.
                return false;
            }
        }
    }

    /// Swoole's `wakeup()`: if nobody is woken yet (value 0), sets 1 and wakes `count` waiters.
    pub fn wakeup(&self, count: i32) -> bool {
        if self.cmpset(0, 1) {
            futex_wake(&self.value, count.max(1));
        }
        true
    }
}

#[repr(C)]
#[derive(Default)]
pub struct Atomic64 {
    value: AtomicI64,
}

// SAFETY: one atomic; zero is a valid value.
unsafe impl ShmSafe for Atomic64 {}

impl Atomic64 {
    pub fn add(&self, v: i64) -> i64 {
        self.value.fetch_add(v, Ordering::SeqCst).wrapping_add(v)
    }

    pub fn sub(&self, v: i64) -> i64 {
        self.value.fetch_sub(v, Ordering::SeqCst).wrapping_sub(v)
    }

    pub fn get(&self) -> i64 {
        self.value.load(Ordering::SeqCst)
    }

    pub fn set(&self, v: i64) {
        self.value.store(v, Ordering::SeqCst)
    }

    pub fn cmpset(&self, cmp: i64, new: i64) -> bool {
        self.value
            .compare_exchange(cmp, new, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shm::Mapping;

    #[test]
    fn add_sub_wrap_like_an_unsigned_32_bit_counter() {
        let a = Atomic32::default();
        assert_eq!(a.add(1), 1);
        assert_eq!(a.sub(3), u32::MAX - 1);
        assert!(a.cmpset(u32::MAX - 1, 7));
        assert!(!a.cmpset(1, 8));
        assert_eq!(a.get(), 7);
        let l = Atomic64::default();
        assert_eq!(l.sub(5), -5);
        assert_eq!(l.add(i64::MAX), i64::MAX - 5);
    }

    #[test]
    fn wait_times_out_consumes_a_wakeup_and_is_woken_from_another_process() {
        let a = Mapping::leak_zeroed::<Atomic32>().unwrap();
        assert!(!a.wait(Some(Duration::from_millis(20))));
        a.wakeup(1);
        assert_eq!(a.get(), 1);
        assert!(a.wait(Some(Duration::from_millis(20))));
        assert_eq!(a.get(), 0);
        // SAFETY: the child only touches the shared atomic and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            std::thread::sleep(Duration::from_millis(50));
            a.wakeup(1);
            // SAFETY: leave without the harness's destructors.
            unsafe { libc::_exit(0) };
        }
        assert!(a.wait(Some(Duration::from_secs(10))));
        let mut st = 0;
        // SAFETY: our own child.
        unsafe { libc::waitpid(pid, &mut st, 0) };
    }
}

//! Process-shared locks that a dead owner cannot wedge: the mutex/spinlock/rwlock behind
//! `Swoole\Lock`, and the per-bucket locks of `Swoole\Table`.
//!
//! Why owner pids and not robust pthread mutexes: one mechanism covers all three lock kinds
//! (glibc has no robust rwlock, and a reader that dies holding a pthread rwlock wedges every
//! writer), an all-zero word is a valid unlocked lock (so a lock lives in any zero-filled
//! mapping with no init step), the uncontended path is one compare-and-swap with no robust-list
//! bookkeeping, and it is 4 bytes per table bucket instead of 40. The lock word holds the
//! owner's pid; waiters sleep on it with a shared (not `FUTEX_PRIVATE`) futex in short slices
//! and, when a slice ends with the owner unchanged, ask the kernel whether the owner still
//! lives (`kill(pid, 0)`, and `/proc/<pid>/stat` for an unreaped zombie). A dead owner's lock
//! is taken over with a compare-and-swap, so exactly one waiter inherits it and learns that it
//! did ([`Acquired::Recovered`]). The cost is a recovery delay of one slice (`DEAD_CHECK`),
//! and the usual pid-reuse caveat: if the kernel hands the dead owner's pid to a new process
//! before a waiter notices, waiters keep waiting until that process exits.

use std::sync::atomic::{fence, AtomicU32, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use super::ShmSafe;

/// Set in the lock word while some process may be sleeping on it, so unlock knows to wake.
const WAITERS: u32 = 1 << 31;
const PID_MASK: u32 = !WAITERS;

/// How long a waiter sleeps before it checks whether the owner died.
const DEAD_CHECK: Duration = Duration::from_millis(20);

/// Spins before the first sleep: table critical sections are a few hundred nanoseconds.
pub const SPIN_MUTEX: u32 = 100;
/// `SWOOLE_SPINLOCK`: spins much longer before sleeping (it still sleeps, so a dead owner
/// or a long critical section does not burn a core forever).
pub const SPIN_SPINLOCK: u32 = 20_000;

static PID: AtomicU32 = AtomicU32::new(0);
static ATFORK: Once = Once::new();

extern "C" fn forget_pid() {
    PID.store(0, Ordering::Relaxed);
}

/// This process's pid, cached (getpid is a syscall in current glibc, and it is on every lock);
/// a fork handler clears the cache in the child.
pub fn my_pid() -> u32 {
    let p = PID.load(Ordering::Relaxed);
    if p != 0 {
        return p;
    }
    ATFORK.call_once(|| {
        // SAFETY: registering a child handler that only stores to an atomic.
        unsafe { libc::pthread_atfork(None, None, Some(forget_pid)) };
    });
    // SAFETY: getpid has no preconditions.
    let p = unsafe { libc::getpid() } as u32;
    PID.store(p, Ordering::Relaxed);
    p
}

/// Whether `pid` is a running (not dead, not zombie) process.
pub fn process_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks existence and permission.
    let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
    if r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
        return false;
    }
    // A killed child its parent has not reaped yet still answers kill(); it holds nothing.
    match std::fs::read(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            // The state follows the ")" that closes the command name.
            let state = stat
                .iter()
                .rposition(|b| *b == b')')
                .and_then(|i| stat.get(i + 2));
            !matches!(state, Some(b'Z') | Some(b'X'))
        }
        Err(_) => r == 0,
    }
}

/// Sleeps while `*word == expected`, at most `timeout`. Shared futex: the word is in a
/// `MAP_SHARED` mapping and the wakers are other processes.
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs() as libc::time_t,
        tv_nsec: t.subsec_nanos() as libc::c_long,
    });
    let tsp = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: FUTEX_WAIT on a valid, aligned u32; a relative timeout or NULL.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            tsp,
            std::ptr::null::<u32>(),
            0,
        )
    };
}

/// Wakes up to `n` processes sleeping on `word`; returns how many were woken.
pub fn futex_wake(word: &AtomicU32, n: i32) -> i64 {
    // SAFETY: FUTEX_WAKE on a valid, aligned u32.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE,
            n,
            std::ptr::null::<libc::timespec>(),
            std::ptr::null::<u32>(),
            0,
        ) as i64
    }
}

/// How a lock was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acquired {
    Clean,
    /// The previous owner died holding it: whatever it guarded may be half-updated.
    Recovered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockError {
    /// Try-lock found it held (`EBUSY`).
    WouldBlock,
    /// The timeout passed (`ETIMEDOUT`).
    TimedOut,
    /// This process already holds it exclusively and would wait for itself (`EDEADLK`).
    Deadlock,
}

impl LockError {
    /// The errno Swoole reports in `Lock::$errCode`.
    pub fn errno(self) -> i32 {
        match self {
            LockError::WouldBlock => libc::EBUSY,
            LockError::TimedOut => libc::ETIMEDOUT,
            LockError::Deadlock => libc::EDEADLK,
        }
    }
}

/// An exclusive lock in one shared word: 0 when free, else the owner's pid (plus `WAITERS`).
#[repr(C)]
#[derive(Default)]
pub struct PidLock {
    word: AtomicU32,
}

// SAFETY: one atomic; zero is "unlocked".
unsafe impl ShmSafe for PidLock {}

impl PidLock {
    /// The owner's pid, 0 when free.
    pub fn owner(&self) -> u32 {
        self.word.load(Ordering::Relaxed) & PID_MASK
    }

    /// One attempt, taking over from a dead owner.
    pub fn try_lock(&self) -> Result<Acquired, LockError> {
        let me = my_pid();
        loop {
            let cur = self.word.load(Ordering::Relaxed);
            let owner = cur & PID_MASK;
            if owner == 0 {
                if self.cas(cur, me | (cur & WAITERS)) {
                    return Ok(Acquired::Clean);
                }
                continue;
            }
            if owner != me && !process_alive(owner) {
                if self.cas(cur, me | (cur & WAITERS)) {
                    return Ok(Acquired::Recovered);
                }
                continue;
            }
            return Err(LockError::WouldBlock);
        }
    }

    /// Waits at most `timeout` (forever with `None`), spinning `spin` times before sleeping.
    pub fn lock(&self, timeout: Option<Duration>, spin: u32) -> Result<Acquired, LockError> {
        let me = my_pid();
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut spins = 0u32;
        let mut waited = 0u32;
        loop {
            let cur = self.word.load(Ordering::Relaxed);
            let owner = cur & PID_MASK;
            if owner == 0 {
                // Once we have slept, others may be asleep too: keep the bit so our unlock
                // wakes the next one.
                let keep = if waited > 0 { WAITERS } else { cur & WAITERS };
                if self.cas(cur, me | keep) {
                    return Ok(Acquired::Clean);
                }
                continue;
            }
            if owner == me {
                return Err(LockError::Deadlock);
            }
            if spins < spin {
                spins += 1;
                std::hint::spin_loop();
                continue;
            }
            if waited > 0 && !process_alive(owner) {
                if self.cas(cur, me | (cur & WAITERS)) {
                    return Ok(Acquired::Recovered);
                }
                continue;
            }
            let slice = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(LockError::TimedOut);
                    }
                    left.min(DEAD_CHECK)
                }
                None => DEAD_CHECK,
            };
            if cur & WAITERS == 0 && !self.cas(cur, cur | WAITERS) {
                continue;
            }
            futex_wait(&self.word, cur | WAITERS, Some(slice));
            waited += 1;
        }
    }

    /// Releases the lock if this process holds it; false (and nothing changes) otherwise.
    pub fn unlock(&self) -> bool {
        let me = my_pid();
        loop {
            let cur = self.word.load(Ordering::Relaxed);
            if cur & PID_MASK != me {
                return false;
            }
            if self
                .word
                .compare_exchange_weak(cur, 0, Ordering::Release, Ordering::Relaxed)
                .is_ok()
            {
                if cur & WAITERS != 0 {
                    futex_wake(&self.word, 1);
                }
                return true;
            }
        }
    }

    fn cas(&self, cur: u32, new: u32) -> bool {
        self.word
            .compare_exchange_weak(cur, new, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }
}

/// Processes that can hold the read side at once.
pub const READER_SLOTS: usize = 128;

/// A readers-writer lock built from a [`PidLock`] (writers, and readers while they register)
/// and a table of reader pids, so a dead reader is noticed and dropped as a dead writer is.
#[repr(C)]
pub struct RwLock {
    writer: PidLock,
    /// Bumped on every read unlock; writers waiting for readers sleep on it.
    generation: AtomicU32,
    readers: [AtomicU32; READER_SLOTS],
}

// SAFETY: atomics only; all zero is "unlocked, no readers".
unsafe impl ShmSafe for RwLock {}

impl RwLock {
    /// Exclusive lock: takes the writer lock, then waits for the readers to leave.
    pub fn write(&self, timeout: Option<Duration>, spin: u32) -> Result<Acquired, LockError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        if self.holds_read() {
            return Err(LockError::Deadlock);
        }
        let got = self.writer.lock(timeout, spin)?;
        let mut spins = 0;
        loop {
            let g = self.generation.load(Ordering::Acquire);
            if !self.live_readers(spins > spin) {
                return Ok(got);
            }
            if spins < spin {
                spins += 1;
                std::hint::spin_loop();
                continue;
            }
            let slice = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        self.writer.unlock();
                        return Err(LockError::TimedOut);
                    }
                    left.min(DEAD_CHECK)
                }
                None => DEAD_CHECK,
            };
            futex_wait(&self.generation, g, Some(slice));
            spins = spin + 1;
        }
    }

    pub fn try_write(&self) -> Result<Acquired, LockError> {
        let got = self.writer.try_lock()?;
        if self.live_readers(true) {
            self.writer.unlock();
            return Err(LockError::WouldBlock);
        }
        Ok(got)
    }

    /// Shared lock: registers this pid in a reader slot while holding the writer lock.
    pub fn read(&self, timeout: Option<Duration>, spin: u32) -> Result<Acquired, LockError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let got = self.writer.lock(left, spin)?;
            let slot = self.claim_slot();
            self.writer.unlock();
            if slot {
                return Ok(got);
            }
            // Every slot taken: wait for a reader to leave.
            let g = self.generation.load(Ordering::Acquire);
            if left.is_some_and(|l| l.is_zero()) {
                return Err(LockError::TimedOut);
            }
            futex_wait(&self.generation, g, Some(DEAD_CHECK));
            self.live_readers(true);
        }
    }

    pub fn try_read(&self) -> Result<Acquired, LockError> {
        let got = self.writer.try_lock()?;
        let slot = self.claim_slot();
        self.writer.unlock();
        if slot {
            Ok(got)
        } else {
            Err(LockError::WouldBlock)
        }
    }

    /// Releases this process's write lock, or else one of its read locks.
    pub fn unlock(&self) -> bool {
        if self.writer.unlock() {
            return true;
        }
        let me = my_pid();
        for r in &self.readers {
            if r.compare_exchange(me, 0, Ordering::Release, Ordering::Relaxed)
                .is_ok()
            {
                self.generation.fetch_add(1, Ordering::Release);
                futex_wake(&self.generation, i32::MAX);
                return true;
            }
        }
        false
    }

    fn holds_read(&self) -> bool {
        let me = my_pid();
        self.readers.iter().any(|r| r.load(Ordering::Relaxed) == me)
    }

    fn claim_slot(&self) -> bool {
        let me = my_pid();
        self.readers.iter().any(|r| {
            r.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        })
    }

    /// Whether any reader slot is held; with `reap`, slots of dead readers are freed first.
    fn live_readers(&self, reap: bool) -> bool {
        let mut any = false;
        for r in &self.readers {
            let pid = r.load(Ordering::Acquire);
            if pid == 0 {
                continue;
            }
            if reap && !process_alive(pid) {
                let _ = r.compare_exchange(pid, 0, Ordering::AcqRel, Ordering::Relaxed);
                continue;
            }
            any = true;
        }
        fence(Ordering::Acquire);
        any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shm::testing::{fork_child, reap};
    use crate::shm::Mapping;

    #[test]
    fn lock_unlock_try_and_self_deadlock() {
        let l = Mapping::leak_zeroed::<PidLock>().unwrap();
        assert_eq!(l.lock(None, 10), Ok(Acquired::Clean));
        assert_eq!(l.owner(), my_pid());
        assert_eq!(l.try_lock(), Err(LockError::WouldBlock));
        assert_eq!(l.lock(None, 10), Err(LockError::Deadlock));
        assert!(l.unlock());
        assert!(!l.unlock());
        assert_eq!(l.try_lock(), Ok(Acquired::Clean));
        assert!(l.unlock());
    }

    #[test]
    fn a_lock_held_by_another_process_times_out_then_is_released() {
        let l = Mapping::leak_zeroed::<PidLock>().unwrap();
        let flag = Mapping::leak_zeroed::<AtomicU32>().unwrap();
        let child = fork_child(|| {
            l.lock(None, 0).unwrap();
            flag.store(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(200));
            l.unlock();
        });
        while flag.load(Ordering::SeqCst) == 0 {
            std::thread::yield_now();
        }
        assert_eq!(
            l.lock(Some(Duration::from_millis(30)), 10),
            Err(LockError::TimedOut)
        );
        assert_eq!(l.lock(None, 10), Ok(Acquired::Clean));
        l.unlock();
        reap(child);
    }

    #[test]
    fn a_child_killed_holding_the_lock_does_not_wedge_the_parent() {
        let l = Mapping::leak_zeroed::<PidLock>().unwrap();
        let flag = Mapping::leak_zeroed::<AtomicU32>().unwrap();
        let child = fork_child(|| {
            l.lock(None, 0).unwrap();
            flag.store(1, Ordering::SeqCst);
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        while flag.load(Ordering::SeqCst) == 0 {
            std::thread::yield_now();
        }
        // SAFETY: killing our own child.
        unsafe { libc::kill(child, libc::SIGKILL) };
        // Not reaped yet: a zombie must count as dead too.
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            l.lock(Some(Duration::from_secs(5)), 10),
            Ok(Acquired::Recovered)
        );
        assert!(l.unlock());
        reap(child);
    }

    #[test]
    fn counters_under_the_lock_from_several_processes_add_up() {
        struct Shared {
            lock: PidLock,
            n: std::sync::atomic::AtomicU64,
        }
        // SAFETY: atomics only.
        unsafe impl ShmSafe for Shared {}
        let s = Mapping::leak_zeroed::<Shared>().unwrap();
        let kids: Vec<_> = (0..3)
            .map(|_| {
                fork_child(|| {
                    for _ in 0..20_000 {
                        s.lock.lock(None, SPIN_MUTEX).unwrap();
                        // A non-atomic read-modify-write: only correct under mutual exclusion.
                        let v = s.n.load(Ordering::Relaxed);
                        s.n.store(v + 1, Ordering::Relaxed);
                        s.lock.unlock();
                    }
                })
            })
            .collect();
        for k in kids {
            assert_eq!(reap(k), 0);
        }
        assert_eq!(s.n.load(Ordering::SeqCst), 60_000);
    }

    #[test]
    fn rwlock_readers_share_writers_exclude_and_dead_readers_are_dropped() {
        let l = Mapping::leak_zeroed::<RwLock>().unwrap();
        assert_eq!(l.read(None, 10), Ok(Acquired::Clean));
        assert_eq!(l.try_read(), Ok(Acquired::Clean));
        assert_eq!(l.try_write(), Err(LockError::WouldBlock));
        assert_eq!(l.write(None, 10), Err(LockError::Deadlock));
        assert!(l.unlock());
        assert!(l.unlock());
        assert!(!l.unlock());
        assert_eq!(l.write(None, 10), Ok(Acquired::Clean));
        assert_eq!(l.try_read(), Err(LockError::WouldBlock));
        assert!(l.unlock());

        let flag = Mapping::leak_zeroed::<AtomicU32>().unwrap();
        let child = fork_child(|| {
            l.read(None, 0).unwrap();
            flag.store(1, Ordering::SeqCst);
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        while flag.load(Ordering::SeqCst) == 0 {
            std::thread::yield_now();
        }
        assert_eq!(
            l.write(Some(Duration::from_millis(30)), 10),
            Err(LockError::TimedOut)
        );
        // SAFETY: killing our own child.
        unsafe { libc::kill(child, libc::SIGKILL) };
        reap(child);
        assert_eq!(
            l.write(Some(Duration::from_secs(5)), 10),
            Ok(Acquired::Clean)
        );
        assert!(l.unlock());
    }

    /// Not a pass/fail test: `cargo test --release -- --ignored --nocapture lock_cost`
    /// prints the uncontended cost of this lock beside a robust process-shared pthread mutex
    /// (the measurement behind the choice in the module doc).
    #[test]
    #[ignore]
    fn lock_cost() {
        let n = 10_000_000u32;
        let l = Mapping::leak_zeroed::<PidLock>().unwrap();
        let t = Instant::now();
        for _ in 0..n {
            l.lock(None, SPIN_MUTEX).unwrap();
            l.unlock();
        }
        let ours = t.elapsed().as_nanos() as f64 / n as f64;
        let m = Mapping::new(std::mem::size_of::<libc::pthread_mutex_t>()).unwrap();
        let mx = m.as_ptr().cast::<libc::pthread_mutex_t>();
        // SAFETY: initialising a robust, process-shared mutex in our own mapping.
        let robust = unsafe {
            let mut a: libc::pthread_mutexattr_t = std::mem::zeroed();
            libc::pthread_mutexattr_init(&mut a);
            libc::pthread_mutexattr_setpshared(&mut a, libc::PTHREAD_PROCESS_SHARED);
            libc::pthread_mutexattr_setrobust(&mut a, libc::PTHREAD_MUTEX_ROBUST);
            libc::pthread_mutex_init(mx, &a);
            let t = Instant::now();
            for _ in 0..n {
                libc::pthread_mutex_lock(mx);
                libc::pthread_mutex_unlock(mx);
            }
            t.elapsed().as_nanos() as f64 / n as f64
        };
        println!("pid lock: {ours:.1} ns/lock+unlock; robust pthread mutex: {robust:.1} ns");
    }
}

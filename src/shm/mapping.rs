//! One anonymous shared mapping, and the rule for what may live in it.

use std::io;
use std::ptr::NonNull;

/// Types that are valid to place in memory shared by several processes: every field is an
/// atomic (or plain bytes guarded by one), the all-zero bit pattern is a valid value, and
/// nothing points into one process's heap.
///
/// # Safety
/// Implementors promise the three properties above: a zero-filled mapping is a valid `Self`,
/// and concurrent access from other processes through `&Self` is sound.
pub unsafe trait ShmSafe: Sync {}

// SAFETY: plain atomics; zero is a valid value.
unsafe impl ShmSafe for std::sync::atomic::AtomicU32 {}
// SAFETY: plain atomics; zero is a valid value.
unsafe impl ShmSafe for std::sync::atomic::AtomicU64 {}

/// An anonymous `MAP_SHARED` mapping, zero-filled by the kernel. Children forked after it
/// was made share it; the process that made it unmaps it on drop (children that leave with
/// `_exit` never drop it, so the parent's copy outlives them).
pub struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

impl Mapping {
    /// Maps `len` bytes (rounded up to whole pages by the kernel).
    pub fn new(len: usize) -> io::Result<Mapping> {
        let len = len.max(1);
        // SAFETY: a fresh anonymous mapping; the result is checked for MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(p.cast::<u8>()).ok_or_else(|| io::Error::other("mmap gave NULL"))?;
        Ok(Mapping { ptr, len })
    }

    /// A zero-filled `T` in its own mapping, kept for the life of the process. For pages a
    /// server creates once per `start()` and hands out as `&'static` (the session counter,
    /// stats, the owner table): one small mapping, never reused after the server stops.
    pub fn leak_zeroed<T: ShmSafe>() -> io::Result<&'static T> {
        let m = Mapping::new(std::mem::size_of::<T>())?;
        let p = m.ptr.as_ptr().cast::<T>();
        std::mem::forget(m);
        // SAFETY: page-aligned (alignment ≤ a page for every ShmSafe type here), large
        // enough, zero-filled, which ShmSafe declares a valid T; never unmapped.
        Ok(unsafe { &*p })
    }

    /// The start of the mapping (page-aligned).
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// The size asked for (what `getMemorySize()`-style reports show).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what new() mapped; no reference into it outlives self
        // (owners hand out borrows tied to their own lifetime).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    struct Counter {
        n: AtomicU64,
    }
    // SAFETY: a single atomic; zero is a valid value.
    unsafe impl ShmSafe for Counter {}

    #[test]
    fn a_child_process_sees_the_parents_writes_and_back() {
        let c = Mapping::leak_zeroed::<Counter>().unwrap();
        c.n.store(41, Ordering::SeqCst);
        // SAFETY: the test process is single-threaded at this point as far as the child is
        // concerned: the child only touches the atomic and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            c.n.fetch_add(1, Ordering::SeqCst);
            // SAFETY: leaving the child without running the test harness's destructors.
            unsafe { libc::_exit(0) };
        }
        let mut status = 0;
        // SAFETY: waiting for our own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(c.n.load(Ordering::SeqCst), 42);
    }

    #[test]
    fn mappings_are_zero_filled_and_sized() {
        let m = Mapping::new(10_000).unwrap();
        assert_eq!(m.len(), 10_000);
        // SAFETY: reading inside the mapping.
        let s = unsafe { std::slice::from_raw_parts(m.as_ptr(), m.len()) };
        assert!(s.iter().all(|b| *b == 0));
    }
}

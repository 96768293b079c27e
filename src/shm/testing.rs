//! Test support for the multi-process tests of the shared-memory types.

/// Forks a child that runs `f` and leaves with `_exit(0)`; returns its pid.
pub fn fork_child(f: impl FnOnce()) -> libc::pid_t {
    // SAFETY: the child only touches shared memory and leaves with _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        f();
        // SAFETY: leave without running the harness's destructors.
        unsafe { libc::_exit(0) };
    }
    pid
}

/// Waits for child `pid`; returns its wait status.
pub fn reap(pid: libc::pid_t) -> i32 {
    let mut st = 0;
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, &mut st, 0) };
    st
}

/// A word in memory shared with children forked afterwards: lets a test wait until a child
/// reached a point (a flag the child sets), not just until it holds a lock.
pub fn shared_flag() -> &'static std::sync::atomic::AtomicU32 {
    // SAFETY: a fresh anonymous shared mapping of one page, never unmapped (leaked for the
    // test's lifetime); all-zero is a valid AtomicU32.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        &*(p as *const std::sync::atomic::AtomicU32)
    }
}

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

//! The TCP options of `set()`, applied to the listening socket before `listen()` (as Swoole
//! does). Linux copies keepalive, `TCP_KEEP*` and `TCP_USER_TIMEOUT` from the listener into
//! every accepted socket, so nothing is paid per connection.

use std::io;
use std::os::fd::RawFd;

use crate::options::Settings;

fn set(fd: RawFd, level: libc::c_int, name: libc::c_int, value: libc::c_int) -> io::Result<()> {
    // SAFETY: fd is an open socket; the value outlives the call.
    let r = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Reads an int socket option (tests, and anyone checking what was applied).
pub fn get(fd: RawFd, level: libc::c_int, name: libc::c_int) -> io::Result<libc::c_int> {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: fd is an open socket; value and len are valid out-parameters.
    let r = unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if r == 0 {
        Ok(value)
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Applies the listener options; `tcp` is false for unix sockets (only `SO_REUSEPORT`
/// would mean something there, and Swoole applies none). Returns the first failure with
/// the option's name.
pub fn apply_listen_options(fd: RawFd, st: &Settings, tcp: bool) -> Result<(), String> {
    if !tcp {
        return Ok(());
    }
    let try_set = |name: &str, level, opt, v| {
        set(fd, level, opt, v).map_err(|e| format!("cannot set {name}: {e}"))
    };
    if st.enable_reuse_port {
        try_set("enable_reuse_port", libc::SOL_SOCKET, libc::SO_REUSEPORT, 1)?;
    }
    if st.open_tcp_nodelay {
        // Linux copies the listener's TCP_NODELAY into every connection it accepts: one
        // setsockopt here instead of one per connection (8 system calls per connection
        // under churn become 7; Swoole makes the 8). The accept path checks the listener
        // and still sets it per connection where the listener does not have it.
        try_set("open_tcp_nodelay", libc::IPPROTO_TCP, libc::TCP_NODELAY, 1)?;
    }
    if st.open_tcp_keepalive {
        try_set(
            "open_tcp_keepalive",
            libc::SOL_SOCKET,
            libc::SO_KEEPALIVE,
            1,
        )?;
        try_set(
            "tcp_keepidle",
            libc::IPPROTO_TCP,
            libc::TCP_KEEPIDLE,
            st.tcp_keepidle.max(1),
        )?;
        try_set(
            "tcp_keepinterval",
            libc::IPPROTO_TCP,
            libc::TCP_KEEPINTVL,
            st.tcp_keepinterval.max(1),
        )?;
        try_set(
            "tcp_keepcount",
            libc::IPPROTO_TCP,
            libc::TCP_KEEPCNT,
            st.tcp_keepcount.max(1),
        )?;
    }
    if st.tcp_user_timeout > 0 {
        try_set(
            "tcp_user_timeout",
            libc::IPPROTO_TCP,
            libc::TCP_USER_TIMEOUT,
            st.tcp_user_timeout,
        )?;
    }
    if st.tcp_defer_accept > 0 {
        try_set(
            "tcp_defer_accept",
            libc::IPPROTO_TCP,
            libc::TCP_DEFER_ACCEPT,
            st.tcp_defer_accept,
        )?;
    }
    if st.tcp_fastopen {
        // The queue length of pending TFO requests, as Swoole uses.
        try_set("tcp_fastopen", libc::IPPROTO_TCP, libc::TCP_FASTOPEN, 5)?;
    }
    Ok(())
}

/// `open_cpu_affinity`: pins the calling process (a worker) to one CPU, worker id modulo
/// the online CPUs.
pub fn pin_to_cpu(worker_id: usize, ignore: &[usize]) -> io::Result<usize> {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) }.max(1) as usize;
    let Some(cpu) = cpu_for(worker_id, n, ignore) else {
        return Err(io::Error::other(format!(
            "cpu_affinity_ignore leaves none of the {n} CPUs"
        )));
    };
    // SAFETY: a zeroed cpu_set_t is the empty set; CPU_SET writes inside it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            let e = io::Error::last_os_error();
            return Err(io::Error::new(
                e.kind(),
                format!("sched_setaffinity() failed: {e}"),
            ));
        }
    }
    Ok(cpu)
}

/// The CPU of worker `worker_id` among `n`, skipping `cpu_affinity_ignore`'s (those are
/// left to, e.g., the NIC's interrupts): the workers take the others in turn.
pub fn cpu_for(worker_id: usize, n: usize, ignore: &[usize]) -> Option<usize> {
    let usable: Vec<usize> = (0..n).filter(|c| !ignore.contains(c)).collect();
    (!usable.is_empty()).then(|| usable[worker_id % usable.len()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn cpu_affinity_ignore_skips_cpus_and_wraps() {
        assert_eq!(cpu_for(0, 4, &[]), Some(0));
        assert_eq!(cpu_for(5, 4, &[]), Some(1));
        assert_eq!(cpu_for(0, 4, &[0]), Some(1));
        assert_eq!(cpu_for(2, 4, &[0]), Some(3));
        assert_eq!(cpu_for(3, 4, &[0]), Some(1));
        assert_eq!(cpu_for(1, 4, &[1, 2, 9]), Some(3));
        assert_eq!(cpu_for(0, 2, &[0, 1]), None);
    }

    #[test]
    fn listener_options_reach_accepted_sockets() {
        let st = Settings {
            open_tcp_keepalive: true,
            tcp_keepidle: 7,
            tcp_keepinterval: 3,
            tcp_keepcount: 4,
            tcp_user_timeout: 1234,
            tcp_defer_accept: 2,
            tcp_fastopen: true,
            enable_reuse_port: true,
            ..Settings::default()
        };
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let fd = sock.as_raw_fd();
        apply_listen_options(fd, &st, true).unwrap();
        sock.bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
        sock.listen(16).unwrap();
        let tcp = libc::IPPROTO_TCP;
        assert_eq!(get(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT).unwrap(), 1);
        assert_eq!(get(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE).unwrap(), 1);
        assert_eq!(get(fd, tcp, libc::TCP_KEEPIDLE).unwrap(), 7);
        assert_eq!(get(fd, tcp, libc::TCP_KEEPINTVL).unwrap(), 3);
        assert_eq!(get(fd, tcp, libc::TCP_KEEPCNT).unwrap(), 4);
        assert_eq!(get(fd, tcp, libc::TCP_USER_TIMEOUT).unwrap(), 1234);
        assert!(get(fd, tcp, libc::TCP_DEFER_ACCEPT).unwrap() > 0);
        assert_eq!(get(fd, tcp, libc::TCP_FASTOPEN).unwrap(), 5);

        let addr = sock.local_addr().unwrap().as_socket().unwrap();
        let listener: std::net::TcpListener = sock.into();
        let client = std::net::TcpStream::connect(addr).unwrap();
        // TCP_DEFER_ACCEPT holds the connection until data arrives.
        std::io::Write::write_all(&mut &client, b"x").unwrap();
        let (accepted, _) = listener.accept().unwrap();
        let afd = accepted.as_raw_fd();
        assert_eq!(get(afd, libc::SOL_SOCKET, libc::SO_KEEPALIVE).unwrap(), 1);
        assert_eq!(get(afd, tcp, libc::TCP_KEEPIDLE).unwrap(), 7);
        assert_eq!(get(afd, tcp, libc::TCP_USER_TIMEOUT).unwrap(), 1234);
    }

    #[test]
    fn defaults_set_nothing() {
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let fd = sock.as_raw_fd();
        apply_listen_options(fd, &Settings::default(), true).unwrap();
        assert_eq!(get(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE).unwrap(), 0);
        assert_eq!(get(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT).unwrap(), 0);
    }
}

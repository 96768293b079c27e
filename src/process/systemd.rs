//! Running under systemd: readiness notification (`Type=notify`, beyond Swoole) and socket
//! activation (Swoole's `SYSTEMD` host). Both follow systemd's documented protocols
//! (sd_notify(3), sd_listen_fds(3)) without linking libsystemd.

use std::ffi::OsString;
use std::io;
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;

use socket2::Socket;

/// sd_listen_fds(3): the first inherited descriptor.
pub const LISTEN_FDS_START: RawFd = 3;

/// Where `NOTIFY_SOCKET` points, read once by the process that talks to systemd (the
/// manager, or a server without one); None when not started by systemd with `Type=notify`.
pub struct Notifier {
    addr: libc::sockaddr_un,
    len: libc::socklen_t,
    fd: RawFd,
}

impl Notifier {
    pub fn from_env() -> Option<Notifier> {
        Notifier::for_path(std::env::var_os("NOTIFY_SOCKET")?)
    }

    fn for_path(path: OsString) -> Option<Notifier> {
        let bytes = path.as_bytes();
        // SAFETY: an all-zero sockaddr_un is valid.
        let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
        if bytes.is_empty() || bytes.len() >= addr.sun_path.len() {
            return None;
        }
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (d, s) in addr.sun_path.iter_mut().zip(bytes) {
            *d = *s as libc::c_char;
        }
        // An abstract socket is written `@name`; its address starts with a NUL byte.
        if bytes[0] == b'@' {
            addr.sun_path[0] = 0;
        }
        let len = (std::mem::size_of::<libc::sa_family_t>() + bytes.len()) as libc::socklen_t;
        // SAFETY: a fresh datagram socket, checked.
        let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        (fd >= 0).then_some(Notifier { addr, len, fd })
    }

    /// Sends one notification (`READY=1\nMAINPID=…`); false if systemd did not take it.
    pub fn send(&self, state: &str) -> bool {
        // SAFETY: sending a valid buffer to the address built in for_path.
        let n = unsafe {
            libc::sendto(
                self.fd,
                state.as_ptr().cast(),
                state.len(),
                libc::MSG_NOSIGNAL,
                (&self.addr as *const libc::sockaddr_un).cast(),
                self.len,
            )
        };
        n == state.len() as isize
    }

    pub fn ready(&self, main_pid: i64) -> bool {
        self.send(&format!("READY=1\nSTATUS=serving\nMAINPID={main_pid}"))
    }

    /// `RELOADING=1` with the monotonic time systemd's `Type=notify-reload` asks for.
    pub fn reloading(&self) -> bool {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: ts is a valid out-parameter.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        let usec = ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1000;
        self.send(&format!("RELOADING=1\nMONOTONIC_USEC={usec}"))
    }

    pub fn stopping(&self) -> bool {
        self.send("STOPPING=1")
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        // SAFETY: closing our own socket.
        unsafe { libc::close(self.fd) };
    }
}

/// The listening sockets systemd passed to this process (`LISTEN_FDS`, checked against
/// `LISTEN_PID`), taken over once: the variables are removed so processes this one starts do
/// not take them too, as sd_listen_fds(1) does. Empty when there are none.
pub fn take_listen_fds() -> io::Result<Vec<Socket>> {
    let pid_ok = std::env::var("LISTEN_PID")
        .ok()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .is_some_and(|p| p == super::getpid());
    let n = std::env::var("LISTEN_FDS")
        .ok()
        .and_then(|n| n.trim().parse::<i32>().ok())
        .unwrap_or(0);
    if !pid_ok || n <= 0 {
        return Ok(Vec::new());
    }
    for v in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] {
        std::env::remove_var(v);
    }
    let mut out = Vec::new();
    for fd in LISTEN_FDS_START..LISTEN_FDS_START + n {
        let mut ty: libc::c_int = 0;
        let mut listening: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: getsockopt/fcntl on a descriptor number; they fail cleanly if it is not a
        // socket, which we report.
        let ok = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_TYPE,
                (&mut ty as *mut libc::c_int).cast(),
                &mut len,
            ) == 0
                && libc::getsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_ACCEPTCONN,
                    (&mut listening as *mut libc::c_int).cast(),
                    &mut len,
                ) == 0
        };
        if !ok || ty != libc::SOCK_STREAM || listening != 1 {
            return Err(io::Error::other(format!(
                "descriptor {fd} passed by systemd (LISTEN_FDS) is not a listening stream socket"
            )));
        }
        // SAFETY: fd is an open listening socket handed to this process; we own it now.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        out.push(unsafe { Socket::from_raw_fd(fd) });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_reach_the_socket_systemd_names() {
        let dir = std::env::temp_dir().join(format!("swrs-notify-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("notify.sock");
        let _ = std::fs::remove_file(&path);
        let rx = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        let n = Notifier::for_path(path.clone().into_os_string()).unwrap();
        assert!(n.ready(42));
        assert!(n.reloading());
        assert!(n.stopping());
        let mut buf = [0u8; 256];
        let mut got = Vec::new();
        for _ in 0..3 {
            let k = rx.recv(&mut buf).unwrap();
            got.push(String::from_utf8_lossy(&buf[..k]).into_owned());
        }
        assert_eq!(got[0], "READY=1\nSTATUS=serving\nMAINPID=42");
        assert!(got[1].starts_with("RELOADING=1\nMONOTONIC_USEC="));
        assert_eq!(got[2], "STOPPING=1");
        let _ = std::fs::remove_file(&path);
        assert!(Notifier::for_path(OsString::new()).is_none());
    }
}

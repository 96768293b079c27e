//! `getSocket()`: a listening socket as an ext-sockets `Socket`, so PHP code can set socket
//! options the server has no setting for (joining a UDP multicast group is the usual one).
//!
//! ext-sockets has no public way to wrap an existing descriptor (`socket_import_stream()`
//! refuses `php://fd` streams), and its object layout is private to it. So the object is made
//! by ext-sockets itself, `socket_create()` with the listener's family and type, and then its
//! fresh descriptor is made a duplicate of the listener (`dup3` onto the same number). The
//! `Socket` owns that duplicate: closing it, or the object going away, leaves the server's own
//! descriptor open (Swoole hands out the server's descriptor itself, which `socket_close()`
//! closes under the server). Socket options and the blocking mode are the socket's, shared.

use std::os::fd::RawFd;

use ext_php_rs::types::{ZendCallable, Zval};

use crate::php::convert::false_zval;
use crate::php::errors::warning;

/// A `Socket` for the listening descriptor `fd` of the port bound to `port` (checked: in a
/// process that does not hold it, e.g. a task worker, that number may be anything; a stream
/// socket listens once `started`), or false after a warning that says why.
pub(super) fn export(fd: RawFd, port: i64, started: bool) -> Zval {
    match try_export(fd, port, started) {
        Ok(z) => z,
        Err(why) => {
            warning(&why);
            false_zval()
        }
    }
}

fn try_export(fd: RawFd, port: i64, started: bool) -> Result<Zval, String> {
    let Ok(create) = ZendCallable::try_from_name("socket_create") else {
        return Err(
            "getSocket() needs the sockets extension (php.ini: extension=sockets)".to_string(),
        );
    };
    let not_here = || format!("the listening socket of port {port} is not open in this process");
    if fd < 0 {
        return Err(not_here());
    }
    let domain = sockopt(fd, libc::SO_DOMAIN).ok_or_else(not_here)?;
    let ty = sockopt(fd, libc::SO_TYPE).ok_or_else(not_here)?;
    if (!matches!(domain, libc::AF_UNIX) && local_port(fd) != Some(port))
        || (started && ty == libc::SOCK_STREAM && !listening(fd))
    {
        return Err(not_here());
    }
    // The kernel gives socket() the lowest free number, and ext-sockets makes one socket()
    // call: that number is the one the new object holds.
    let target = lowest_free_fd().ok_or("no free descriptor for the socket")?;
    let (d, t) = (i64::from(domain), i64::from(ty));
    let object = create
        .try_call(vec![&d, &t, &0i64])
        .map_err(|e| format!("socket_create() failed: {e:?}"))?;
    if object.object().is_none() {
        // ext-sockets has warned already.
        return Err("socket_create() failed".to_string());
    }
    // A thread of this process (PROCESS mode's reactors accept in the master) may have taken
    // `target` first; then the object's socket is another one and nothing may be touched.
    let fresh = sockopt(target, libc::SO_DOMAIN) == Some(domain)
        && sockopt(target, libc::SO_TYPE) == Some(ty)
        && local_port(target).is_none_or(|p| p == 0)
        && !listening(target);
    if !fresh {
        return Err("the socket's descriptor could not be found; try again".to_string());
    }
    // SAFETY: both are open descriptors; dup3 atomically makes `target` (the object's own
    // socket, closed by this) a duplicate of the listener.
    if unsafe { libc::dup3(fd, target, libc::O_CLOEXEC) } < 0 {
        return Err(format!(
            "cannot duplicate the listening socket: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(object)
}

fn sockopt(fd: RawFd, opt: libc::c_int) -> Option<i32> {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: an int-sized buffer for an int-valued SOL_SOCKET option.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            opt,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    (r == 0).then_some(v)
}

fn listening(fd: RawFd) -> bool {
    sockopt(fd, libc::SO_ACCEPTCONN) == Some(1)
}

/// The local port of an IPv4/IPv6 socket.
fn local_port(fd: RawFd) -> Option<i64> {
    // SAFETY: an all-zero sockaddr_storage is valid; getsockname fills at most `len` bytes.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: a valid address buffer of `len` bytes.
    let r = unsafe {
        libc::getsockname(
            fd,
            (&mut storage as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    };
    if r != 0 {
        return None;
    }
    // SAFETY: storage/len were filled by getsockname.
    let addr = unsafe { socket2::SockAddr::new(storage, len) };
    addr.as_socket().map(|a| i64::from(a.port()))
}

fn lowest_free_fd() -> Option<RawFd> {
    (0..65536).find(|&fd| {
        // SAFETY: F_GETFD only reads the descriptor's flags.
        let r = unsafe { libc::fcntl(fd, libc::F_GETFD) };
        r < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
    })
}

//! Listening sockets: bound by the constructor (so a port conflict is reported there, as in
//! Swoole), listening once `start()` runs, accepted from by the reactor.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use socket2::{Domain, Socket, Type};
use tokio::net::{TcpListener, UnixListener};

use super::conn::Stream;

/// The listening socket, bound by the constructor and listening once `start()` runs.
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl Listener {
    /// Wraps a listening socket (inherited by a worker) for the runtime.
    pub fn from_socket(socket: Socket, unix: bool) -> io::Result<Listener> {
        if unix {
            let std_l = std::os::unix::net::UnixListener::from(std::os::fd::OwnedFd::from(socket));
            UnixListener::from_std(std_l).map(Listener::Unix)
        } else {
            TcpListener::from_std(std::net::TcpListener::from(socket)).map(Listener::Tcp)
        }
    }

    /// The next connection: its socket, remote address (a path for unix sockets) and port.
    pub(super) async fn accept(&self, nodelay: bool) -> io::Result<(Stream, String, u16)> {
        match self {
            Listener::Tcp(l) => l.accept().await.map(|(s, addr)| {
                if nodelay {
                    let _ = s.set_nodelay(true);
                }
                (Stream::Tcp(s), addr.ip().to_string(), addr.port())
            }),
            Listener::Unix(l) => l.accept().await.map(|(s, addr)| {
                let path = addr
                    .as_pathname()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                (Stream::Unix(s), path, 0)
            }),
        }
    }
}

/// Binds a TCP socket (`port` 0 picks a free one); returns it with the port it got.
pub fn bind_tcp(host: &str, port: i64, v6: bool) -> io::Result<(Socket, i64)> {
    let addr: SocketAddr = if v6 && host.contains(':') {
        SocketAddr::new(
            host.parse()
                .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?,
            port as u16,
        )
    } else {
        (host, port as u16)
            .to_socket_addrs()?
            .find(|a| a.is_ipv6() == v6)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EADDRNOTAVAIL))?
    };
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM.cloexec(), None)?;
    socket.set_reuse_address(true)?;
    if v6 {
        socket.set_only_v6(true)?;
    }
    socket.bind(&addr.into())?;
    let bound = socket
        .local_addr()?
        .as_socket()
        .map(|a| a.port() as i64)
        .unwrap_or(port);
    Ok((socket, bound))
}

/// Binds a unix stream socket at `path`.
pub fn bind_unix(path: &str) -> io::Result<(Socket, i64)> {
    let socket = Socket::new(Domain::UNIX, Type::STREAM.cloexec(), None)?;
    socket.bind(&socket2::SockAddr::unix(path)?)?;
    Ok((socket, 0))
}

/// Starts listening on a bound socket (in the process that will fork the workers).
pub fn listen(socket: &Socket, backlog: i32) -> io::Result<()> {
    socket.listen(backlog)?;
    socket.set_nonblocking(true)
}

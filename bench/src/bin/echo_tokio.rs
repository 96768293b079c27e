//! Ceiling baseline: the smallest reasonable Rust server for the tutorial protocol.
//! A tokio current_thread runtime, one task per connection, one shared read buffer,
//! and for every read one write of `"Server: " + data`, the same per-read reply as the Swoole tutorial server.
//!
//! usage: echo_tokio --port P [--host 127.0.0.1]

use std::cell::RefCell;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

thread_local! {
    static READ_BUF: RefCell<Vec<u8>> = RefCell::new(vec![0u8; 64 * 1024]);
}

fn main() {
    let mut host = "127.0.0.1".to_string();
    let mut port: u16 = 0;
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--port" => port = v.parse().expect("--port"),
            "--host" => host = v,
            _ => {
                eprintln!("usage: echo_tokio --port P [--host 127.0.0.1]");
                std::process::exit(2);
            }
        }
    }
    if port == 0 {
        eprintln!("usage: echo_tokio --port P [--host 127.0.0.1]");
        std::process::exit(2);
    }
    raise_nofile();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let std_listener = bind(&host, port);
        let listener = TcpListener::from_std(std_listener).expect("listener");
        loop {
            let (mut s, _) = match listener.accept().await {
                Ok(x) => x,
                Err(_) => {
                    // EMFILE and friends: back off briefly instead of spinning.
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    continue;
                }
            };
            let _ = s.set_nodelay(true);
            tokio::spawn(async move {
                loop {
                    if s.readable().await.is_err() {
                        return;
                    }
                    // Read into the runtime's one shared buffer (single thread, synchronous
                    // try_read), so an idle connection holds no buffer: 10k idle
                    // connections cost only their task and socket.
                    let out = READ_BUF.with(|b| {
                        let mut b = b.borrow_mut();
                        match s.try_read(&mut b) {
                            Ok(0) => Err(()),
                            Ok(n) => {
                                let mut out = Vec::with_capacity(8 + n);
                                out.extend_from_slice(b"Server: ");
                                out.extend_from_slice(&b[..n]);
                                Ok(Some(out))
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(None),
                            Err(_) => Err(()),
                        }
                    });
                    match out {
                        Err(()) => return,
                        Ok(None) => continue,
                        Ok(Some(out)) => {
                            if s.write_all(&out).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
}

/// A listening socket with a large backlog (std's default is 128), so that the
/// idle scenario's burst of connects does not hit SYN retries.
fn bind(host: &str, port: u16) -> std::net::TcpListener {
    use std::os::fd::FromRawFd;
    let addr: std::net::SocketAddrV4 = format!("{host}:{port}").parse().expect("IPv4 address");
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0, "socket");
        let one: libc::c_int = 1;
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
        let sin = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: port.to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*addr.ip()).to_be(),
            },
            sin_zero: [0; 8],
        };
        let r = libc::bind(
            fd,
            (&sin as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        if r != 0 {
            eprintln!("echo_tokio: bind {addr}: {}", std::io::Error::last_os_error());
            std::process::exit(1);
        }
        assert_eq!(libc::listen(fd, 4096), 0, "listen");
        let l = std::net::TcpListener::from_raw_fd(fd);
        l.set_nonblocking(true).expect("nonblocking");
        l
    }
}

fn raise_nofile() {
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

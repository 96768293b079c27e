//! Load generator for echo-style servers that answer `"Server: " + data`.
//!
//! Modes (all bounded in time; each prints exactly one JSON line on stdout):
//!
//! * `pingpong --conns C --size S --duration D [--rate R]` — C connections, each sends
//!   S bytes and waits for the whole reply before sending again (closed loop). With
//!   `--rate R` it is open loop instead: R requests/s spread evenly over all connections,
//!   sent on schedule whatever the replies do (no coordinated omission); latency from
//!   the write (the 1 ms timer ticks would otherwise add their lateness to every sample).
//! * `pipeline --conns C --size S --depth P --duration D` — P requests in flight per
//!   connection.
//! * `churn --conns L --duration D [--rate R]` — L concurrent loops of connect, send 64 B,
//!   read the reply, close. Latency includes the connect. With `--rate R` it is open loop:
//!   a new connection starts every 1/R s whatever the others are doing (at most L = `--conns`
//!   in flight; a start that would exceed it counts as an error), latency from the
//!   moment its connect starts.
//! * `idle --conns N --size S [--hold H]` — open N connections (RLIMIT_NOFILE is raised),
//!   hold them H seconds, then ping each one once and count the answers.
//! * `flood --conns N --size S [--connect-concurrency K]` — N connections arrive at once (K
//!   connects in flight, default 1000), each pings as soon as it is connected; `duration` is
//!   the time until the last answer (how long the server took to accept and serve the flood),
//!   latencies are per connection (connect + first reply).
//!
//! Reply accounting. The server writes one `"Server: "` prefix per *read*, so with
//! pipelining (or a request split over two reads) reply framing does not follow request
//! framing. Payload bytes never contain `S`, so the reply stream is parsed as: an `S`
//! starts an 8-byte `"Server: "` prefix, everything else is echoed payload. A request of
//! S bytes is complete once S more payload bytes came back; in ping-pong with a single
//! read per request this is exactly "S + 8 bytes arrived".

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::LocalSet;

const PREFIX: &[u8] = b"Server: ";
/// Hard cap on how long any run may take beyond its nominal length.
const GRACE: Duration = Duration::from_secs(10);
const IO_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
struct Args {
    mode: String,
    host: String,
    port: u16,
    conns: usize,
    size: usize,
    duration: f64,
    depth: usize,
    rate: Option<f64>,
    warmup: f64,
    hold: f64,
    max_requests: u64,
    connect_concurrency: usize,
    /// Spread connections over this many loopback source addresses (127.0.0.2, .3, …): one
    /// source address reaches only ~28k ephemeral ports to one server port.
    sources: u32,
    /// First source address is 127.0.0.(2 + source_base): a fresh range per run avoids the
    /// previous run's TIME_WAIT ports.
    source_base: u32,
    /// Write every request's send time (unix seconds) and latency (µs) here, one per line:
    /// lets a caller take the percentiles of a time window (a canary during a flood).
    samples: Option<String>,
}

/// Whether `--samples` was given (read by every Stats::new).
static SAMPLES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// One clock reading pair, so that Instants can be written as unix times.
static EPOCH: std::sync::OnceLock<(Instant, f64)> = std::sync::OnceLock::new();

fn unix(t: Instant) -> f64 {
    let (i0, u0) = *EPOCH.get_or_init(|| {
        let u = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        (Instant::now(), u)
    });
    if t >= i0 {
        u0 + t.duration_since(i0).as_secs_f64()
    } else {
        u0 - i0.duration_since(t).as_secs_f64()
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: loadgen <pingpong|pipeline|churn|idle|flood|udp> --port P [--host 127.0.0.1] \
         [--conns C] [--size S] [--duration SECS] [--depth P] [--rate R] [--warmup SECS] \
         [--hold SECS] [--max-requests N] [--connect-concurrency N] [--sources K] [--source-base B] [--samples FILE]"
    );
    std::process::exit(2)
}

fn num<T: std::str::FromStr>(k: &str, v: &str) -> T {
    v.parse().unwrap_or_else(|_| {
        eprintln!("bad value for {k}: {v}");
        std::process::exit(2)
    })
}

fn parse_args() -> Args {
    let mut it = std::env::args().skip(1);
    let mode = it.next().unwrap_or_else(|| usage());
    if !matches!(
        mode.as_str(),
        "pingpong" | "pipeline" | "churn" | "idle" | "flood" | "udp"
    ) {
        usage();
    }
    let mut a = Args {
        mode: mode.clone(),
        host: "127.0.0.1".into(),
        port: 0,
        conns: match mode.as_str() {
            "churn" => 50,
            "idle" | "flood" => 10_000,
            _ => 100,
        },
        size: 64,
        duration: 5.0,
        depth: if mode == "pipeline" { 16 } else { 1 },
        rate: None,
        warmup: 0.0,
        hold: 1.0,
        max_requests: 1_000_000_000,
        connect_concurrency: if mode == "flood" { 1000 } else { 256 },
        sources: 0,
        source_base: 0,
        samples: None,
    };
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| usage());
        match k.as_str() {
            "--host" => a.host = v.clone(),
            "--port" => a.port = num(&k, &v),
            "--conns" => a.conns = num(&k, &v),
            "--size" => a.size = num(&k, &v),
            "--duration" => a.duration = num(&k, &v),
            "--depth" => a.depth = num(&k, &v),
            "--rate" => a.rate = Some(num(&k, &v)),
            "--warmup" => a.warmup = num(&k, &v),
            "--hold" => a.hold = num(&k, &v),
            "--max-requests" => a.max_requests = num(&k, &v),
            "--connect-concurrency" => a.connect_concurrency = num(&k, &v),
            "--sources" => a.sources = num::<u32>(&k, &v).min(250),
            "--source-base" => a.source_base = num::<u32>(&k, &v).min(250),
            "--samples" => a.samples = Some(v.clone()),
            _ => usage(),
        }
    }
    if a.port == 0 || a.conns == 0 || a.size == 0 || a.depth == 0 || a.duration <= 0.0 {
        usage();
    }
    if a.mode == "churn" {
        a.size = 64;
    }
    if a.mode == "pingpong" {
        a.depth = 1;
    }
    if matches!(a.rate, Some(r) if r <= 0.0) {
        usage();
    }
    a.duration = a.duration.min(3600.0);
    a.warmup = a.warmup.clamp(0.0, 60.0);
    a.hold = a.hold.clamp(0.0, 600.0);
    a.connect_concurrency = a.connect_concurrency.max(1);
    a
}

struct Stats {
    hist: Histogram<u64>,
    /// Completed inside the measurement window.
    requests: u64,
    /// Completed at any time (warmup, connection setup, after the window): for CPU/request.
    all_requests: u64,
    errors: u64,
    answered: u64,
    /// The measurement window.
    start: Instant,
    end: Instant,
    /// (sent, latency) of every request, when `--samples` asks for them.
    samples: Option<Vec<(Instant, u64)>>,
}

impl Stats {
    fn new(start: Instant, end: Instant) -> Self {
        Stats {
            hist: Histogram::new_with_bounds(1, 120_000_000_000, 3).expect("histogram"),
            requests: 0,
            all_requests: 0,
            errors: 0,
            answered: 0,
            start,
            end,
            samples: SAMPLES.load(std::sync::atomic::Ordering::Relaxed).then(Vec::new),
        }
    }

    /// Records one completed request that was sent (or scheduled) at `sent`.
    fn complete(&mut self, sent: Instant, now: Instant) {
        self.all_requests += 1;
        if let Some(v) = self.samples.as_mut() {
            v.push((sent, now.duration_since(sent).as_nanos() as u64 / 1000));
        }
        if sent >= self.start && now < self.end {
            self.requests += 1;
            let ns = now.duration_since(sent).as_nanos().clamp(1, 120_000_000_000) as u64;
            let _ = self.hist.record(ns);
        }
    }
}

impl Stats {
    /// Counts one churn cycle started at `t0`; the first error is printed (one line, not
    /// thousands when the server is down). Whether it succeeded.
    fn churn_done(&mut self, r: std::io::Result<()>, t0: Instant) -> bool {
        match r {
            Ok(()) => {
                self.complete(t0, Instant::now());
                true
            }
            Err(e) => {
                if self.errors == 0 {
                    eprintln!("loadgen: churn error: {e}");
                }
                self.errors += 1;
                false
            }
        }
    }
}

type Shared = Rc<RefCell<Stats>>;

/// Splits the reply byte stream into `"Server: "` prefixes and echoed payload.
#[derive(Default)]
struct ReplyParser {
    /// Position inside PREFIX while one is being consumed; 0 = in payload.
    pos: usize,
    payload: u64,
    malformed: bool,
}

impl ReplyParser {
    fn feed(&mut self, mut buf: &[u8]) {
        while !buf.is_empty() {
            if self.pos > 0 {
                let take = (PREFIX.len() - self.pos).min(buf.len());
                if buf[..take] != PREFIX[self.pos..self.pos + take] {
                    self.malformed = true;
                }
                self.pos = (self.pos + take) % PREFIX.len();
                buf = &buf[take..];
            } else {
                match memchr::memchr(b'S', buf) {
                    Some(i) => {
                        self.payload += i as u64;
                        self.pos = 1;
                        buf = &buf[i + 1..];
                    }
                    None => {
                        self.payload += buf.len() as u64;
                        buf = &[];
                    }
                }
            }
        }
    }
}

/// Payload of `size` bytes without any `S`: lowercase letters ending in a newline.
fn payload(size: usize, copies: usize) -> Vec<u8> {
    let mut one: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
    if let Some(last) = one.last_mut() {
        *last = b'\n';
    }
    one.repeat(copies)
}

async fn connect(addr: &str) -> std::io::Result<TcpStream> {
    let s = tokio::time::timeout(IO_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timeout"))??;
    s.set_nodelay(true)?;
    Ok(s)
}

/// Connects from the loopback source address 127.0.0.(2 + `source`).
async fn connect_from(addr: &str, source: u32) -> std::io::Result<TcpStream> {
    let target: std::net::SocketAddr = tokio::net::lookup_host(addr)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address"))?;
    let sock = tokio::net::TcpSocket::new_v4()?;
    sock.bind(std::net::SocketAddr::from(([127, 0, 0, 2 + source as u8], 0)))?;
    let s = tokio::time::timeout(IO_TIMEOUT, sock.connect(target))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timeout"))??;
    s.set_nodelay(true)?;
    Ok(s)
}

/// Opens `a.conns` connections, at most `a.connect_concurrency` connects in flight; failures
/// are counted. With `a.sources` > 0 they come from that many loopback source addresses in turn.
async fn connect_all(addr: &str, a: &Args, errors: &mut u64) -> Vec<TcpStream> {
    let (n, concurrency, sources, source_base) = (a.conns, a.connect_concurrency, a.sources, a.source_base);
    let mut out = Vec::with_capacity(n);
    let mut left = n;
    let mut seq = 0u32;
    while left > 0 {
        let batch = left.min(concurrency);
        left -= batch;
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..batch {
            let addr = addr.to_string();
            seq = seq.wrapping_add(1);
            let source = if sources > 0 {
                Some((source_base + seq % sources) % 250)
            } else {
                None
            };
            set.spawn_local(async move {
                match source {
                    Some(src) => connect_from(&addr, src).await,
                    None => connect(&addr).await,
                }
            });
        }
        while let Some(r) = set.join_next().await {
            match r {
                Ok(Ok(s)) => out.push(s),
                Ok(Err(e)) => {
                    if *errors == 0 {
                        eprintln!("loadgen: connect failed: {e}");
                    }
                    *errors += 1;
                }
                Err(_) => *errors += 1,
            }
        }
    }
    out
}

/// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
fn raise_nofile() -> u64 {
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) != 0 {
            return 0;
        }
        r.rlim_cur = r.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut r);
        r.rlim_cur
    }
}

/// One connection of pingpong / pipeline, closed loop (depth in flight) or open loop (rate).
async fn conn_loop(
    mut s: TcpStream,
    stats: Shared,
    size: usize,
    depth: usize,
    per_conn_interval: Option<(Duration, Instant)>,
    budget: Rc<RefCell<u64>>,
) {
    let end = stats.borrow().end;
    let batch = payload(size, depth);
    let one = &batch[..size];
    let mut buf = vec![0u8; 64 * 1024];
    let mut parser = ReplyParser::default();
    let mut done: u64 = 0;
    let mut inflight: VecDeque<Instant> = VecDeque::new();
    let take_budget = |k: usize| -> usize {
        let mut b = budget.borrow_mut();
        let k = (k as u64).min(*b);
        *b -= k;
        k as usize
    };
    let err = |stats: &Shared| stats.borrow_mut().errors += 1;

    let mut ticker = per_conn_interval.map(|(iv, first)| {
        let mut t = tokio::time::interval_at(first.into(), iv);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        t
    });

    if ticker.is_none() {
        let k = take_budget(depth);
        if k == 0 {
            return;
        }
        let now = Instant::now();
        if s.write_all(&batch[..k * size]).await.is_err() {
            err(&stats);
            return;
        }
        inflight.extend(std::iter::repeat_n(now, k));
    }
    let deadline = tokio::time::Instant::from_std(end);
    loop {
        // Closed loop with nothing in flight (budget exhausted): finished.
        if ticker.is_none() && inflight.is_empty() {
            return;
        }
        tokio::select! {
            biased;
            _ = tokio::time::sleep_until(deadline) => return,
            r = s.read(&mut buf) => {
                let n = match r {
                    Ok(0) | Err(_) => { err(&stats); return; }
                    Ok(n) => n,
                };
                parser.feed(&buf[..n]);
                if parser.malformed {
                    err(&stats);
                    return;
                }
                let completed = parser.payload / size as u64 - done;
                if completed as usize > inflight.len() {
                    // More echoed than sent: the server is broken.
                    err(&stats);
                    return;
                }
                done += completed;
                let now = Instant::now();
                {
                    let mut st = stats.borrow_mut();
                    for _ in 0..completed {
                        let sent = inflight.pop_front().unwrap();
                        st.complete(sent, now);
                    }
                }
                if ticker.is_none() && completed > 0 && now < end {
                    let k = take_budget(completed as usize);
                    if k > 0 {
                        if s.write_all(&batch[..k * size]).await.is_err() {
                            err(&stats);
                            return;
                        }
                        let now = Instant::now();
                        inflight.extend(std::iter::repeat_n(now, k));
                    }
                }
            }
            t = async { ticker.as_mut().unwrap().tick().await }, if ticker.is_some() => {
                let scheduled = t.into_std();
                if scheduled >= end || take_budget(1) == 0 {
                    ticker = None;
                    continue;
                }
                // Latency counts from the write, not from the tick: tokio's timer wheel
                // fires up to 1 ms late, which would be added to every sample alike. A
                // server that falls behind still shows, since sends never wait for replies.
                let sent = Instant::now();
                if s.write_all(one).await.is_err() {
                    err(&stats);
                    return;
                }
                inflight.push_back(sent);
            }
        }
    }
}

async fn run_stream_mode(a: &Args, addr: &str) -> (Shared, f64) {
    let mut errors = 0;
    let streams = connect_all(addr, a, &mut errors).await;
    let start = Instant::now() + Duration::from_secs_f64(a.warmup);
    let end = start + Duration::from_secs_f64(a.duration);
    let stats = Rc::new(RefCell::new(Stats::new(start, end)));
    stats.borrow_mut().errors = errors;
    let budget = Rc::new(RefCell::new(a.max_requests));
    let nconn = streams.len().max(1);
    let mut set = tokio::task::JoinSet::new();
    for (i, s) in streams.into_iter().enumerate() {
        let iv = a.rate.map(|r| {
            let iv = Duration::from_secs_f64(nconn as f64 / r);
            // Stagger the first send of each connection evenly over one interval.
            let first = Instant::now() + iv.mul_f64(i as f64 / nconn as f64);
            (iv, first)
        });
        set.spawn_local(conn_loop(s, stats.clone(), a.size, a.depth, iv, budget.clone()));
    }
    let hard = end + GRACE;
    let _ = tokio::time::timeout_at(hard.into(), async { while set.join_next().await.is_some() {} }).await;
    set.abort_all();
    (stats, a.duration)
}

/// UDP ping-pong: `conns` connected UDP sockets, each with one datagram of `size` bytes in
/// flight; the server must send it back unchanged (an echo through onPacket + sendto). A
/// datagram lost on the way (UDP may drop under load) is resent after 200 ms and counted as
/// an error, so a drop costs time, not the run.
async fn run_udp(a: &Args, addr: &str) -> (Shared, f64) {
    let start = Instant::now() + Duration::from_secs_f64(a.warmup);
    let end = start + Duration::from_secs_f64(a.duration);
    let stats = Rc::new(RefCell::new(Stats::new(start, end)));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..a.conns {
        let sock = match tokio::net::UdpSocket::bind("127.0.0.1:0").await {
            Ok(s) => s,
            Err(_) => {
                stats.borrow_mut().errors += 1;
                continue;
            }
        };
        if sock.connect(addr).await.is_err() {
            stats.borrow_mut().errors += 1;
            continue;
        }
        let stats = stats.clone();
        let size = a.size;
        set.spawn_local(async move {
            let msg = payload(size, 1);
            let mut buf = vec![0u8; 65536];
            while Instant::now() < end {
                let sent = Instant::now();
                if sock.send(&msg).await.is_err() {
                    stats.borrow_mut().errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
                match tokio::time::timeout(Duration::from_millis(200), sock.recv(&mut buf)).await {
                    Ok(Ok(n)) if buf[..n] == msg[..] => stats.borrow_mut().complete(sent, Instant::now()),
                    _ => stats.borrow_mut().errors += 1,
                }
            }
        });
    }
    let _ = tokio::time::timeout_at((end + GRACE).into(), async { while set.join_next().await.is_some() {} }).await;
    set.abort_all();
    (stats, a.duration)
}

/// Churn connects from a rotating source address 127.0.0.2..=127.0.0.251 (all of
/// 127/8 is local on Linux), with IP_BIND_ADDRESS_NO_PORT so the port is still picked
/// at connect time. Each client-closed connection leaves a TIME_WAIT entry for 60 s;
/// from one source address ~28k ephemeral ports run out within a few seconds and every
/// connect() then scans for a reusable port, slowing whichever server runs later.
async fn churn_connect(addr: std::net::SocketAddr, seq: u64) -> std::io::Result<TcpStream> {
    use std::os::fd::AsRawFd;
    let sock = tokio::net::TcpSocket::new_v4()?;
    if addr.ip().is_loopback() {
        let one: libc::c_int = 1;
        unsafe {
            libc::setsockopt(
                sock.as_raw_fd(),
                libc::IPPROTO_IP,
                libc::IP_BIND_ADDRESS_NO_PORT,
                (&one as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
        let src = std::net::Ipv4Addr::new(127, 0, 0, 2 + (seq % 250) as u8);
        sock.bind((src, 0).into())?;
    }
    let s = tokio::time::timeout(IO_TIMEOUT, sock.connect(addr))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timeout"))??;
    s.set_nodelay(true)?;
    Ok(s)
}

async fn churn_loop(addr: String, stats: Shared, size: usize, budget: Rc<RefCell<u64>>, id: u64) {
    let addr: std::net::SocketAddr = match tokio::net::lookup_host(&addr).await.ok().and_then(|mut a| a.next()) {
        Some(a) => a,
        None => {
            stats.borrow_mut().errors += 1;
            return;
        }
    };
    let mut seq = id;
    let end = stats.borrow().end;
    let msg = payload(size, 1);
    let mut buf = vec![0u8; 4096];
    while Instant::now() < end {
        {
            let mut b = budget.borrow_mut();
            if *b == 0 {
                return;
            }
            *b -= 1;
        }
        let t0 = Instant::now();
        let ok = async {
            seq += 7919;
            let mut s = churn_connect(addr, seq).await?;
            s.write_all(&msg).await?;
            let mut p = ReplyParser::default();
            while p.payload < size as u64 {
                let n = tokio::time::timeout(IO_TIMEOUT, s.read(&mut buf))
                    .await
                    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "read timeout"))??;
                if n == 0 {
                    return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof"));
                }
                p.feed(&buf[..n]);
                if p.malformed {
                    return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed"));
                }
            }
            Ok::<_, std::io::Error>(())
        }
        .await;
        if !stats.borrow_mut().churn_done(ok, t0) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

async fn run_churn(a: &Args, addr: &str) -> (Shared, f64) {
    let start = Instant::now() + Duration::from_secs_f64(a.warmup);
    let end = start + Duration::from_secs_f64(a.duration);
    let stats = Rc::new(RefCell::new(Stats::new(start, end)));
    if let Some(rate) = a.rate {
        run_churn_open(a, addr, rate, stats.clone()).await;
        return (stats, a.duration);
    }
    let budget = Rc::new(RefCell::new(a.max_requests));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..a.conns {
        set.spawn_local(churn_loop(
            addr.to_string(),
            stats.clone(),
            a.size,
            budget.clone(),
            i as u64,
        ));
    }
    let _ = tokio::time::timeout_at((end + GRACE).into(), async { while set.join_next().await.is_some() {} }).await;
    set.abort_all();
    (stats, a.duration)
}

/// Open-loop churn: one connection cycle (connect, 64 B, reply, close) scheduled every
/// 1/`rate` s from now until the window ends, each in its own task so a slow one never
/// delays the next start (no coordinated omission); latency from the connect's start.
async fn run_churn_open(a: &Args, addr: &str, rate: f64, stats: Shared) {
    let addr: std::net::SocketAddr = match tokio::net::lookup_host(addr).await.ok().and_then(|mut x| x.next()) {
        Some(x) => x,
        None => {
            stats.borrow_mut().errors += 1;
            return;
        }
    };
    let end = stats.borrow().end;
    let iv = Duration::from_secs_f64(1.0 / rate);
    let in_flight = Rc::new(std::cell::Cell::new(0usize));
    let msg = Rc::new(payload(a.size, 1));
    let size = a.size;
    let mut set = tokio::task::JoinSet::new();
    let mut next = Instant::now();
    let mut seq = 0u64;
    let mut budget = a.max_requests;
    while next < end && budget > 0 {
        tokio::time::sleep_until(next.into()).await;
        next += iv;
        budget -= 1;
        if in_flight.get() >= a.conns {
            stats.borrow_mut().errors += 1;
            continue;
        }
        while set.try_join_next().is_some() {}
        seq += 7919;
        in_flight.set(in_flight.get() + 1);
        let (stats, msg, in_flight) = (stats.clone(), msg.clone(), in_flight.clone());
        set.spawn_local(async move {
            let t0 = Instant::now();
            let ok = async {
                let mut s = churn_connect(addr, seq).await?;
                tokio::time::timeout(IO_TIMEOUT, ping_once(&mut s, &msg, size))
                    .await
                    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "read timeout"))??;
                Ok::<_, std::io::Error>(())
            }
            .await;
            in_flight.set(in_flight.get() - 1);
            stats.borrow_mut().churn_done(ok, t0);
        });
    }
    let _ = tokio::time::timeout_at((end + GRACE).into(), async { while set.join_next().await.is_some() {} }).await;
    set.abort_all();
}

/// Sends one request on `s` and reads until its whole reply (`size` payload bytes) is back.
async fn ping_once(s: &mut TcpStream, msg: &[u8], size: usize) -> std::io::Result<()> {
    s.write_all(msg).await?;
    let mut buf = vec![0u8; size + 64];
    let mut p = ReplyParser::default();
    while p.payload < size as u64 {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof"));
        }
        p.feed(&buf[..n]);
        if p.malformed {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed"));
        }
    }
    Ok(())
}

async fn run_idle(a: &Args, addr: &str) -> (Shared, f64) {
    let limit = raise_nofile();
    if limit < a.conns as u64 + 64 {
        eprintln!(
            "loadgen: RLIMIT_NOFILE is {limit}, fewer than {} connections will open",
            a.conns
        );
    }
    let mut errors = 0;
    let streams = connect_all(addr, a, &mut errors).await;
    // A driver script measures the server's CPU over the hold from this line on.
    eprintln!("loadgen: holding {} connections ({errors} failed)", streams.len());
    tokio::time::sleep(Duration::from_secs_f64(a.hold)).await;
    eprintln!("loadgen: hold over");
    let start = Instant::now();
    let end = start + IO_TIMEOUT + Duration::from_secs(1);
    let stats = Rc::new(RefCell::new(Stats::new(start, end)));
    stats.borrow_mut().errors = errors;
    let msg = Rc::new(payload(a.size, 1));
    let size = a.size;
    let mut set = tokio::task::JoinSet::new();
    for mut s in streams {
        let stats = stats.clone();
        let msg = msg.clone();
        set.spawn_local(async move {
            let t0 = Instant::now();
            let r = tokio::time::timeout(IO_TIMEOUT, async { ping_once(&mut s, &msg, size).await }).await;
            let mut st = stats.borrow_mut();
            match r {
                Ok(Ok(())) => {
                    st.answered += 1;
                    st.complete(t0, Instant::now());
                }
                _ => st.errors += 1,
            }
            // Keep the connection open until every ping is done.
            drop(st);
            s
        });
    }
    let mut keep = Vec::new();
    let _ = tokio::time::timeout_at((end + GRACE).into(), async {
        while let Some(r) = set.join_next().await {
            if let Ok(s) = r {
                keep.push(s);
            }
        }
    })
    .await;
    set.abort_all();
    let elapsed = start.elapsed().as_secs_f64();
    // Close with a reset: N connections closed normally leave N sockets in TIME_WAIT for 60 s,
    // and the kernel's work expiring them lands on whatever runs then (the next benchmark's
    // server, as system time).
    for s in &keep {
        use std::os::fd::AsRawFd;
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: an open socket and a correctly sized option value.
        unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    drop(keep);
    (stats, elapsed)
}

async fn run_flood(a: &Args, addr: &str) -> (Shared, f64) {
    let limit = raise_nofile();
    if limit < a.conns as u64 + 64 {
        eprintln!(
            "loadgen: RLIMIT_NOFILE is {limit}, fewer than {} connections will open",
            a.conns
        );
    }
    let start = Instant::now();
    let end = start + IO_TIMEOUT + Duration::from_secs(30);
    let stats = Rc::new(RefCell::new(Stats::new(start, end)));
    let msg = Rc::new(payload(a.size, 1));
    let size = a.size;
    let gate = Rc::new(tokio::sync::Semaphore::new(a.connect_concurrency));
    let last = Rc::new(RefCell::new(start));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..a.conns {
        let (stats, msg, gate, last, addr) = (stats.clone(), msg.clone(), gate.clone(), last.clone(), addr.to_string());
        set.spawn_local(async move {
            let permit = gate.acquire().await.ok();
            let t0 = Instant::now();
            let r = tokio::time::timeout(IO_TIMEOUT, async {
                let mut s = connect(&addr).await?;
                drop(permit);
                ping_once(&mut s, &msg, size).await?;
                Ok::<_, std::io::Error>(s)
            })
            .await;
            let now = Instant::now();
            let mut st = stats.borrow_mut();
            match r {
                Ok(Ok(s)) => {
                    st.answered += 1;
                    st.complete(t0, now);
                    *last.borrow_mut() = now;
                    Some(s)
                }
                other => {
                    // Which failure it was decides whose it is: a connect refused or timed
                    // out (the accept queue), or an answer that never came (the server).
                    let what = match other {
                        Err(_) => "no answer within the I/O timeout".to_string(),
                        Ok(Err(e)) => e.to_string(),
                        Ok(Ok(_)) => unreachable!(),
                    };
                    if st.errors == 0 {
                        eprintln!(
                            "loadgen: flood: first failure after {:.3} s: {what}",
                            t0.duration_since(start).as_secs_f64()
                        );
                    }
                    st.errors += 1;
                    None
                }
            }
        });
    }
    let mut keep = Vec::new();
    let _ = tokio::time::timeout_at(end.into(), async {
        while let Some(r) = set.join_next().await {
            if let Ok(Some(s)) = r {
                keep.push(s);
            }
        }
    })
    .await;
    set.abort_all();
    let elapsed = last.borrow().duration_since(start).as_secs_f64();
    drop(keep);
    (stats, elapsed)
}

fn main() {
    let a = parse_args();
    unix(Instant::now());
    SAMPLES.store(a.samples.is_some(), std::sync::atomic::Ordering::Relaxed);
    let addr = format!("{}:{}", a.host, a.port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let local = LocalSet::new();
    let (stats, duration) = local.block_on(&rt, async {
        match a.mode.as_str() {
            "pingpong" | "pipeline" => run_stream_mode(&a, &addr).await,
            "churn" => run_churn(&a, &addr).await,
            "idle" => run_idle(&a, &addr).await,
            "flood" => run_flood(&a, &addr).await,
            "udp" => run_udp(&a, &addr).await,
            _ => unreachable!(),
        }
    });
    let st = stats.borrow();
    if let (Some(path), Some(v)) = (&a.samples, &st.samples) {
        let text: String = v.iter().map(|(t, us)| format!("{:.6} {us}\n", unix(*t))).collect();
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("loadgen: cannot write {path}: {e}");
        }
    }
    let q = |p: f64| {
        if st.hist.is_empty() {
            0.0
        } else {
            st.hist.value_at_quantile(p) as f64 / 1000.0
        }
    };
    let duration = if a.mode == "idle" || a.mode == "flood" {
        // Ping phase: from the first ping to the last answer.
        duration
    } else {
        a.duration
    };
    let rps = if duration > 0.0 {
        st.requests as f64 / duration
    } else {
        0.0
    };
    let rate = a.rate.map(|r| format!("{r}")).unwrap_or_else(|| "null".into());
    let answered = if a.mode == "idle" || a.mode == "flood" {
        format!("{}", st.answered)
    } else {
        "null".into()
    };
    println!(
        "{{\"mode\":\"{}\",\"conns\":{},\"size\":{},\"depth\":{},\"rate\":{},\"requests\":{},\
         \"all_requests\":{},\"duration\":{:.3},\"rps\":{:.1},\"p50_us\":{:.1},\"p99_us\":{:.1},\
         \"p999_us\":{:.1},\"max_us\":{:.1},\"errors\":{},\"answered\":{},\"start_unix\":{:.6}}}",
        a.mode,
        a.conns,
        a.size,
        a.depth,
        rate,
        st.requests,
        st.all_requests,
        duration,
        rps,
        q(0.50),
        q(0.99),
        q(0.999),
        if st.hist.is_empty() {
            0.0
        } else {
            st.hist.max() as f64 / 1000.0
        },
        st.errors,
        answered,
        unix(st.start)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_counts_payload_across_split_prefixes() {
        let mut p = ReplyParser::default();
        let reply = [b"Server: ".as_slice(), &payload(64, 1), b"Server: ", &payload(64, 2)].concat();
        for chunk in reply.chunks(5) {
            p.feed(chunk);
        }
        assert!(!p.malformed);
        assert_eq!(p.payload, 192);
    }

    #[test]
    fn parser_flags_garbage() {
        let mut p = ReplyParser::default();
        p.feed(b"Sxrver: abc");
        assert!(p.malformed);
    }

    #[test]
    fn payload_has_no_s() {
        assert!(!payload(4096, 1).contains(&b'S'));
        assert_eq!(payload(64, 3).len(), 192);
    }
}

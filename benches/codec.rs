//! Throughput of `swoole::codec` framings (std only, no harness).
//!
//! Why: the decoder sits on every byte a server receives, so regressions in
//! it show up directly as lost requests per second. Each case builds an
//! in-memory stream of packets, pushes it in 16 KiB chunks (a typical read
//! size) and drains packets after every push, for about 0.5 s, then prints
//! one Markdown table row with MB/s and packets/s.

use std::hint::black_box;
use std::time::{Duration, Instant};
use swoole::codec::*;

/// Size of each simulated socket read.
const CHUNK: usize = 16 * 1024;
/// Approximate stream size per iteration; large enough to amortise setup.
const STREAM_BYTES: usize = 8 * 1024 * 1024;
/// Wall time per case.
const RUN_FOR: Duration = Duration::from_millis(500);

/// Builds the on-wire stream for `framing` with packets of exactly
/// `packet_size` bytes (header/delimiter included) and returns it together
/// with the number of packets it contains.
fn build_stream(framing: &Framing, packet_size: usize) -> (Vec<u8>, usize) {
    let count = (STREAM_BYTES / packet_size).max(1);
    let mut stream = Vec::with_capacity(count * packet_size);
    for i in 0..count {
        match framing {
            Framing::Raw => {
                stream.extend((0..packet_size).map(|j| (i + j) as u8));
            }
            Framing::EofCheck { eof } | Framing::EofSplit { eof } => {
                // Body bytes avoid the delimiter's bytes.
                stream.extend((0..packet_size - eof.len()).map(|j| b'a' + ((i + j) % 26) as u8));
                stream.extend_from_slice(eof);
            }
            Framing::Length { .. } => {
                let body = packet_size - 4;
                stream.extend_from_slice(&(body as u32).to_be_bytes());
                stream.extend((0..body).map(|j| (i + j) as u8));
            }
            Framing::Custom => unreachable!("not benchmarked"),
        }
    }
    (stream, count)
}

/// Runs one case; returns (MB/s, packets/s, deliveries per stream pass).
/// With `borrowed`, packets are drained with `next_packet_with` (the PHP
/// path: no `Vec` per packet), otherwise with `next_packet`.
fn bench(framing: &Framing, stream: &[u8], borrowed: bool) -> (f64, f64, usize) {
    let mut bytes = 0u64;
    let mut packets = 0u64;
    let mut per_iter = 0usize;
    let t0 = Instant::now();
    while t0.elapsed() < RUN_FOR {
        let mut d = Decoder::new(framing.clone(), DEFAULT_PACKAGE_MAX_LENGTH);
        let mut n = 0usize;
        for chunk in stream.chunks(CHUNK) {
            d.push(black_box(chunk));
            if borrowed {
                while let Some(len) = d.next_packet_with(|p| black_box(p).len()).expect("valid") {
                    black_box(len);
                    n += 1;
                }
            } else {
                while let Some(p) = d.next_packet().expect("valid stream") {
                    black_box(&p);
                    n += 1;
                }
            }
        }
        assert_eq!(d.buffered_len(), 0);
        per_iter = n;
        bytes += stream.len() as u64;
        packets += n as u64;
    }
    let secs = t0.elapsed().as_secs_f64();
    (bytes as f64 / secs / 1e6, packets as f64 / secs, per_iter)
}

fn cases() -> Vec<(&'static str, Framing)> {
    vec![
        ("Raw", Framing::Raw),
        (
            "EofCheck `\\r\\n`",
            Framing::EofCheck {
                eof: b"\r\n".to_vec(),
            },
        ),
        (
            "EofSplit `\\r\\n`",
            Framing::EofSplit {
                eof: b"\r\n".to_vec(),
            },
        ),
        (
            "Length `N` (offset 0, body 4)",
            Framing::Length {
                kind: LengthType::U32Be,
                length_offset: 0,
                body_offset: 4,
            },
        ),
    ]
}

const SIZES: [usize; 2] = [64, 64 * 1024];

/// Measures one (framing, size) pair and prints its table row.
fn run_case(case: usize, size: usize) {
    let (name, framing) = &cases()[case];
    let (stream, _) = build_stream(framing, SIZES[size]);
    let (mbs, pps, per_iter) = bench(framing, &stream, false);
    let (mbs_b, pps_b, _) = bench(framing, &stream, true);
    let size_s = if SIZES[size] >= 1024 {
        format!("{} KiB", SIZES[size] / 1024)
    } else {
        format!("{} B", SIZES[size])
    };
    println!("| {name} | {size_s} | {mbs:.0} | {pps:.0} | {mbs_b:.0} | {pps_b:.0} | {per_iter} |");
}

fn main() {
    // `cargo bench` passes `--bench`; our own child runs get `--case C S`.
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--case") {
        let c = args[pos + 1].parse().expect("case index");
        let s = args[pos + 2].parse().expect("size index");
        run_case(c, s);
        return;
    }
    println!(
        "| framing | packet | MB/s (`next_packet`) | packets/s (`next_packet`) | MB/s (`next_packet_with`) | packets/s (`next_packet_with`) | deliveries per 8 MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    // Each case runs in a fresh process: allocator state left behind by one
    // case (glibc's dynamic mmap/trim thresholds) otherwise skews the next
    // by an order of magnitude.
    let exe = std::env::current_exe().expect("current_exe");
    for c in 0..cases().len() {
        for s in 0..SIZES.len() {
            let status = std::process::Command::new(&exe)
                .args(["--case", &c.to_string(), &s.to_string()])
                .status()
                .expect("spawn case");
            assert!(status.success(), "case {c}/{s} failed");
        }
    }
}

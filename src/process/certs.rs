//! The verified TLS client certificates of a SWOOLE_PROCESS server's sessions, in memory
//! every process shares, so `getClientInfo($fd)['ssl_client_cert']` answers in any event
//! worker, task worker or the master's PHP thread, after the worker that ran onConnect was
//! replaced, and with the dispatch modes that send no Connect at all.
//!
//! Why shared memory and not a question to the master: a worker asking over its channel
//! would have to set aside every other message that arrives before the answer, inside a
//! synchronous PHP call. A certificate is written once (by the reactor thread that ran the
//! handshake, before the session's first event is dispatched) and only read afterwards.
//!
//! One fixed slot per session id modulo the slot count (as the owner table). A slot is a
//! seqlock: the writer makes the sequence odd, fills the slot and makes it even again; a
//! reader copies the slot and keeps the copy only if the sequence was even and unchanged and
//! the slot names its session. Everything is an atomic word, so a reader racing a writer
//! reads a torn copy, throws it away, and never reads undefined memory. A certificate
//! larger than a slot is not stored here (the worker that ran onConnect still has it, from
//! the Connect message).

use std::io;
use std::sync::atomic::{fence, AtomicU64, Ordering};

/// Bytes per slot: a PEM certificate of up to a 4096-bit RSA key fits (about 2 KiB).
const SLOT_BYTES: usize = 4096;
const HEADER_WORDS: usize = 3;
const DATA_WORDS: usize = SLOT_BYTES / 8 - HEADER_WORDS;
/// The largest certificate (PEM bytes) a slot holds.
pub const MAX_PEM: usize = DATA_WORDS * 8;

#[repr(C)]
struct Slot {
    /// Odd while a writer fills the slot.
    seq: AtomicU64,
    /// The session whose certificate this is (0: none).
    id: AtomicU64,
    len: AtomicU64,
    data: [AtomicU64; DATA_WORDS],
}

/// The store: `slots` slots in one anonymous shared mapping, created before the fork and
/// never unmapped (one per PROCESS-mode `start()` with a TLS port). Its pages cost memory
/// only once written (MAP_NORESERVE; a server without client certificates touches none).
pub struct CertStore {
    /// Every slot is atomics only, so the slice is shared between threads as it is.
    slots: &'static [Slot],
}

impl CertStore {
    /// A store with room for `slots` sessions at once (rounded up to a power of two).
    pub fn new_shared(slots: usize) -> io::Result<&'static CertStore> {
        let slots = slots.max(1).next_power_of_two();
        let len = slots * std::mem::size_of::<Slot>();
        // SAFETY: a fresh anonymous mapping; the result is checked for MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `slots` Slots fit the mapping, which is page-aligned, zero-filled by the
        // kernel (every slot starts empty: seq 0, id 0; all-zero atomics are valid) and
        // never unmapped: children forked later use it until they exit.
        let slots = unsafe { std::slice::from_raw_parts(p.cast::<Slot>().cast_const(), slots) };
        Ok(Box::leak(Box::new(CertStore { slots })))
    }

    fn slot(&self, id: u64) -> &Slot {
        &self.slots[(id as usize) & (self.slots.len() - 1)]
    }

    /// Records session `id`'s certificate. False when it does not fit, or when another
    /// writer holds the slot right now (a session id a whole store's size apart being
    /// set up at the same moment): the caller keeps its own copy then.
    pub fn put(&self, id: u64, pem: &[u8]) -> bool {
        if id == 0 || pem.len() > MAX_PEM {
            return false;
        }
        let s = self.slot(id);
        let seq = s.seq.load(Ordering::Relaxed);
        if seq & 1 == 1
            || s.seq
                .compare_exchange(seq, seq + 1, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
        {
            return false;
        }
        fence(Ordering::Release);
        s.id.store(id, Ordering::Relaxed);
        s.len.store(pem.len() as u64, Ordering::Relaxed);
        for (w, chunk) in s.data.iter().zip(pem.chunks(8)) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            w.store(u64::from_ne_bytes(b), Ordering::Relaxed);
        }
        s.seq.store(seq + 2, Ordering::Release);
        true
    }

    /// Session `id`'s certificate, if one was recorded and its slot was not taken since.
    pub fn get(&self, id: u64) -> Option<Vec<u8>> {
        if id == 0 {
            return None;
        }
        let s = self.slot(id);
        for _ in 0..16 {
            let before = s.seq.load(Ordering::Acquire);
            if before & 1 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let owner = s.id.load(Ordering::Relaxed);
            let len = (s.len.load(Ordering::Relaxed) as usize).min(MAX_PEM);
            let mut out = Vec::with_capacity(len);
            for w in s.data.iter().take(len.div_ceil(8)) {
                out.extend_from_slice(&w.load(Ordering::Relaxed).to_ne_bytes());
            }
            out.truncate(len);
            fence(Ordering::Acquire);
            if s.seq.load(Ordering::Relaxed) == before {
                return (owner == id && before != 0).then_some(out);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_read_back_by_its_session_only() {
        let st = CertStore::new_shared(4).unwrap();
        let pem = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert!(st.put(7, pem));
        assert_eq!(st.get(7).as_deref(), Some(&pem[..]));
        // Same slot (7 % 4 == 3), another session: not its certificate.
        assert_eq!(st.get(3), None);
        assert_eq!(st.get(8), None);
        assert_eq!(st.get(0), None);
        // A later session in the slot replaces it.
        assert!(st.put(11, b"x"));
        assert_eq!(st.get(7), None);
        assert_eq!(st.get(11).as_deref(), Some(&b"x"[..]));
    }

    #[test]
    fn lengths_that_are_not_whole_words_and_the_largest_fit_exactly() {
        let st = CertStore::new_shared(2).unwrap();
        for len in [0, 1, 7, 8, 9, 1200, MAX_PEM] {
            let pem: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            assert!(st.put(1, &pem));
            assert_eq!(st.get(1).unwrap(), pem, "len {len}");
        }
        assert!(!st.put(1, &vec![b'a'; MAX_PEM + 1]));
        assert!(!st.put(0, b"a"));
    }

    #[test]
    fn a_forked_child_reads_what_the_parent_wrote_after_the_fork() {
        let st = CertStore::new_shared(16).unwrap();
        let (r, w) = {
            let mut fds = [0; 2];
            // SAFETY: pipe(2) into a two-element array.
            assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
            (fds[0], fds[1])
        };
        // SAFETY: the child only reads atomics, writes to a pipe and _exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let mut b = [0u8; 1];
            // SAFETY: reading one byte from our pipe.
            unsafe { libc::read(r, b.as_mut_ptr().cast(), 1) };
            let ok = st.get(5).as_deref() == Some(&b"written later"[..]);
            // SAFETY: leaving the child without running the test harness's exit.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        assert!(st.put(5, b"written later"));
        // SAFETY: one byte to our pipe, then waiting for our child.
        unsafe {
            libc::write(w, b"g".as_ptr().cast(), 1);
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
            assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
            libc::close(r);
            libc::close(w);
        }
    }

    #[test]
    fn readers_racing_a_writer_see_a_whole_certificate_or_none() {
        let st = CertStore::new_shared(1).unwrap();
        let a = vec![b'a'; 3000];
        let b = vec![b'b'; 1000];
        assert!(st.put(1, &a));
        std::thread::scope(|sc| {
            sc.spawn(|| {
                for i in 0..20_000u64 {
                    let id = 1 + (i % 2);
                    st.put(id, if id == 1 { &a } else { &b });
                }
            });
            for _ in 0..20_000 {
                for id in [1, 2] {
                    if let Some(got) = st.get(id) {
                        assert_eq!(&got, if id == 1 { &a } else { &b });
                    }
                }
            }
        });
    }
}

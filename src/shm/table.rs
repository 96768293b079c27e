//! The storage of `Swoole\Table`: a fixed-size hash table in one shared mapping.
//!
//! Layout, all of it mapped by [`Table::new`] (the PHP `create()`), before any fork:
//! a [`Header`] of counters, `n` [`Bucket`]s (a lock and a sequence number each), then
//! `n + pool` rows of `row_words` 64-bit words. Row `i < n` is bucket `i`'s first row; rows
//! `n..n+pool` are the conflict pool (`pool = n * conflict_proportion`), handed out from a
//! lock-free free list when two keys hash to the same bucket and chained from the bucket's
//! first row. Nothing is ever allocated per operation: a full pool makes an insert fail.
//!
//! Every row word is an atomic, so a reader racing a writer is defined behaviour. Writers take
//! the bucket's lock (a [`PidLock`], which a dead owner cannot wedge) and make its sequence
//! number odd while they write; readers take no lock: they copy the row and retry if the
//! sequence number moved or was odd (a seqlock), and after a few failed tries they take the
//! lock, so a reader never waits forever on a writer that died with the number odd.
//!
//! A writer that dies mid-operation: whoever takes the bucket lock next learns it was
//! [`Acquired::Recovered`], makes the sequence number even and counts it in
//! `Header::recovered`. Structural changes are single word stores made after the row is
//! complete (a new row is filled, then linked; a row is unlinked, then freed), so a chain is
//! never broken; at worst a pool row popped or unlinked by the dead writer is lost to the pool.
//! An update of an existing row is written in place and kept as the writer left it: each int
//! or float column holds its old or its new value, a string column may hold a mix of both.

use std::io;
use std::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};

use super::lock::{Acquired, LockError, PidLock, SPIN_MUTEX};
use super::Mapping;

/// Longest key, in bytes (Swoole's `SW_TABLE_KEY_SIZE - 1`).
pub const KEY_MAX: usize = 63;
const KEY_WORDS: usize = 8;
/// Word 0 is the row's meta word, then the key, then the columns.
const DATA_AT: usize = 1 + KEY_WORDS;

const USED: u64 = 1 << 63;
const NEXT_MASK: u64 = 0xffff_ffff;
const KEYLEN_SHIFT: u32 = 32;

/// Smallest table Swoole makes.
const MIN_SIZE: u64 = 64;
const MAX_SIZE: u64 = 1 << 31;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Int = 1,
    Float = 2,
    String = 3,
}

impl ColumnType {
    pub fn from_i64(t: i64) -> Option<ColumnType> {
        match t {
            1 => Some(ColumnType::Int),
            2 => Some(ColumnType::Float),
            3 => Some(ColumnType::String),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    /// Bytes a string column holds; 8 for numbers.
    pub size: usize,
    /// First word of the column inside a row's data.
    offset: usize,
}

impl Column {
    fn words(&self) -> usize {
        match self.ty {
            ColumnType::String => 1 + self.size.div_ceil(8),
            _ => 1,
        }
    }
}

/// The columns, declared before `create()`; fixed afterwards.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    columns: Vec<Column>,
}

impl Schema {
    /// Adds a column; a name declared again is redefined in place, as Swoole does.
    pub fn add(&mut self, name: &str, ty: ColumnType, size: usize) {
        let size = if ty == ColumnType::String { size } else { 8 };
        let col = Column {
            name: name.to_string(),
            ty,
            size,
            offset: 0,
        };
        match self.columns.iter_mut().find(|c| c.name == name) {
            Some(c) => *c = col,
            None => self.columns.push(col),
        }
        let mut off = 0;
        for c in &mut self.columns {
            c.offset = off;
            off += c.words();
        }
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn index(&self, name: &[u8]) -> Option<usize> {
        self.columns.iter().position(|c| c.name.as_bytes() == name)
    }

    fn data_words(&self) -> usize {
        self.columns.iter().map(Column::words).sum()
    }
}

/// A value to store, or read back from a row's data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
}

/// The table could not take a new row: every bucket row and pool row in the chain's way is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// What `stats()` reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub num: u64,
    pub conflict_count: u64,
    pub conflict_max_level: u64,
    pub insert_count: u64,
    pub update_count: u64,
    pub delete_count: u64,
    pub available_slice_num: u64,
    pub total_slice_num: u64,
    /// Bucket locks taken over from a process that died holding them.
    pub recovered_locks: u64,
}

#[repr(C)]
struct Header {
    num: AtomicU64,
    insert_count: AtomicU64,
    update_count: AtomicU64,
    delete_count: AtomicU64,
    conflict_count: AtomicU64,
    conflict_max_level: AtomicU64,
    recovered: AtomicU64,
    /// Free list of pool rows: low 32 bits the first row's index + 1 (0: empty), high 32 bits
    /// a tag bumped by every push and pop (so a stale compare-and-swap fails: no ABA).
    free_head: AtomicU64,
    pool_available: AtomicU64,
}

const HEADER_BYTES: usize = 128;

#[repr(C)]
struct Bucket {
    lock: PidLock,
    seq: AtomicU32,
}

/// Rounds a requested size up as Swoole does: a power of two, at least 64.
pub fn rounded_size(table_size: i64) -> u64 {
    (table_size.max(1) as u64)
        .clamp(MIN_SIZE, MAX_SIZE)
        .next_power_of_two()
}

/// The key as zero-padded words, compared a word at a time.
struct Key {
    len: usize,
    w: [u64; KEY_WORDS],
}

impl Key {
    fn new(key: &[u8]) -> Key {
        let key = &key[..key.len().min(KEY_MAX)];
        let mut bytes = [0u8; KEY_WORDS * 8];
        bytes[..key.len()].copy_from_slice(key);
        let mut w = [0u64; KEY_WORDS];
        for (i, chunk) in bytes.chunks_exact(8).enumerate() {
            w[i] = u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
        }
        Key { len: key.len(), w }
    }

    fn words(&self) -> usize {
        self.len.div_ceil(8)
    }

    fn hash(&self) -> u64 {
        let mut h = 0x243f_6a88_85a3_08d3u64 ^ self.len as u64;
        for &w in &self.w[..self.words()] {
            h = (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        }
        // murmur3's finaliser: spreads the bits the bucket mask keeps.
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

pub struct Table {
    map: Mapping,
    schema: Schema,
    buckets: usize,
    pool: usize,
    row_words: usize,
    rows_at: usize,
}

struct Found {
    row: Option<usize>,
    prev: Option<usize>,
    /// Rows in the chain walked.
    depth: u64,
    head_free: bool,
}

impl Table {
    /// Maps the whole table. `table_size` is rounded as [`rounded_size`]; a proportion outside
    /// 0..=1 falls back to Swoole's 0.2.
    pub fn new(table_size: i64, conflict_proportion: f64, schema: Schema) -> io::Result<Table> {
        let buckets = rounded_size(table_size) as usize;
        let prop = if (0.0..=1.0).contains(&conflict_proportion) {
            conflict_proportion
        } else {
            0.2
        };
        let pool = (buckets as f64 * prop) as usize;
        let row_words = DATA_AT + schema.data_words();
        let rows_at = HEADER_BYTES + buckets * std::mem::size_of::<Bucket>();
        let len = (buckets + pool)
            .checked_mul(row_words * 8)
            .and_then(|r| r.checked_add(rows_at))
            .ok_or_else(|| io::Error::from_raw_os_error(libc::ENOMEM))?;
        let map = Mapping::new(len)?;
        let t = Table {
            map,
            schema,
            buckets,
            pool,
            row_words,
            rows_at,
        };
        for i in 0..pool {
            let next = if i + 1 < pool { buckets + i + 2 } else { 0 };
            t.row(buckets + i)[0].store(next as u64, Ordering::Relaxed);
        }
        let h = t.header();
        h.free_head.store(
            if pool > 0 { buckets as u64 + 1 } else { 0 },
            Ordering::Release,
        );
        h.pool_available.store(pool as u64, Ordering::Release);
        Ok(t)
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Buckets (what `getSize()` reports).
    pub fn size(&self) -> usize {
        self.buckets
    }

    /// Bytes mapped (what `getMemorySize()` reports).
    pub fn memory_size(&self) -> usize {
        self.map.len()
    }

    /// Words of column data in a row (the length of what [`Table::get`] fills in).
    pub fn data_words(&self) -> usize {
        self.row_words - DATA_AT
    }

    pub fn count(&self) -> u64 {
        self.header().num.load(Ordering::Relaxed)
    }

    pub fn stats(&self) -> Stats {
        let h = self.header();
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            num: l(&h.num),
            conflict_count: l(&h.conflict_count),
            conflict_max_level: l(&h.conflict_max_level),
            insert_count: l(&h.insert_count),
            update_count: l(&h.update_count),
            delete_count: l(&h.delete_count),
            available_slice_num: l(&h.pool_available),
            total_slice_num: self.pool as u64,
            recovered_locks: l(&h.recovered),
        }
    }

    /// Writes `values` (column index, value) into `key`'s row, creating it (other columns
    /// zero) if absent. Strings longer than their column are cut to its size.
    pub fn set(&self, key: &[u8], values: &[(usize, Value)]) -> Result<(), Full> {
        let k = Key::new(key);
        let b = self.bucket_of(&k);
        let bk = self.lock_bucket(b);
        self.begin_write(bk);
        let r = self.find_or_insert(b, &k).map(|row| {
            for (c, v) in values {
                self.write_value(row, *c, *v);
            }
        });
        self.end_write(bk);
        r
    }

    /// Adds `delta` to a number column, creating the row if absent; returns the new value.
    /// An int column adds a float delta truncated to an int, as Swoole does.
    pub fn incr(&self, key: &[u8], col: usize, delta: Value) -> Result<Value<'static>, Full> {
        let k = Key::new(key);
        let b = self.bucket_of(&k);
        let bk = self.lock_bucket(b);
        self.begin_write(bk);
        let r = self.find_or_insert(b, &k).map(|row| {
            let c = &self.schema.columns[col];
            let w = &self.row(row)[DATA_AT + c.offset];
            let old = w.load(Ordering::Relaxed);
            let new = match c.ty {
                ColumnType::Float => {
                    let d = match delta {
                        Value::Int(i) => i as f64,
                        Value::Float(f) => f,
                        Value::Str(_) => 0.0,
                    };
                    Value::Float(f64::from_bits(old) + d)
                }
                _ => {
                    let d = match delta {
                        Value::Int(i) => i,
                        Value::Float(f) => f as i64,
                        Value::Str(_) => 0,
                    };
                    Value::Int((old as i64).wrapping_add(d))
                }
            };
            let bits = match new {
                Value::Float(f) => f.to_bits(),
                Value::Int(i) => i as u64,
                Value::Str(_) => old,
            };
            w.store(bits, Ordering::Relaxed);
            new
        });
        self.end_write(bk);
        r
    }

    /// Copies `key`'s column data into `out` (resized to [`Table::data_words`]); false if absent.
    pub fn get(&self, key: &[u8], out: &mut Vec<u64>) -> bool {
        let k = Key::new(key);
        let b = self.bucket_of(&k);
        out.resize(self.data_words(), 0);
        self.read(b, || {
            let f = self.find(b, &k);
            if let Some(row) = f.row {
                for (o, w) in out.iter_mut().zip(&self.row(row)[DATA_AT..]) {
                    *o = w.load(Ordering::Relaxed);
                }
            }
            f.row.is_some()
        })
    }

    pub fn exists(&self, key: &[u8]) -> bool {
        let k = Key::new(key);
        let b = self.bucket_of(&k);
        self.read(b, || self.find(b, &k).row.is_some())
    }

    pub fn del(&self, key: &[u8]) -> bool {
        let k = Key::new(key);
        let b = self.bucket_of(&k);
        let bk = self.lock_bucket(b);
        let f = self.find(b, &k);
        let Some(row) = f.row else {
            bk.lock.unlock();
            return false;
        };
        self.begin_write(bk);
        let meta = &self.row(row)[0];
        match f.prev {
            // The bucket's own row stays as the chain's head, marked free for the next insert.
            None => {
                meta.fetch_and(!USED, Ordering::Relaxed);
            }
            Some(p) => {
                let next = meta.load(Ordering::Relaxed) & NEXT_MASK;
                let pm = &self.row(p)[0];
                let v = pm.load(Ordering::Relaxed);
                pm.store((v & !NEXT_MASK) | next, Ordering::Relaxed);
                self.pool_push(row);
            }
        }
        let h = self.header();
        h.num.fetch_sub(1, Ordering::Relaxed);
        h.delete_count.fetch_add(1, Ordering::Relaxed);
        self.end_write(bk);
        true
    }

    /// Appends every row of bucket `b` to `out` as (key, column data), read consistently.
    pub fn read_bucket(&self, b: usize, out: &mut Vec<(Vec<u8>, Vec<u64>)>) {
        let start = out.len();
        self.read(b, || {
            out.truncate(start);
            let mut idx = b;
            for _ in 0..=self.pool {
                let row = self.row(idx);
                let meta = row[0].load(Ordering::Relaxed);
                if meta & USED != 0 {
                    let len = (((meta >> KEYLEN_SHIFT) & 0xff) as usize).min(KEY_MAX);
                    let mut key = Vec::with_capacity(KEY_WORDS * 8);
                    for w in &row[1..DATA_AT] {
                        key.extend_from_slice(&w.load(Ordering::Relaxed).to_ne_bytes());
                    }
                    key.truncate(len);
                    let data = row[DATA_AT..]
                        .iter()
                        .map(|w| w.load(Ordering::Relaxed))
                        .collect();
                    out.push((key, data));
                }
                match self.next_of(meta) {
                    Some(n) => idx = n,
                    None => break,
                }
            }
        });
    }

    /// Reads column `col` out of data copied by [`Table::get`] or [`Table::read_bucket`].
    pub fn decode<'a>(&self, data: &'a [u64], col: usize) -> Value<'a> {
        let c = &self.schema.columns[col];
        let Some(&first) = data.get(c.offset) else {
            return Value::Int(0);
        };
        match c.ty {
            ColumnType::Int => Value::Int(first as i64),
            ColumnType::Float => Value::Float(f64::from_bits(first)),
            ColumnType::String => {
                let len = (first as usize).min(c.size);
                let words = &data[(c.offset + 1).min(data.len())..];
                // SAFETY: viewing initialised u64s as bytes; u8 has no alignment or validity
                // requirements, and the length stays inside the slice.
                let bytes = unsafe {
                    std::slice::from_raw_parts(words.as_ptr().cast::<u8>(), words.len() * 8)
                };
                Value::Str(&bytes[..len.min(bytes.len())])
            }
        }
    }

    fn header(&self) -> &Header {
        // SAFETY: the header is at the start of the page-aligned, zero-initialised mapping,
        // which lives as long as self; Header is atomics only.
        unsafe { &*self.map.as_ptr().cast::<Header>() }
    }

    fn bucket(&self, b: usize) -> &Bucket {
        // SAFETY: b < buckets (masked hash or iteration bound); buckets follow the header,
        // 4-aligned, inside the mapping.
        unsafe { &*self.map.as_ptr().add(HEADER_BYTES).cast::<Bucket>().add(b) }
    }

    fn row(&self, idx: usize) -> &[AtomicU64] {
        let idx = idx.min(self.buckets + self.pool - 1);
        // SAFETY: idx is clamped to the rows mapped; rows start 8-aligned (the header and
        // buckets are multiples of 8 bytes) and are atomics only.
        unsafe {
            let p = self
                .map
                .as_ptr()
                .add(self.rows_at)
                .cast::<AtomicU64>()
                .add(idx * self.row_words);
            std::slice::from_raw_parts(p, self.row_words)
        }
    }

    fn bucket_of(&self, k: &Key) -> usize {
        (k.hash() as usize) & (self.buckets - 1)
    }

    /// The next row of a chain, if the link is in range (it may not be, in a torn read).
    fn next_of(&self, meta: u64) -> Option<usize> {
        let n = (meta & NEXT_MASK) as usize;
        (n != 0 && n <= self.buckets + self.pool).then(|| n - 1)
    }

    fn find(&self, b: usize, k: &Key) -> Found {
        let mut idx = b;
        let mut prev = None;
        let mut head_free = false;
        for depth in 1..=(self.pool as u64 + 1) {
            let row = self.row(idx);
            let meta = row[0].load(Ordering::Relaxed);
            if meta & USED == 0 {
                head_free |= idx == b;
            } else if ((meta >> KEYLEN_SHIFT) & 0xff) as usize == k.len
                && row[1..1 + k.words()]
                    .iter()
                    .zip(&k.w)
                    .all(|(a, b)| a.load(Ordering::Relaxed) == *b)
            {
                return Found {
                    row: Some(idx),
                    prev,
                    depth,
                    head_free,
                };
            }
            match self.next_of(meta) {
                Some(n) => {
                    prev = Some(idx);
                    idx = n;
                }
                None => {
                    return Found {
                        row: None,
                        prev: None,
                        depth,
                        head_free,
                    }
                }
            }
        }
        Found {
            row: None,
            prev: None,
            depth: self.pool as u64 + 1,
            head_free,
        }
    }

    /// Under the bucket lock, inside a write: the key's row, made if absent.
    fn find_or_insert(&self, b: usize, k: &Key) -> Result<usize, Full> {
        let f = self.find(b, k);
        let h = self.header();
        if let Some(row) = f.row {
            h.update_count.fetch_add(1, Ordering::Relaxed);
            return Ok(row);
        }
        let row = if f.head_free {
            b
        } else {
            self.pool_pop().ok_or(Full)?
        };
        let r = self.row(row);
        for w in &r[DATA_AT..] {
            w.store(0, Ordering::Relaxed);
        }
        for (w, kw) in r[1..DATA_AT].iter().zip(&k.w) {
            w.store(*kw, Ordering::Relaxed);
        }
        let keylen = (k.len as u64) << KEYLEN_SHIFT;
        if row == b {
            let next = r[0].load(Ordering::Relaxed) & NEXT_MASK;
            r[0].store(USED | keylen | next, Ordering::Relaxed);
        } else {
            // Linked right after the bucket's row: one store publishes the complete row.
            let hm = &self.row(b)[0];
            let head = hm.load(Ordering::Relaxed);
            r[0].store(USED | keylen | (head & NEXT_MASK), Ordering::Relaxed);
            hm.store((head & !NEXT_MASK) | (row as u64 + 1), Ordering::Relaxed);
            h.conflict_count.fetch_add(1, Ordering::Relaxed);
            h.conflict_max_level.fetch_max(f.depth, Ordering::Relaxed);
        }
        h.num.fetch_add(1, Ordering::Relaxed);
        h.insert_count.fetch_add(1, Ordering::Relaxed);
        Ok(row)
    }

    fn write_value(&self, row: usize, col: usize, v: Value) {
        let Some(c) = self.schema.columns.get(col) else {
            return;
        };
        let w = &self.row(row)[DATA_AT + c.offset..DATA_AT + c.offset + c.words()];
        match (c.ty, v) {
            (ColumnType::String, Value::Str(s)) => {
                let s = &s[..s.len().min(c.size)];
                for (dst, chunk) in w[1..].iter().zip(s.chunks(8)) {
                    let mut b = [0u8; 8];
                    b[..chunk.len()].copy_from_slice(chunk);
                    dst.store(u64::from_ne_bytes(b), Ordering::Relaxed);
                }
                w[0].store(s.len() as u64, Ordering::Relaxed);
            }
            (ColumnType::Float, Value::Float(f)) => w[0].store(f.to_bits(), Ordering::Relaxed),
            (ColumnType::Float, Value::Int(i)) => {
                w[0].store((i as f64).to_bits(), Ordering::Relaxed)
            }
            (ColumnType::Int, Value::Int(i)) => w[0].store(i as u64, Ordering::Relaxed),
            (ColumnType::Int, Value::Float(f)) => w[0].store(f as i64 as u64, Ordering::Relaxed),
            // The PHP layer converts to the column's type; anything else stores nothing.
            _ => {}
        }
    }

    /// Takes the bucket lock; a lock left by a dead process is taken over and its half-done
    /// write closed (see the module doc).
    fn lock_bucket(&self, b: usize) -> &Bucket {
        let bk = self.bucket(b);
        match bk.lock.lock(None, SPIN_MUTEX) {
            Ok(Acquired::Clean) => {}
            // Deadlock: the word already names this pid, and table operations never nest,
            // so it is a stale lock of a dead process whose pid we were given.
            Ok(Acquired::Recovered) | Err(LockError::Deadlock) => {
                let s = bk.seq.load(Ordering::Relaxed);
                if s & 1 == 1 {
                    bk.seq.store(s.wrapping_add(1), Ordering::Release);
                }
                self.header().recovered.fetch_add(1, Ordering::Relaxed);
            }
            // Unreachable without a timeout; the lock is then not ours, so do not proceed
            // silently: wait again.
            Err(_) => return self.lock_bucket(b),
        }
        bk
    }

    fn begin_write(&self, bk: &Bucket) {
        let s = bk.seq.load(Ordering::Relaxed);
        bk.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
    }

    fn end_write(&self, bk: &Bucket) {
        let s = bk.seq.load(Ordering::Relaxed);
        bk.seq.store(s.wrapping_add(1), Ordering::Release);
        bk.lock.unlock();
    }

    /// Runs `f` as a seqlock read of bucket `b`; after a few collisions, under the lock.
    fn read<R>(&self, b: usize, mut f: impl FnMut() -> R) -> R {
        let bk = self.bucket(b);
        for _ in 0..16 {
            let s1 = bk.seq.load(Ordering::Acquire);
            if s1 & 1 == 0 {
                let r = f();
                fence(Ordering::Acquire);
                if bk.seq.load(Ordering::Relaxed) == s1 {
                    return r;
                }
            }
            std::hint::spin_loop();
        }
        let bk = self.lock_bucket(b);
        let r = f();
        bk.lock.unlock();
        r
    }

    fn pool_pop(&self) -> Option<usize> {
        let h = self.header();
        loop {
            let head = h.free_head.load(Ordering::Acquire);
            let idx = (head & NEXT_MASK) as usize;
            if idx == 0 {
                return None;
            }
            let next = self.row(idx - 1)[0].load(Ordering::Relaxed) & NEXT_MASK;
            let tag = (head >> 32).wrapping_add(1);
            if h.free_head
                .compare_exchange_weak(
                    head,
                    (tag << 32) | next,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                h.pool_available.fetch_sub(1, Ordering::Relaxed);
                return Some(idx - 1);
            }
        }
    }

    fn pool_push(&self, row: usize) {
        let h = self.header();
        loop {
            let head = h.free_head.load(Ordering::Acquire);
            self.row(row)[0].store(head & NEXT_MASK, Ordering::Relaxed);
            let tag = (head >> 32).wrapping_add(1);
            if h.free_head
                .compare_exchange_weak(
                    head,
                    (tag << 32) | (row as u64 + 1),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                h.pool_available.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    }

    /// Test hook for the crash tests: takes `key`'s bucket lock and opens a write, then
    /// scribbles `v` into the key's string column and never finishes, as a writer killed
    /// mid-`set()` would leave it.
    #[cfg(test)]
    fn start_write_and_hang(&self, key: &[u8], col: usize, v: &[u8]) {
        let k = Key::new(key);
        let b = self.bucket_of(&k);
        let bk = self.lock_bucket(b);
        self.begin_write(bk);
        if let Ok(row) = self.find_or_insert(b, &k) {
            self.write_value(row, col, Value::Str(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shm::testing::{fork_child, reap};
    use std::time::Duration;

    fn schema() -> Schema {
        let mut s = Schema::default();
        s.add("id", ColumnType::Int, 0);
        s.add("name", ColumnType::String, 10);
        s.add("score", ColumnType::Float, 0);
        s
    }

    fn get(t: &Table, key: &str) -> Option<(i64, Vec<u8>, f64)> {
        let mut d = Vec::new();
        if !t.get(key.as_bytes(), &mut d) {
            return None;
        }
        let id = match t.decode(&d, 0) {
            Value::Int(i) => i,
            _ => panic!(),
        };
        let name = match t.decode(&d, 1) {
            Value::Str(s) => s.to_vec(),
            _ => panic!(),
        };
        let score = match t.decode(&d, 2) {
            Value::Float(f) => f,
            _ => panic!(),
        };
        Some((id, name, score))
    }

    #[test]
    fn sizes_round_up_like_swoole() {
        assert_eq!(rounded_size(0), 64);
        assert_eq!(rounded_size(1), 64);
        assert_eq!(rounded_size(64), 64);
        assert_eq!(rounded_size(65), 128);
        assert_eq!(rounded_size(1000), 1024);
        assert_eq!(rounded_size(1025), 2048);
    }

    #[test]
    fn set_get_update_incr_del() {
        let t = Table::new(100, 0.2, schema()).unwrap();
        assert_eq!(t.size(), 128);
        assert!(t.memory_size() > 128 * 8);
        t.set(
            b"a",
            &[(0, Value::Int(5)), (1, Value::Str(b"0123456789abc"))],
        )
        .unwrap();
        assert_eq!(get(&t, "a"), Some((5, b"0123456789".to_vec(), 0.0)));
        t.set(b"a", &[(2, Value::Float(1.5))]).unwrap();
        assert_eq!(get(&t, "a"), Some((5, b"0123456789".to_vec(), 1.5)));
        assert_eq!(t.incr(b"a", 0, Value::Int(3)), Ok(Value::Int(8)));
        assert_eq!(t.incr(b"a", 0, Value::Float(1.7)), Ok(Value::Int(9)));
        assert_eq!(t.incr(b"a", 2, Value::Int(2)), Ok(Value::Float(3.5)));
        assert_eq!(t.incr(b"new", 0, Value::Int(-2)), Ok(Value::Int(-2)));
        assert_eq!(t.count(), 2);
        assert!(t.exists(b"a"));
        assert!(t.del(b"a"));
        assert!(!t.del(b"a"));
        assert!(!t.exists(b"a"));
        assert_eq!(get(&t, "a"), None);
        assert_eq!(t.count(), 1);
        let s = t.stats();
        assert_eq!((s.insert_count, s.delete_count, s.update_count), (2, 1, 4));
    }

    #[test]
    fn long_keys_are_cut_to_63_bytes() {
        let t = Table::new(64, 0.2, schema()).unwrap();
        let long = "k".repeat(70);
        t.set(long.as_bytes(), &[(0, Value::Int(1))]).unwrap();
        assert!(t.exists("k".repeat(63).as_bytes()));
        let mut out = Vec::new();
        t.read_bucket(t.bucket_of(&Key::new(long.as_bytes())), &mut out);
        assert_eq!(out[0].0, "k".repeat(63).into_bytes());
    }

    #[test]
    fn a_full_table_refuses_new_keys_and_never_overwrites_a_row() {
        let t = Table::new(64, 0.2, schema()).unwrap();
        let mut stored = Vec::new();
        for i in 0..1000 {
            let k = format!("key{i}");
            if t.set(k.as_bytes(), &[(0, Value::Int(i))]).is_ok() {
                stored.push((k, i));
            }
        }
        assert!(stored.len() <= 64 + 12);
        assert!(stored.len() >= 30);
        assert_eq!(t.count() as usize, stored.len());
        for (k, i) in &stored {
            assert_eq!(get(&t, k).unwrap().0, *i);
        }
        // Deleting frees room again, also in the pool.
        for (k, _) in &stored {
            assert!(t.del(k.as_bytes()));
        }
        assert_eq!(t.count(), 0);
        assert_eq!(t.stats().available_slice_num, 12);
        assert!(t.set(b"again", &[]).is_ok());
    }

    #[test]
    fn iteration_sees_every_row_once() {
        let t = Table::new(64, 1.0, schema()).unwrap();
        for i in 0..50 {
            t.set(format!("k{i}").as_bytes(), &[(0, Value::Int(i))])
                .unwrap();
        }
        let mut all = Vec::new();
        for b in 0..t.size() {
            t.read_bucket(b, &mut all);
        }
        let mut keys: Vec<_> = all.iter().map(|(k, _)| k.clone()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 50);
    }

    #[test]
    fn processes_incrementing_and_writing_at_once_lose_nothing_and_tear_nothing() {
        let t = Table::new(1024, 0.5, schema()).unwrap();
        let kids: Vec<_> = (0..3)
            .map(|p| {
                let t = &t;
                fork_child(move || {
                    for i in 0..20_000 {
                        t.incr(b"counter", 0, Value::Int(1)).unwrap();
                        // Both columns written in one set(): a reader must see them agree.
                        let s = format!("{:010}", i);
                        t.set(
                            format!("k{}", i % 200).as_bytes(),
                            &[(0, Value::Int(i)), (1, Value::Str(s.as_bytes()))],
                        )
                        .unwrap();
                        let mut d = Vec::new();
                        if t.get(format!("k{}", (i + p) % 200).as_bytes(), &mut d) {
                            let Value::Int(id) = t.decode(&d, 0) else {
                                unsafe { libc::_exit(3) }
                            };
                            let Value::Str(name) = t.decode(&d, 1) else {
                                unsafe { libc::_exit(3) }
                            };
                            if name != format!("{:010}", id).as_bytes() {
                                // SAFETY: leaving the child with a failure status.
                                unsafe { libc::_exit(2) };
                            }
                        }
                    }
                })
            })
            .collect();
        for k in kids {
            assert_eq!(reap(k), 0, "a child saw a torn row");
        }
        assert_eq!(get(&t, "counter").unwrap().0, 60_000);
    }

    #[test]
    fn a_writer_killed_mid_set_does_not_wedge_readers_or_writers() {
        let t = Table::new(64, 0.2, schema()).unwrap();
        t.set(b"victim", &[(0, Value::Int(1)), (1, Value::Str(b"before"))])
            .unwrap();
        let t2 = &t;
        let written = crate::shm::testing::shared_flag();
        let child = fork_child(move || {
            t2.start_write_and_hang(b"victim", 1, b"half");
            written.store(1, std::sync::atomic::Ordering::Release);
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        // Wait until the child holds the bucket lock and has written half the row (waiting
        // for the lock alone raced: a child preempted between locking and writing was
        // killed before it wrote, and the row read back "before").
        let b = t.bucket_of(&Key::new(b"victim"));
        while t.bucket(b).lock.owner() != child as u32
            || written.load(std::sync::atomic::Ordering::Acquire) == 0
        {
            std::thread::yield_now();
        }
        // SAFETY: killing our own child.
        unsafe { libc::kill(child, libc::SIGKILL) };
        reap(child);
        // A reader falls back to the lock, takes it over and sees the row as it was left.
        assert_eq!(get(&t, "victim"), Some((1, b"half".to_vec(), 0.0)));
        assert_eq!(t.stats().recovered_locks, 1);
        t.set(b"victim", &[(0, Value::Int(2))]).unwrap();
        assert_eq!(get(&t, "victim").unwrap().0, 2);
        assert!(t.del(b"victim"));
    }
}

//! The session table: which session ids (`$fd` in PHP) are open, in id order.
//!
//! Session ids are not file descriptors. They start at `start_session_id + 1`, only grow and
//! are never reused, so a stale `$fd` held by user code can never reach a newer connection
//! (the OS reuses descriptors at once; Swoole reuses slots after a wrap).

use std::collections::BTreeMap;

/// Open sessions keyed by id. Ordered, because `getClientList()` and the connection
/// iterator walk ids in ascending order from a starting point.
#[derive(Debug)]
pub struct SessionTable<T> {
    next: u64,
    open: BTreeMap<u64, T>,
}

impl<T: Clone> SessionTable<T> {
    /// `start` is Swoole's `start_session_id`: the first id handed out is `start + 1`.
    pub fn new(start: u64) -> Self {
        SessionTable {
            next: start,
            open: BTreeMap::new(),
        }
    }

    /// Reserves the next id; the caller inserts the session once it is built.
    pub fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    pub fn insert(&mut self, id: u64, value: T) {
        self.open.insert(id, value);
    }

    pub fn get(&self, id: u64) -> Option<T> {
        self.open.get(&id).cloned()
    }

    pub fn remove(&mut self, id: u64) -> Option<T> {
        self.open.remove(&id)
    }

    pub fn len(&self) -> usize {
        self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// The highest id handed out so far (Swoole's `session_round`).
    pub fn last_id(&self) -> u64 {
        self.next
    }

    /// Up to `count` open ids strictly greater than `after`, ascending.
    pub fn list_after(&self, after: u64, count: usize) -> Vec<u64> {
        self.open
            .range(after.saturating_add(1)..)
            .take(count)
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn ids(&self) -> Vec<u64> {
        self.open.keys().copied().collect()
    }

    pub fn min_id(&self) -> Option<u64> {
        self.open.keys().next().copied()
    }

    pub fn max_id(&self) -> Option<u64> {
        self.open.keys().next_back().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_at_one_and_are_never_reused() {
        let mut t = SessionTable::new(0);
        let a = t.next_id();
        t.insert(a, "a");
        let b = t.next_id();
        t.insert(b, "b");
        assert_eq!((a, b), (1, 2));
        t.remove(a);
        let c = t.next_id();
        assert_eq!(c, 3);
        assert_eq!(t.get(a), None);
        assert_eq!(t.get(b), Some("b"));
        assert_eq!(t.last_id(), 3);
    }

    #[test]
    fn start_session_id_offsets_the_first_id() {
        let mut t: SessionTable<()> = SessionTable::new(100);
        assert_eq!(t.next_id(), 101);
    }

    #[test]
    fn list_after_walks_in_order() {
        let mut t = SessionTable::new(0);
        for _ in 0..10 {
            let id = t.next_id();
            t.insert(id, ());
        }
        t.remove(4);
        assert_eq!(t.list_after(0, 3), vec![1, 2, 3]);
        assert_eq!(t.list_after(3, 3), vec![5, 6, 7]);
        assert_eq!(t.list_after(9, 10), vec![10]);
        assert!(t.list_after(10, 10).is_empty());
        assert_eq!(t.len(), 9);
        assert_eq!((t.min_id(), t.max_id()), (Some(1), Some(10)));
    }
}

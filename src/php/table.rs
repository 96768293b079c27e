//! `Swoole\Table`: converts PHP values to and from the shared rows of [`crate::shm::table`].
//!
//! The PHP object owns the mapping through an `Rc`. A worker forked after `create()` holds a
//! copy of the object pointing at the same shared pages, which is what makes the table shared;
//! workers leave with `_exit`, so only the creating process ever unmaps it (on `destroy()` or
//! when its object is freed).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use ext_php_rs::zend::ce;

use super::errors::warning;
use crate::shm::table::{self as store, ColumnType, Schema, Value, KEY_MAX};

fn not_created() -> PhpException {
    PhpException::new(
        "table is not created or has been destroyed".into(),
        0,
        ce::error(),
    )
}

fn value_zval(v: Value) -> Zval {
    let mut z = Zval::new();
    match v {
        Value::Int(i) => z.set_long(i),
        Value::Float(f) => z.set_double(f),
        Value::Str(s) => z.set_zend_string(ZendStr::new(s, false)),
    }
    z
}

fn key_bytes(key: &Zval) -> Cow<'_, [u8]> {
    if let Some(s) = key.zend_str() {
        return Cow::Borrowed(s.as_bytes());
    }
    Cow::Owned(key.coerce_to_string().unwrap_or_default().into_bytes())
}

fn cut_key(key: &[u8]) -> &[u8] {
    &key[..key.len().min(KEY_MAX)]
}

/// A fixed-size hash table in memory shared by every worker (see README, "Sharing state
/// between workers").
#[php_class]
#[php(name = "Swoole\\Table")]
#[php(implements(ce = ce::iterator, stub = "\\Iterator"))]
#[php(implements(ce = ce::countable, stub = "\\Countable"))]
pub struct Table {
    table_size: i64,
    conflict_proportion: f64,
    schema: RefCell<Schema>,
    store: RefCell<Option<Rc<store::Table>>>,
    created: Cell<bool>,
    /// Rows of the bucket being iterated, and the next bucket to read.
    iter_rows: RefCell<VecDeque<(Vec<u8>, Vec<u64>)>>,
    iter_bucket: Cell<usize>,
}

impl Table {
    /// The live table; an `Rc` clone, so a warning handler that calls `destroy()` cannot
    /// pull the mapping out from under an operation.
    fn live(&self) -> PhpResult<Rc<store::Table>> {
        self.store.borrow().clone().ok_or_else(not_created)
    }

    fn row_zval(t: &store::Table, data: &[u64]) -> Zval {
        let cols = t.schema().columns();
        let mut ht = ZendHashTable::with_capacity(cols.len() as u32);
        for (i, c) in cols.iter().enumerate() {
            let _ = ht.insert(c.name.as_str(), value_zval(t.decode(data, i)));
        }
        let mut z = Zval::new();
        z.set_hashtable(ht);
        z
    }

    fn fill_iter(&self, t: &store::Table) {
        let mut rows = self.iter_rows.borrow_mut();
        let mut b = self.iter_bucket.get();
        let mut buf = Vec::new();
        while rows.is_empty() && b < t.size() {
            buf.clear();
            t.read_bucket(b, &mut buf);
            rows.extend(buf.drain(..));
            b += 1;
        }
        self.iter_bucket.set(b);
    }

    fn add(&self, key: &Zval, column: &str, incrby: Option<&Zval>, sign: i64) -> PhpResult<Zval> {
        let t = self.live()?;
        let name = if sign > 0 { "incr" } else { "decr" };
        let Some(col) = t.schema().index(column.as_bytes()) else {
            warning(&format!("column[{column}] does not exist"));
            return Ok(false.into());
        };
        if t.schema().columns()[col].ty == ColumnType::String {
            warning(&format!("can't execute '{name}' on a string type column"));
            return Ok(false.into());
        }
        let delta = match incrby {
            None => Value::Int(sign),
            Some(z) if z.is_double() => Value::Float(z.double().unwrap_or(0.0) * sign as f64),
            Some(z) => Value::Int(z.coerce_to_long().unwrap_or(0).wrapping_mul(sign)),
        };
        let key = key_bytes(key);
        match t.incr(cut_key(&key), col, delta) {
            Ok(v) => Ok(value_zval(v)),
            Err(store::Full) => {
                warning("unable to allocate memory");
                Ok(false.into())
            }
        }
    }
}

#[php_impl]
impl Table {
    const TYPE_INT: i64 = 1;
    const TYPE_FLOAT: i64 = 2;
    const TYPE_STRING: i64 = 3;

    /// `$table_size` rows (rounded up to a power of two, at least 64), plus
    /// `$table_size * $conflict_proportion` rows for keys whose hashes collide.
    #[php(defaults(conflict_proportion = 0.2))]
    pub fn __construct(table_size: i64, conflict_proportion: f64) -> Self {
        Table {
            table_size,
            conflict_proportion,
            schema: RefCell::new(Schema::default()),
            store: RefCell::new(None),
            created: Cell::new(false),
            iter_rows: RefCell::new(VecDeque::new()),
            iter_bucket: Cell::new(0),
        }
    }

    #[php(defaults(size = 0))]
    pub fn column(&self, name: &str, r#type: i64, size: i64) -> bool {
        if self.created.get() {
            warning("unable to add column after table has been created");
            return false;
        }
        let Some(ty) = ColumnType::from_i64(r#type) else {
            warning(&format!("unknown column type {}", r#type));
            return false;
        };
        if ty == ColumnType::String && size <= 0 {
            warning("the length of string type values has to be more than zero");
            return false;
        }
        self.schema
            .borrow_mut()
            .add(name, ty, size.clamp(0, i32::MAX as i64) as usize);
        true
    }

    /// Maps the shared memory; call it before `start()` so every worker shares the table.
    pub fn create(&self) -> bool {
        if self.created.get() {
            warning("table has already been created");
            return false;
        }
        let schema = self.schema.borrow().clone();
        match store::Table::new(self.table_size, self.conflict_proportion, schema) {
            Ok(t) => {
                *self.store.borrow_mut() = Some(Rc::new(t));
                self.created.set(true);
                true
            }
            Err(e) => {
                warning(&format!("unable to allocate memory: {e}"));
                false
            }
        }
    }

    /// Unmaps the table in this process (after a fork, the others keep their view).
    pub fn destroy(&self) -> bool {
        self.iter_rows.borrow_mut().clear();
        self.store.borrow_mut().take();
        true
    }

    pub fn set(&self, key: &Zval, value: &ZendHashTable) -> PhpResult<bool> {
        let t = self.live()?;
        let key = key_bytes(key);
        if key.len() > KEY_MAX {
            warning(&format!(
                "key[{}] is too long",
                String::from_utf8_lossy(&key)
            ));
        }
        let key = cut_key(&key);
        let schema = t.schema();
        // One hash lookup per column (keys naming no column are ignored, as Swoole does):
        // no allocation unless a value needs converting to a string.
        let mut owned: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut values: Vec<(usize, Value)> = Vec::with_capacity(schema.columns().len());
        for (idx, c) in schema.columns().iter().enumerate() {
            let Some(v) = value.get(c.name.as_str()) else {
                continue;
            };
            match c.ty {
                ColumnType::Int => values.push((idx, Value::Int(v.coerce_to_long().unwrap_or(0)))),
                ColumnType::Float => {
                    values.push((idx, Value::Float(v.coerce_to_double().unwrap_or(0.0))))
                }
                ColumnType::String => {
                    let len = match v.zend_str() {
                        Some(s) => {
                            values.push((idx, Value::Str(s.as_bytes())));
                            s.len()
                        }
                        None => {
                            let s = v.coerce_to_string().unwrap_or_default().into_bytes();
                            let n = s.len();
                            owned.push((idx, s));
                            n
                        }
                    };
                    if len > c.size {
                        crate::process::log::log(
                            crate::process::log::LOG_WARNING,
                            '*',
                            0,
                            &format!(
                                "TableRow::set_value(): [key={},field={}]string value is too long",
                                String::from_utf8_lossy(key),
                                c.name
                            ),
                        );
                    }
                }
            }
        }
        values.extend(owned.iter().map(|(i, s)| (*i, Value::Str(s))));
        match t.set(key, &values) {
            Ok(()) => Ok(true),
            Err(store::Full) => {
                warning(&format!(
                    "failed to set('{}'), unable to allocate memory",
                    String::from_utf8_lossy(key)
                ));
                Ok(false)
            }
        }
    }

    /// The row as an array, one column's value with `$field`, or false.
    pub fn get(&self, key: &Zval, field: Option<String>) -> PhpResult<Zval> {
        let t = self.live()?;
        let key = key_bytes(key);
        let mut data = Vec::new();
        if !t.get(cut_key(&key), &mut data) {
            return Ok(false.into());
        }
        Ok(match field {
            None => Self::row_zval(&t, &data),
            Some(f) => match t.schema().index(f.as_bytes()) {
                Some(i) => value_zval(t.decode(&data, i)),
                None => false.into(),
            },
        })
    }

    pub fn count(&self) -> i64 {
        self.store.borrow().as_ref().map_or(0, |t| t.count() as i64)
    }

    pub fn del(&self, key: &Zval) -> PhpResult<bool> {
        let t = self.live()?;
        Ok(t.del(cut_key(&key_bytes(key))))
    }

    /// Alias of `del()`.
    pub fn delete(&self, key: &Zval) -> PhpResult<bool> {
        self.del(key)
    }

    pub fn exists(&self, key: &Zval) -> PhpResult<bool> {
        let t = self.live()?;
        Ok(t.exists(cut_key(&key_bytes(key))))
    }

    /// Alias of `exists()`.
    pub fn exist(&self, key: &Zval) -> PhpResult<bool> {
        self.exists(key)
    }

    /// Adds `$incrby` to a number column, creating the row if needed; the new value.
    pub fn incr(&self, key: &Zval, column: &str, incrby: Option<&Zval>) -> PhpResult<Zval> {
        self.add(key, column, incrby, 1)
    }

    pub fn decr(&self, key: &Zval, column: &str, incrby: Option<&Zval>) -> PhpResult<Zval> {
        self.add(key, column, incrby, -1)
    }

    /// Rows in the hash (the rounded size, not counting the conflict pool).
    pub fn get_size(&self) -> i64 {
        match self.store.borrow().as_ref() {
            Some(t) => t.size() as i64,
            None => store::rounded_size(self.table_size) as i64,
        }
    }

    /// Bytes of shared memory mapped by `create()`; 0 before.
    pub fn get_memory_size(&self) -> i64 {
        self.store
            .borrow()
            .as_ref()
            .map_or(0, |t| t.memory_size() as i64)
    }

    /// Swoole's counters, plus `recovered_locks`: row locks taken over from dead processes.
    pub fn stats(&self) -> Zval {
        let Some(t) = self.store.borrow().clone() else {
            return false.into();
        };
        let s = t.stats();
        let mut ht = ZendHashTable::with_capacity(9);
        for (k, v) in [
            ("num", s.num),
            ("conflict_count", s.conflict_count),
            ("conflict_max_level", s.conflict_max_level),
            ("insert_count", s.insert_count),
            ("update_count", s.update_count),
            ("delete_count", s.delete_count),
            ("available_slice_num", s.available_slice_num),
            ("total_slice_num", s.total_slice_num),
            ("recovered_locks", s.recovered_locks),
        ] {
            let _ = ht.insert(k, v as i64);
        }
        let mut z = Zval::new();
        z.set_hashtable(ht);
        z
    }

    pub fn rewind(&self) -> PhpResult<()> {
        let t = self.live()?;
        self.iter_rows.borrow_mut().clear();
        self.iter_bucket.set(0);
        self.fill_iter(&t);
        Ok(())
    }

    pub fn valid(&self) -> bool {
        !self.iter_rows.borrow().is_empty()
    }

    pub fn next(&self) -> PhpResult<()> {
        let t = self.live()?;
        self.iter_rows.borrow_mut().pop_front();
        self.fill_iter(&t);
        Ok(())
    }

    pub fn current(&self) -> PhpResult<Zval> {
        let t = self.live()?;
        Ok(match self.iter_rows.borrow().front() {
            Some((_, data)) => Self::row_zval(&t, data),
            None => Zval::new(),
        })
    }

    pub fn key(&self) -> Zval {
        let mut z = Zval::new();
        if let Some((k, _)) = self.iter_rows.borrow().front() {
            z.set_zend_string(ZendStr::new(k, false));
        }
        z
    }

    #[php(getter, name = "size")]
    pub fn prop_size(&self) -> Option<i64> {
        self.store.borrow().as_ref().map(|t| t.size() as i64)
    }

    #[php(getter, name = "memorySize")]
    pub fn prop_memory_size(&self) -> Option<i64> {
        self.store.borrow().as_ref().map(|t| t.memory_size() as i64)
    }
}

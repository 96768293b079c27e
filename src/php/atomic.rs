//! `Swoole\Atomic` and `Swoole\Atomic\Long`: a counter in its own shared page, so workers
//! forked after `new` share it (see [`crate::shm::atomic`]).

use std::time::Duration;

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::ce;

use crate::shm::atomic::{Atomic32, Atomic64};
use crate::shm::{Mapping, ShmSafe};

/// One zero-filled shared `T`, unmapped when the PHP object is freed in the creating process.
pub(crate) struct Shared<T> {
    map: Mapping,
    _t: std::marker::PhantomData<T>,
}

impl<T: ShmSafe> Shared<T> {
    pub(crate) fn new() -> PhpResult<Self> {
        let map = Mapping::new(std::mem::size_of::<T>()).map_err(|e| {
            PhpException::new(
                format!("unable to allocate memory: {e}"),
                0,
                ce::exception(),
            )
        })?;
        Ok(Shared {
            map,
            _t: std::marker::PhantomData,
        })
    }

    pub(crate) fn get(&self) -> &T {
        // SAFETY: page-aligned, large enough, zero-filled (a valid T by ShmSafe), and mapped
        // for as long as self.
        unsafe { &*self.map.as_ptr().cast::<T>() }
    }
}

/// An unsigned 32-bit counter shared by every process forked after it was made.
#[php_class]
#[php(name = "Swoole\\Atomic")]
pub struct Atomic {
    shared: Shared<Atomic32>,
}

#[php_impl]
impl Atomic {
    #[php(defaults(value = 0))]
    pub fn __construct(value: i64) -> PhpResult<Self> {
        let shared = Shared::<Atomic32>::new()?;
        shared.get().set(value as u32);
        Ok(Atomic { shared })
    }

    /// Adds (32-bit, wrapping) and returns the new value.
    #[php(defaults(add_value = 1))]
    pub fn add(&self, add_value: i64) -> i64 {
        self.shared.get().add(add_value as u32) as i64
    }

    #[php(defaults(sub_value = 1))]
    pub fn sub(&self, sub_value: i64) -> i64 {
        self.shared.get().sub(sub_value as u32) as i64
    }

    pub fn get(&self) -> i64 {
        self.shared.get().get() as i64
    }

    pub fn set(&self, value: i64) {
        self.shared.get().set(value as u32)
    }

    /// Sleeps until `wakeup()` (true, and the value goes back to 0) or the timeout (false).
    /// A negative timeout waits forever.
    #[php(defaults(timeout = 1.0))]
    pub fn wait(&self, timeout: f64) -> bool {
        let t = (timeout >= 0.0).then(|| Duration::from_secs_f64(timeout.min(1e9)));
        self.shared.get().wait(t)
    }

    /// Wakes up to `$count` processes sleeping in `wait()`.
    #[php(defaults(count = 1))]
    pub fn wakeup(&self, count: i64) -> bool {
        self.shared
            .get()
            .wakeup(count.clamp(1, i32::MAX as i64) as i32)
    }

    pub fn cmpset(&self, cmp_value: i64, new_value: i64) -> bool {
        self.shared.get().cmpset(cmp_value as u32, new_value as u32)
    }
}

/// A signed 64-bit counter shared by every process forked after it was made.
#[php_class]
#[php(name = "Swoole\\Atomic\\Long")]
pub struct AtomicLong {
    shared: Shared<Atomic64>,
}

#[php_impl]
impl AtomicLong {
    #[php(defaults(value = 0))]
    pub fn __construct(value: i64) -> PhpResult<Self> {
        let shared = Shared::<Atomic64>::new()?;
        shared.get().set(value);
        Ok(AtomicLong { shared })
    }

    #[php(defaults(add_value = 1))]
    pub fn add(&self, add_value: i64) -> i64 {
        self.shared.get().add(add_value)
    }

    #[php(defaults(sub_value = 1))]
    pub fn sub(&self, sub_value: i64) -> i64 {
        self.shared.get().sub(sub_value)
    }

    pub fn get(&self) -> i64 {
        self.shared.get().get()
    }

    pub fn set(&self, value: i64) {
        self.shared.get().set(value)
    }

    pub fn cmpset(&self, cmp_value: i64, new_value: i64) -> bool {
        self.shared.get().cmpset(cmp_value, new_value)
    }
}

pub(crate) use Shared as SharedCell;

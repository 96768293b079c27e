//! `Swoole\Lock`: a process-shared mutex, readers-writer lock or spinlock that a process
//! dying while holding it cannot wedge (see [`crate::shm::lock`]).

use std::time::Duration;

use ext_php_rs::prelude::*;

use super::atomic::SharedCell;
use crate::shm::lock::{PidLock, RwLock, SPIN_MUTEX, SPIN_SPINLOCK};

pub const SWOOLE_RWLOCK: i64 = 1;
pub const SWOOLE_MUTEX: i64 = 3;
pub const SWOOLE_SPINLOCK: i64 = 5;

const LOCK_SH: i64 = 1;
const LOCK_NB: i64 = 4;

enum Kind {
    Mutex(SharedCell<PidLock>, u32),
    Rw(SharedCell<RwLock>),
}

#[php_class]
#[php(name = "Swoole\\Lock")]
pub struct Lock {
    kind: Kind,
    /// The errno of the last failed `lock()`: EBUSY, ETIMEDOUT or EDEADLK.
    #[php(prop, name = "errCode")]
    err_code: i64,
}

#[php_impl]
impl Lock {
    const MUTEX: i64 = SWOOLE_MUTEX;
    const RWLOCK: i64 = SWOOLE_RWLOCK;
    const SPINLOCK: i64 = SWOOLE_SPINLOCK;

    #[php(defaults(r#type = 3))]
    pub fn __construct(r#type: i64) -> PhpResult<Self> {
        let kind = match r#type {
            SWOOLE_MUTEX => Kind::Mutex(SharedCell::new()?, SPIN_MUTEX),
            SWOOLE_SPINLOCK => Kind::Mutex(SharedCell::new()?, SPIN_SPINLOCK),
            SWOOLE_RWLOCK => Kind::Rw(SharedCell::new()?),
            t => {
                return Err(super::exception::swoole_exception(
                    format!("lock type[{t}] is not support"),
                    t,
                ))
            }
        };
        Ok(Lock { kind, err_code: 0 })
    }

    /// `LOCK_EX` (default), `LOCK_SH` (a read lock on an rwlock; exclusive otherwise), with
    /// `| LOCK_NB` to try without waiting. `$timeout` > 0 waits at most that many seconds.
    #[php(defaults(operation = 2, timeout = -1.0))]
    pub fn lock(&mut self, operation: i64, timeout: f64) -> bool {
        let nb = operation & LOCK_NB != 0;
        let shared = operation & 3 == LOCK_SH;
        let t = (timeout > 0.0).then(|| Duration::from_secs_f64(timeout.min(1e9)));
        let r = match &self.kind {
            Kind::Mutex(l, _) if nb => l.get().try_lock(),
            Kind::Mutex(l, spin) => l.get().lock(t, *spin),
            Kind::Rw(l) => match (shared, nb) {
                (true, true) => l.get().try_read(),
                (true, false) => l.get().read(t, SPIN_MUTEX),
                (false, true) => l.get().try_write(),
                (false, false) => l.get().write(t, SPIN_MUTEX),
            },
        };
        match r {
            Ok(_) => true,
            Err(e) => {
                self.err_code = e.errno() as i64;
                false
            }
        }
    }

    /// Releases this process's hold. Like Swoole, true even when it held nothing.
    pub fn unlock(&self) -> bool {
        match &self.kind {
            Kind::Mutex(l, _) => l.get().unlock(),
            Kind::Rw(l) => l.get().unlock(),
        };
        true
    }
}

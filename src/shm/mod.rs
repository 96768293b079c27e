//! Memory shared between the processes of one server: anonymous `MAP_SHARED` mappings made
//! before `start()` forks, so every worker, task worker and user process sees the same bytes.
//!
//! This is the lowest layer beside [`crate::codec`]: plain Rust over raw mappings, no PHP,
//! no sockets. The process layer keeps its pages here (session counter, stats, owner table);
//! `Swoole\Table`, `Swoole\Atomic` and `Swoole\Lock` keep their storage here too.

pub mod atomic;
pub mod lock;
mod mapping;
pub mod table;

pub use mapping::{Mapping, ShmSafe};

#[cfg(test)]
pub(crate) mod testing;

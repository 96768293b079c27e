//! `Swoole\Server\Port`: a listening port (`$server->ports[0]` is the server's own).

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::ce;

/// A listening port.
#[php_class]
#[php(name = "Swoole\\Server\\Port")]
pub struct Port {
    pub(super) host: String,
    pub(super) port: i64,
    pub(super) sock_type: i64,
}

#[php_impl]
impl Port {
    pub fn __construct() -> PhpResult<Self> {
        Err(PhpException::new(
            "please use the Swoole\\Server->listen method".into(),
            0,
            ce::error(),
        ))
    }

    #[php(getter, name = "host")]
    pub fn prop_host(&self) -> String {
        self.host.clone()
    }

    #[php(getter, name = "port")]
    pub fn prop_port(&self) -> i64 {
        self.port
    }

    #[php(getter, name = "type")]
    pub fn prop_type(&self) -> i64 {
        self.sock_type
    }
}

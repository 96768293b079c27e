//! Finds the PHP this extension is built against, checks it, and records its version.
//!
//! ext-php-rs' own build script runs bindgen against the same `php-config`; this script fails
//! first, with the Debian package names to install, so a fresh machine gets a useful message
//! instead of a bindgen backtrace.

use std::process::Command;

fn fail(msg: &str) -> ! {
    eprintln!("\nswoole-rs build error: {msg}\n");
    std::process::exit(1);
}

fn main() {
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    println!("cargo:rerun-if-env-changed=PHP");
    let php_config = std::env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".into());
    let out = Command::new(&php_config).arg("--version").output().unwrap_or_else(|_| {
        fail(&format!(
            "`{php_config}` was not found. Install the PHP headers: apt-get install php8.2-cli php8.2-dev libclang-dev"
        ))
    });
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) < (8, 1) {
        fail(&format!(
            "PHP >= 8.1 is required, `{php_config}` reports {version}"
        ));
    }
    let includes = Command::new(&php_config)
        .arg("--include-dir")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if !std::path::Path::new(&includes).join("main/php.h").exists() {
        fail(&format!(
            "PHP headers not found in '{includes}'. Install them: apt-get install php{major}.{minor}-dev"
        ));
    }
    let has_libclang = [
        "/usr/lib/llvm-14/lib",
        "/usr/lib/llvm-15/lib",
        "/usr/lib/llvm-16/lib",
        "/usr/lib/x86_64-linux-gnu",
    ]
    .iter()
    .any(|d| {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with("libclang"))
            })
            .unwrap_or(false)
    });
    if !has_libclang && std::env::var("LIBCLANG_PATH").is_err() {
        fail("libclang was not found (bindgen needs it). Install it: apt-get install libclang-dev");
    }
    println!("cargo:rustc-env=SWOOLE_RS_PHP_VERSION={version}");
}

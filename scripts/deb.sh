#!/usr/bin/env bash
# Builds the Debian package php<X.Y>-swoole-rs_<version>_amd64.deb from the release build, with
# dpkg-deb alone (part of every Debian system: nothing to install).
#   bash scripts/deb.sh          -> prints the path of the .deb
# The package installs swoole.so into `php-config --extension-dir`, ships
# mods-available/swoole.ini (enabled with phpenmod on install, disabled on removal), depends on
# the PHP API it was built for, conflicts with the packages of the real Swoole (both register
# the `swoole` module), and carries the stubs in /usr/share/php/swoole-rs/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked >&2
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
api=$(php-config --phpapi)
extdir=$(php-config --extension-dir)
phpver=$(php -r 'echo PHP_MAJOR_VERSION . "." . PHP_MINOR_VERSION;')
arch=$(dpkg --print-architecture)
pkg="php${phpver}-swoole-rs"
root=target/deb/$pkg
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root$extdir" "$root/etc/php/$phpver/mods-available" \
    "$root/usr/share/php/swoole-rs" "$root/usr/share/doc/$pkg"
# Debug info stays in the build tree; the installed module is stripped.
objcopy --strip-debug target/release/libswoole.so "$root$extdir/swoole.so"
chmod 0644 "$root$extdir/swoole.so"
cat > "$root/etc/php/$phpver/mods-available/swoole.ini" <<INI
; swoole-rs: a memory-safe, Swoole-compatible Swoole\\Server (do not enable with the real Swoole)
; priority=25
extension=swoole.so
INI
install -m 0644 stubs/swoole.php "$root/usr/share/php/swoole-rs/swoole.php"
install -m 0644 README.md "$root/usr/share/doc/$pkg/README.md"
printf 'swoole-rs %s\nLicense: Apache-2.0\n' "$version" > "$root/usr/share/doc/$pkg/copyright"
installed_size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CTL
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: swoole-rs developers <swoole-rs@localhost>
Installed-Size: $installed_size
Depends: phpapi-$api, php$phpver-common, libc6
Conflicts: php$phpver-swoole, php-swoole
Replaces: php$phpver-swoole, php-swoole
Section: php
Priority: optional
Description: Swoole-compatible event-driven TCP server for PHP, written in Rust
 Swoole\\Server (Connect/Receive/Close callbacks, framing, workers, timers) as a
 memory-safe PHP extension. Existing Swoole 6.1 server scripts run unchanged.
CTL
echo "/etc/php/$phpver/mods-available/swoole.ini" > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<SH
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
    phpenmod -v $phpver -s ALL swoole
fi
SH
cat > "$root/DEBIAN/prerm" <<SH
#!/bin/sh
set -e
if [ "\$1" = remove ] || [ "\$1" = deconfigure ]; then
    phpdismod -v $phpver -s ALL swoole || true
fi
SH
cat > "$root/DEBIAN/postrm" <<SH
#!/bin/sh
set -e
if [ "\$1" = purge ]; then
    rm -f /var/lib/php/modules/$phpver/*/enabled_by_*/swoole \\
          /var/lib/php/modules/$phpver/*/disabled_by_*/swoole \\
          /var/lib/php/modules/$phpver/registry/swoole
fi
SH
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
out="target/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out" >&2
echo "$out"

--TEST--
SWOOLE_PROCESS: what the master cannot do fails loudly at start(): unknown dispatch modes, package_length_func (also on an extra port), a negative reactor_num; SWOOLE_SSL (also on an extra port)
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
foreach ([
    ['dispatch_mode' => 42],
    ['reactor_num' => -1],
    ['open_length_check' => true, 'package_length_func' => fn($d) => 4],
] as $opts) {
    $s = new Swoole\Server('127.0.0.1', 0, SWOOLE_PROCESS);
    $s->set($opts + ['worker_num' => 1]);
    $s->on('Receive', function () {});
    try {
        $s->start();
        echo "started?\n";
    } catch (Swoole\Exception $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
$tls = ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key"];
$cases = [
    'tls extra port' => fn($s) => $s->listen('127.0.0.1', 0, SWOOLE_SOCK_TCP | SWOOLE_SSL)->set($tls),
    'length func on an extra port' => fn($s) => $s->listen('127.0.0.1', 0, SWOOLE_SOCK_TCP)->set(['open_length_check' => true, 'package_length_func' => fn($d) => 4]),
];
foreach ($cases as $name => $prep) {
    $s = new Swoole\Server('127.0.0.1', 0, SWOOLE_PROCESS);
    $s->set(['worker_num' => 1]);
    $prep($s);
    $s->on('Receive', function () {});
    try { $s->start(); echo "started?\n"; } catch (Swoole\Exception $e) { echo "$name: ", $e->getMessage(), "\n"; }
}
$s = new Swoole\Server('127.0.0.1', 0, SWOOLE_PROCESS, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set($tls + ['worker_num' => 1]);
$s->on('Receive', function () {});
try { $s->start(); echo "started?\n"; } catch (Swoole\Exception $e) { echo "tls: ", $e->getMessage(), "\n"; }
?>
--EXPECT--
Swoole\Exception: option 'dispatch_mode' must be between 1 and 10, 42 given
Swoole\Exception: option 'reactor_num' must be >= 0, -1 given
Swoole\Exception: package_length_func is not supported in SWOOLE_PROCESS mode yet (the master runs no PHP); use package_length_type
tls extra port: SWOOLE_SSL: not supported in SWOOLE_PROCESS mode yet by swoole-rs; use SWOOLE_BASE (the default) for this server
length func on an extra port: package_length_func is not supported in SWOOLE_PROCESS mode yet (the master runs no PHP); use package_length_type
tls: SWOOLE_SSL: not supported in SWOOLE_PROCESS mode yet by swoole-rs; use SWOOLE_BASE (the default) for this server

--TEST--
SWOOLE_PROCESS: what the master cannot do fails loudly at start(): unknown dispatch modes, package_length_func (also on an extra port), a negative reactor_num (SWOOLE_SSL works: process_mode_ssl.phpt)
--FILE--
<?php
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
$cases = [
    'length func on an extra port' => fn($s) => $s->listen('127.0.0.1', 0, SWOOLE_SOCK_TCP)->set(['open_length_check' => true, 'package_length_func' => fn($d) => 4]),
];
foreach ($cases as $name => $prep) {
    $s = new Swoole\Server('127.0.0.1', 0, SWOOLE_PROCESS);
    $s->set(['worker_num' => 1]);
    $prep($s);
    $s->on('Receive', function () {});
    try { $s->start(); echo "started?\n"; } catch (Swoole\Exception $e) { echo "$name: ", $e->getMessage(), "\n"; }
}
?>
--EXPECT--
Swoole\Exception: option 'dispatch_mode' must be between 1 and 10, 42 given
Swoole\Exception: option 'reactor_num' must be >= 0, -1 given
Swoole\Exception: package_length_func is not supported in SWOOLE_PROCESS mode yet (the master runs no PHP); use package_length_type
length func on an extra port: package_length_func is not supported in SWOOLE_PROCESS mode yet (the master runs no PHP); use package_length_type

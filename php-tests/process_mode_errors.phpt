--TEST--
SWOOLE_PROCESS: what the master cannot do fails loudly at start(): unknown dispatch modes, a negative reactor_num (SWOOLE_SSL works: process_mode_ssl.phpt; package_length_func: process_mode_length_func*.phpt)
--FILE--
<?php
foreach ([
    ['dispatch_mode' => 42],
    ['reactor_num' => -1],
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
?>
--EXPECT--
Swoole\Exception: option 'dispatch_mode' must be between 1 and 10, 42 given
Swoole\Exception: option 'reactor_num' must be >= 0, -1 given

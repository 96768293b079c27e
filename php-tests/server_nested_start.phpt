--TEST--
start() of a second server from inside a running server's callback warns and returns false
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$other = new Swoole\Server('127.0.0.1', 0);
$other->on('Receive', function () {});
$s->on('WorkerStart', function ($s) use ($other) {
    var_dump($other->start());
    var_dump($s->start());
    $s->shutdown();
});
$s->on('Receive', function () {});
var_dump($s->start());
PHP);
wait_server($h);
show_server($h);
?>
--EXPECTF--
--- server exit 0 ---

Warning: Swoole\Server::start(): another Swoole\Server is already running in this process; only one event loop can run at a time in SERVER on line %d
bool(false)

Warning: Swoole\Server::start(): The server is running, unable to execute Swoole\Server->start() in SERVER on line %d
bool(false)
bool(true)

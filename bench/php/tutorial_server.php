<?php
// The Swoole tutorial TCP server (examples/tcpServer.php), for benchmarking:
// port from argv[1], SWOOLE_BASE mode, and Connect/Close callbacks that do nothing
// (no per-connection echo lines). Run on swoole-rs:
//
//   php -n -d extension=/work/main/target/release/libswoole.so tutorial_server.php PORT

$port = (int)($argv[1] ?? 0);
if ($port <= 0) {
    fwrite(STDERR, "usage: php tutorial_server.php PORT\n");
    exit(2);
}

$server = new Swoole\Server('127.0.0.1', $port, SWOOLE_BASE);
$server->on('Connect', function ($server, $fd) {});
$server->on('Receive', function ($server, $fd, $reactor_id, $data) {
    $server->send($fd, "Server: {$data}");
});
$server->on('Close', function ($server, $fd) {});
$server->start();

<?php
// The tutorial TCP server (examples/tcpServer.php) for the PROCESS-mode benchmark:
// port from argv[1], mode from argv[2] ("process" or "base"), worker_num 1, reactor_num 1
// (the whole server tree is pinned to one core), silent Connect/Close.
//
//   php -n -d extension=... tutorial_server_process.php PORT process|base

$port = (int)($argv[1] ?? 0);
$mode = ($argv[2] ?? 'process') === 'base' ? SWOOLE_BASE : SWOOLE_PROCESS;
if ($port <= 0) {
    fwrite(STDERR, "usage: php tutorial_server_process.php PORT process|base\n");
    exit(2);
}
$server = new Swoole\Server('127.0.0.1', $port, $mode);
$server->set(['worker_num' => 1, 'reactor_num' => 1, 'log_level' => 5]);
$server->on('Connect', function ($server, $fd) {});
$server->on('Receive', function ($server, $fd, $reactor_id, $data) {
    $server->send($fd, "Server: {$data}");
});
$server->on('Close', function ($server, $fd) {});
$server->start();

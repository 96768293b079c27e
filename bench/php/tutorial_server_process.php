<?php
// The tutorial TCP server (examples/tcpServer.php) for the PROCESS-mode benchmark:
// port from argv[1], mode from argv[2] ("process", "base", or "func": PROCESS with a
// dispatch_func that sends every event to worker $fd % worker_num), worker_num from argv[3]
// (default 1), reactor_num from argv[4] (default 1; 0 leaves it at its default), silent
// Connect/Close.
//
//   php -n -d extension=... tutorial_server_process.php PORT process|base|func [WORKERS [REACTORS]]

$port = (int)($argv[1] ?? 0);
$kind = $argv[2] ?? 'process';
$mode = $kind === 'base' ? SWOOLE_BASE : SWOOLE_PROCESS;
$workers = (int)($argv[3] ?? 1);
$reactors = (int)($argv[4] ?? 1);
if ($port <= 0) {
    fwrite(STDERR, "usage: php tutorial_server_process.php PORT process|base|func [WORKERS [REACTORS]]\n");
    exit(2);
}
$server = new Swoole\Server('127.0.0.1', $port, $mode);
$opts = ['worker_num' => $workers, 'log_level' => 5];
if ($reactors > 0) {
    $opts['reactor_num'] = $reactors;
}
if ($kind === 'func') {
    $opts['dispatch_func'] = function ($server, $fd, $type, $data = null) use ($workers) {
        return $fd % $workers;
    };
}
$server->set($opts);
$server->on('Connect', function ($server, $fd) {});
$server->on('Receive', function ($server, $fd, $reactor_id, $data) {
    $server->send($fd, "Server: {$data}");
});
$server->on('Close', function ($server, $fd) {});
$server->start();

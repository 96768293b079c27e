<?php
// The tutorial TCP server (examples/tcpServer.php) for the PROCESS-mode benchmark:
// port from argv[1], mode from argv[2] ("process", "base", or "func": PROCESS with a
// dispatch_func that sends every event to worker $fd % worker_num; "lenfunc": PROCESS framing
// each request (the load generator's end in "\n") with a package_length_func, "eof": the
// same framing done by open_eof_split, "base_lenfunc": BASE with that package_length_func),
// worker_num from argv[3]
// (default 1), reactor_num from argv[4] (default 1; 0 leaves it at its default), silent
// Connect/Close.
//
//   php -n -d extension=... tutorial_server_process.php PORT process|base|func|lenfunc|eof|base_lenfunc [WORKERS [REACTORS]]

$port = (int)($argv[1] ?? 0);
$kind = $argv[2] ?? 'process';
$mode = in_array($kind, ['base', 'base_lenfunc'], true) ? SWOOLE_BASE : SWOOLE_PROCESS;
$workers = (int)($argv[3] ?? 1);
$reactors = (int)($argv[4] ?? 1);
if ($port <= 0) {
    fwrite(STDERR, "usage: php tutorial_server_process.php PORT process|base|func|lenfunc|eof|base_lenfunc [WORKERS [REACTORS]]\n");
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
if ($kind === 'lenfunc' || $kind === 'base_lenfunc') {
    $opts['open_length_check'] = true;
    $opts['package_length_func'] = function ($data) {
        $end = strpos($data, "\n");
        return $end === false ? 0 : $end + 1;
    };
}
if ($kind === 'eof') {
    $opts['open_eof_split'] = true;
    $opts['package_eof'] = "\n";
}
$server->set($opts);
$server->on('Connect', function ($server, $fd) {});
$server->on('Receive', function ($server, $fd, $reactor_id, $data) {
    $server->send($fd, "Server: {$data}");
});
$server->on('Close', function ($server, $fd) {});
$server->start();

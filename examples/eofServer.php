<?php
// A line protocol server: each packet ends with "\r\n". With open_eof_split, onReceive gets
// exactly one line per call, however TCP cuts or joins the client's writes.
// Run: php -d extension=../target/release/libswoole.so eofServer.php [port]
$server = new Swoole\Server('127.0.0.1', (int)($argv[1] ?? 9502));
$server->set([
    'open_eof_split' => true,
    'package_eof' => "\r\n",
    'package_max_length' => 64 * 1024, // a line longer than this closes the connection
]);
$server->on('Receive', function (Swoole\Server $server, int $fd, int $reactorId, string $line) {
    $command = rtrim($line, "\r\n");
    $server->send($fd, strtoupper($command) . "\r\n");
});
$server->start();

<?php
// The tutorial server over TLS, for bench/tls.py: the same script runs on swoole-rs and on
// real Swoole 6.1.7 (SWOOLE_BASE, one worker, silent Connect/Close).
//
//   php -n -d extension=target/release/libswoole.so tls_server.php PORT CERT KEY

[$port, $cert, $key] = [(int)($argv[1] ?? 0), $argv[2] ?? '', $argv[3] ?? ''];
if ($port <= 0 || $cert === '' || $key === '') {
    fwrite(STDERR, "usage: php tls_server.php PORT CERT KEY\n");
    exit(2);
}
$server = new Swoole\Server('127.0.0.1', $port, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$server->set(['worker_num' => 1, 'ssl_cert_file' => $cert, 'ssl_key_file' => $key, 'log_level' => SWOOLE_LOG_WARNING]);
$server->on('Connect', function ($server, $fd) {});
$server->on('Receive', function ($server, $fd, $reactor_id, $data) {
    $server->send($fd, "Server: {$data}");
});
$server->on('Close', function ($server, $fd) {});
$server->start();

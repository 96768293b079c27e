<?php
// A TLS echo server: line-framed, with the client's certificate-free TLS session info.
//   php -d extension=target/release/libswoole.so examples/tlsServer.php [port] [cert.pem key.pem]
//   then: openssl s_client -connect 127.0.0.1:9443 -quiet    and type a line
// Without cert/key arguments it makes a throw-away self-signed certificate with openssl.
$port = (int)($argv[1] ?? 9443);
[$cert, $key] = [$argv[2] ?? null, $argv[3] ?? null];
if ($cert === null) {
    $dir = sys_get_temp_dir() . '/tlsServer-' . getmypid();
    @mkdir($dir);
    [$cert, $key] = ["$dir/cert.pem", "$dir/key.pem"];
    exec('openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1'
        . " -subj /CN=localhost -keyout $key -out $cert 2>/dev/null", $out, $rc);
    if ($rc !== 0) {
        fwrite(STDERR, "openssl failed: pass cert.pem key.pem\n");
        exit(1);
    }
}

$server = new Swoole\Server('127.0.0.1', $port, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$server->set([
    'ssl_cert_file' => $cert,
    'ssl_key_file' => $key,
    'ssl_protocols' => SWOOLE_SSL_TLSv1_2 | SWOOLE_SSL_TLSv1_3,
    'open_eof_split' => true,   // one onReceive per line, however TLS records split it
    'package_eof' => "\n",
]);

// Runs after the TLS handshake: a client that fails it never gets here.
$server->on('Connect', function (Swoole\Server $server, int $fd) {
    $server->send($fd, "hello over TLS, you are #$fd\n");
});
$server->on('Receive', function (Swoole\Server $server, int $fd, int $reactorId, string $data) {
    $line = rtrim($data);
    if ($line === 'stats') {
        $st = $server->stats();
        $server->send($fd, "connections={$st['connection_num']} failed_handshakes={$st['ssl_handshake_fail_count']}\n");
    } elseif ($line === 'reload') {
        // Re-reads the certificate files: new connections get the renewed certificate.
        $server->send($fd, 'reload: ' . var_export($server->reload(), true) . "\n");
    } else {
        $server->send($fd, "echo: $line\n");
    }
});
$server->on('Close', function (Swoole\Server $server, int $fd) {});
$server->start();

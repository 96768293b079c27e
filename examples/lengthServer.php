<?php
// A length-prefixed protocol server: each packet is a 4-byte big-endian body length followed
// by the body. onReceive gets exactly one whole packet, header included.
// Run: php -d extension=../target/release/libswoole.so lengthServer.php [port]
$server = new Swoole\Server('127.0.0.1', (int)($argv[1] ?? 9503));
$server->set([
    'open_length_check' => true,
    'package_length_type' => 'N',   // pack() letter: 4 bytes, big-endian
    'package_length_offset' => 0,   // the length field starts at byte 0
    'package_body_offset' => 4,     // the length counts the body after the 4-byte header
    'package_max_length' => 2 * 1024 * 1024,
]);
$server->on('Receive', function (Swoole\Server $server, int $fd, int $reactorId, string $packet) {
    $body = substr($packet, 4);
    $reply = "got " . strlen($body) . " bytes";
    $server->send($fd, pack('N', strlen($reply)) . $reply);
});
$server->start();

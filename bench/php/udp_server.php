<?php
// UDP echo for the datagram ping-pong benchmark (bench/udp.sh): onPacket sends every datagram
// back with sendto(). The same script runs on swoole-rs and on Swoole 6.1.7.
//
//   php -n -d extension=/work/main/target/release/libswoole.so udp_server.php PORT

$port = (int)($argv[1] ?? 0);
if ($port <= 0) {
    fwrite(STDERR, "usage: php udp_server.php PORT\n");
    exit(2);
}

$server = new Swoole\Server('127.0.0.1', $port, SWOOLE_BASE, SWOOLE_SOCK_UDP);
$server->on('Packet', function ($server, $data, $client) {
    $server->sendto($client['address'], $client['port'], $data);
});
$server->start();

<?php
// A UDP server: every datagram arrives in onPacket with the sender's address, and the
// reply goes back with sendto(). Two workers read the same socket.
//
//   php -d extension=target/release/libswoole.so examples/udpServer.php [PORT]
//   echo hello | nc -u -q1 127.0.0.1 9502
$port = (int)($argv[1] ?? 9502);
$server = new Swoole\Server('127.0.0.1', $port, SWOOLE_BASE, SWOOLE_SOCK_UDP);
$server->set(['worker_num' => 2]);
$server->on('Packet', function ($server, $data, $client) {
    $server->sendto($client['address'], $client['port'], "Server: {$data}");
});
$server->on('WorkerStart', function ($server, $id) { echo "worker $id ready\n"; });
$server->start();

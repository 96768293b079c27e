<?php
// One server, three listeners: a line protocol for clients, a length-prefixed admin port
// that answers with statistics, and a UDP port for metrics datagrams. Each port has its own
// framing (Port::set) and callbacks (Port::on); what a port does not set falls back to the
// server's.
//
//   php -d extension=target/release/libswoole.so examples/multiPort.php [PORT]
//   printf 'hello\n' | nc -q1 127.0.0.1 9501          # clients (port PORT)
//   printf 'cpu=3\n' | nc -u -q1 127.0.0.1 9503       # metrics (UDP, PORT + 2)
//   php -r '$c = stream_socket_client("tcp://127.0.0.1:9502"); fwrite($c, pack("N", 5) . "stats"); $n = unpack("N", fread($c, 4))[1]; echo fread($c, $n), "\n";'
$port = (int)($argv[1] ?? 9501);
$server = new Swoole\Server('127.0.0.1', $port);
$server->set(['open_eof_split' => true, 'package_eof' => "\n"]);

$server->on('Receive', function ($server, $fd, $reactorId, $line) {
    $server->send($fd, 'echo: ' . $line);
});

$admin = $server->listen('127.0.0.1', $port + 1, SWOOLE_SOCK_TCP);
$admin->set(['open_eof_split' => false, 'open_length_check' => true, 'package_length_type' => 'N',
    'package_length_offset' => 0, 'package_body_offset' => 4]);
$metrics = [];
$admin->on('Receive', function ($server, $fd, $reactorId, $packet) use (&$metrics, $admin) {
    $body = json_encode([
        'clients' => count($server->ports[0]->connections),
        'admins' => count($admin->connections),
        'metrics' => $metrics,
    ]);
    $server->send($fd, pack('N', strlen($body)) . $body);
});

$udp = $server->listen('127.0.0.1', $port + 2, SWOOLE_SOCK_UDP);
$udp->on('Packet', function ($server, $data, $client) use (&$metrics) {
    foreach (explode("\n", trim($data)) as $kv) {
        [$k, $v] = array_pad(explode('=', $kv, 2), 2, '');
        $metrics[$k] = $v;
    }
    $server->sendto($client['address'], $client['port'], "ok\n");
});

echo "clients on $port, admin on ", $admin->port, ", metrics (UDP) on ", $udp->port, "\n";
$server->start();

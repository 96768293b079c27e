<?php
// A line server meant to run behind HAProxy (examples/haproxy/haproxy.cfg): with
// open_proxy_protocol, every connection starts with HAProxy's PROXY header, and
// getClientInfo() reports the real client instead of the balancer.
//
//   php -d extension=target/release/libswoole.so examples/behindHaproxy.php 9501 &
//   php -d extension=target/release/libswoole.so examples/behindHaproxy.php 9502 &
//   haproxy -db -f examples/haproxy/haproxy.cfg &
//   printf 'hello\n' | nc 127.0.0.1 9500
//
// Only enable open_proxy_protocol on a port that nothing but the balancer can reach: the
// header is believed, so anyone who can connect directly can claim any address.
$port = (int)($argv[1] ?? 9501);
$server = new Swoole\Server('127.0.0.1', $port);
$server->set([
    'open_proxy_protocol' => true,   // every connection must start with a PROXY v1/v2 header
    'proxy_protocol_timeout' => 5,   // seconds it has to arrive (the default)
    'open_eof_split' => true,
    'package_eof' => "\n",
]);
$server->on('Connect', function ($server, $fd) {
    $info = $server->getClientInfo($fd);
    if ($info['remote_ip'] === $info['proxy_ip'] && $info['remote_port'] === $info['proxy_port']) {
        return; // the balancer speaking for itself: a health check (v2 LOCAL)
    }
    echo "client {$info['remote_ip']}:{$info['remote_port']} via {$info['proxy_ip']}\n";
});
$server->on('Receive', function ($server, $fd, $reactor_id, $data) use ($port) {
    $info = $server->getClientInfo($fd);
    $server->send($fd, sprintf(
        "server %d: hello %s:%d (PROXY v%d from %s, you connected to %s:%d): %s",
        $port,
        $info['remote_ip'],
        $info['remote_port'],
        $info['proxy_protocol'],
        $info['proxy_ip'],
        $info['proxy_dst_ip'] ?? '?',
        $info['proxy_dst_port'] ?? 0,
        $data
    ));
});
$server->start();

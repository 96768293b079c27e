<?php
// The tutorial server holding many idle connections, with or without a heartbeat.
// Usage: php idle_heartbeat_server.php PORT on|off [WORKERS]
// "on": a check every second, sessions idle for 600 s are closed — nobody is closed during the
// benchmark, so what it measures is the cost of looking.
$port = (int)$argv[1];
$server = new Swoole\Server('127.0.0.1', $port);
$set = ['max_connection' => 1000000, 'log_level' => 5, 'worker_num' => (int)($argv[3] ?? 1)];
if (($argv[2] ?? 'off') === 'on') {
    $set += ['heartbeat_check_interval' => 1, 'heartbeat_idle_time' => 600];
}
$server->set($set);
$server->on('Receive', function ($server, $fd, $reactor_id, $data) {
    $server->send($fd, "Server: {$data}");
});
$server->start();

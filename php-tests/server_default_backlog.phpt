--TEST--
backlog: without a setting the accept queue is the kernel's limit (net.core.somaxconn), not Swoole's 512: 700 clients connecting while the worker is busy all complete their handshake; an explicit backlog is kept (64: most of them wait for a SYN retransmit)
--SKIPIF--
<?php
if ((int)@file_get_contents('/proc/sys/net/core/somaxconn') < 1024) die('skip net.core.somaxconn < 1024');
if ((int)shell_exec('ulimit -n') < 1000) die('skip needs ulimit -n >= 1000');
?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
const N = 700;
foreach (['default' => '', 'backlog 64' => '$s->set(["backlog" => 64]);'] as $label => $set) {
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
' . $set . '
// The worker does not accept for 2 s: connections wait in the accept queue.
$s->on("WorkerStart", function () { echo "busy\n"; usleep(2000000); });
$s->on("Receive", function ($s, $fd, $r, $d) { $s->send($fd, $d); });
$s->start();
', ['no_wait' => true]);
    wait_for_output($h, "busy");
    $pending = [];
    for ($i = 0; $i < N; $i++) {
        $c = stream_socket_client("tcp://127.0.0.1:{$h['port']}", $errno, $errstr, 1, STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT);
        if ($c) $pending[$i] = $c;
    }
    // Handshakes the kernel completes into the accept queue are done in milliseconds; one
    // whose SYN was dropped (queue full) waits for the client's retransmit after 1 s.
    $connected = [];
    $deadline = microtime(true) + 0.8;
    while ($pending && microtime(true) < $deadline) {
        $r = null; $w = array_slice($pending, 0, 500, true); $e = null;
        if (@stream_select($r, $w, $e, 0, 50000) > 0) {
            foreach ($w as $i => $c) { $connected[$i] = $c; unset($pending[$i]); }
        }
    }
    $n = count($connected);
    echo "$label: ", $label === 'default' ? ($n === N ? "all " . N . " connected" : "only $n connected") : ($n < 100 ? "fewer than 100 connected" : "$n connected"), "\n";
    // Served once the worker is free.
    $c = reset($connected);
    stream_set_blocking($c, true);
    stream_set_timeout($c, 5);
    fwrite($c, "ping");
    echo "served after: ", fread($c, 10), "\n";
    foreach ($connected + $pending as $c) fclose($c);
    stop_server($h);
}
?>
--EXPECT--
default: all 700 connected
served after: ping
backlog 64: fewer than 100 connected
served after: ping

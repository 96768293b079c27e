--TEST--
SWOOLE_PROCESS: heartbeat() is false without a heartbeat (in a worker and in the master), and in the master's timers it lists and closes the server's idle sessions
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach ([false, true] as $on) {
    $h = start_server('$on = ' . var_export($on, true) . ';' . <<<'PHP'

$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2] + ($on ? ['heartbeat_check_interval' => 30, 'heartbeat_idle_time' => 1] : []));
$s->on('Start', function ($s) {
    echo "master onStart: ", json_encode($s->heartbeat(false)), "\n";
    Swoole\Timer::tick(100, function () use ($s) {
        $idle = $s->heartbeat(false);
        if ($idle) { echo "master timer: " . json_encode($idle) . " closed: " . json_encode($s->heartbeat(true)) . "\n"; }
    });
});
$s->on('Receive', function ($s, $fd, $rid, $data) { $s->send($fd, json_encode($s->heartbeat(false)) . "\n"); });
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd rid $rid\n"; });
$s->start();
PHP);
    echo "-- heartbeat ", $on ? "on" : "off", "\n";
    $c = client($h['port']);
    fwrite($c, "hb\n"); echo "worker: ", fgets($c);
    // Closed within 2 s? (fread() returns false on a timeout, '' at EOF.)
    stream_set_timeout($c, 2);
    echo "closed by the master's timer: ", var_export(fread($c, 100) === '' && feof($c), true), "\n";
    usleep(200000);
    // The master and the worker write to one file: compare the lines, not their order.
    $out = explode("\n", trim(stop_server($h)));
    sort($out);
    echo implode("\n", $out), "\n";
}
?>
--EXPECT--
-- heartbeat off
worker: false
closed by the master's timer: false
close 1 rid -1
master onStart: false
-- heartbeat on
worker: []
closed by the master's timer: true
close 1 rid -1
master onStart: []
master timer: [1] closed: [1]

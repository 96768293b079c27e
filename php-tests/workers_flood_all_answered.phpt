--TEST--
worker_num=2: bursts of 300 connections that stay open (so one worker is often above its share and lets wake-ups pass) are all accepted and answered; none is left in the listener's queue
--SKIPIF--
<?php
if ((int)shell_exec('ulimit -n') < 2000) die('skip needs ulimit -n >= 2000');
?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
// At most ~900 descriptors open at once: stream_select() uses select(), limited to FD_SETSIZE (1024).
const BURST = 300, BURSTS = 3;
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $id) { echo "ready $id\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, (string)$s->getWorkerId()); });
$s->start();
');
if (!wait_for_output($h, "ready 0") || !wait_for_output($h, "ready 1")) echo "workers not ready\n";
$open = [];
$per_worker = [0, 0];
for ($b = 0; $b < BURSTS; $b++) {
    $connecting = [];
    for ($i = 0; $i < BURST; $i++) {
        $c = stream_socket_client("tcp://127.0.0.1:{$h['port']}", $errno, $errstr, 5, STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT);
        if ($c) { stream_set_blocking($c, false); $connecting[] = $c; } else { echo "connect failed: $errstr\n"; }
    }
    // Each pings once as soon as it is connected, then waits for its answer.
    $waiting = [];
    $deadline = microtime(true) + 10;
    while (($connecting || $waiting) && microtime(true) < $deadline) {
        $r = array_slice($waiting, 0, 500, true); $w = array_slice($connecting, 0, 500, true); $e = null;
        if (!$r && !$w) break;
        if (@stream_select($r, $w, $e, 0, 100000) <= 0) continue;
        foreach ($w as $k => $c) { fwrite($c, "x"); $waiting[$k] = $c; unset($connecting[$k]); }
        foreach ($r as $k => $c) {
            $d = fread($c, 10);
            if ($d === '0' || $d === '1') { $per_worker[(int)$d]++; $open[] = $c; unset($waiting[$k]); }
            elseif ($d === '' && feof($c)) { echo "closed without an answer\n"; unset($waiting[$k]); }
        }
    }
    $left = count($connecting) + count($waiting);
    echo "burst $b: ", $left === 0 ? "all answered" : "$left unanswered after 10 s", "\n";
}
echo "answered: ", count($open), " of ", BURST * BURSTS, "\n";
echo "both workers served: ", var_export(min($per_worker) > 0, true), "\n";
foreach ($open as $c) fclose($c);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
burst 0: all answered
burst 1: all answered
burst 2: all answered
answered: 900 of 900
both workers served: true
exit 0

--TEST--
getMetrics(): stats() as OpenMetrics text that a real parser (prometheus_client) accepts, server-wide and per worker, with memory and event-loop lag
--SKIPIF--
<?php
exec('python3 -c "import prometheus_client" 2>&1', $o, $rc);
if ($rc !== 0) die('skip prometheus_client is not installed (bash scripts/dev.sh test installs it)');
?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "block") { usleep(1200000); $s->send($fd, "unblocked"); return; }
    // Let a health tick pass without blocking the loop, then answer.
    if ($data === "metrics") { Swoole\Timer::after(600, function () use ($s, $fd) { $s->send($fd, $s->getMetrics()); }); return; }
    $s->send($fd, "ok");
});
$s->start();
');
wait_children(server_pid($h), 2);
usleep(300000);
$cs = [];
for ($i = 0; $i < 6; $i++) { $cs[$i] = client($h['port']); fwrite($cs[$i], "x"); fread($cs[$i], 2); }
// Block one worker's loop for 1.2 s so its lag shows.
fwrite($cs[0], "block"); fread($cs[0], 9);
$m = client($h['port']);
fwrite($m, "metrics");
$text = recv_all_until($m, "# EOF\n");
$p = proc_open(['python3', __DIR__ . '/tools/parse_openmetrics.py'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
fwrite($pipes[0], $text); fclose($pipes[0]);
$parsed = stream_get_contents($pipes[1]); $err = stream_get_contents($pipes[2]);
echo "parser exit: ", proc_close($p), $err ? " $err" : "", "\n";
$v = [];
foreach (explode("\n", trim($parsed)) as $l) { [$type, $name, $val] = explode(" ", $l); $v[$name] = [$type, (float)$val]; }
echo "connections (7 open): ", $v['swoole_connections{}'][1], "\n";
echo "accepted counter: ", $v['swoole_accepted_connections_total{}'][0], " ", $v['swoole_accepted_connections_total{}'][1] >= 7 ? "ok" : "low", "\n";
echo "requests counter: ", $v['swoole_requests_total{}'][1] >= 7 ? "ok" : "low", "\n";
echo "per-worker connections sum: ", $v['swoole_worker_connections{worker="0"}'][1] + $v['swoole_worker_connections{worker="1"}'][1], "\n";
echo "memory of each worker > 1 MiB: ", var_export($v['swoole_worker_memory_bytes{worker="0"}'][1] > 1 << 20 && $v['swoole_worker_memory_bytes{worker="1"}'][1] > 1 << 20, true), "\n";
$lags = [$v['swoole_worker_event_loop_lag_seconds{worker="0"}'][1], $v['swoole_worker_event_loop_lag_seconds{worker="1"}'][1]];
$blocked = [$v['swoole_worker_event_loop_blocked_seconds_total{worker="0"}'][1], $v['swoole_worker_event_loop_blocked_seconds_total{worker="1"}'][1]];
echo "a blocked worker shows its lag (>0.5 s): ", var_export(max($lags) > 0.5, true), "\n";
echo "and its blocked time (>0.5 s): ", var_export(max($blocked) > 0.5, true), "\n";
echo "worker pids: ", var_export($v['swoole_worker_pid{worker="0"}'][1] > 0 && $v['swoole_worker_pid{worker="1"}'][1] > 0, true), "\n";
stop_server($h);
echo "exit {$h['exit']}\n";

function recv_all_until($c, string $end): string {
    $buf = '';
    while (!str_ends_with($buf, $end) && !feof($c)) { $chunk = fread($c, 65536); if ($chunk === false || $chunk === '') break; $buf .= $chunk; }
    return $buf;
}
?>
--EXPECT--
parser exit: 0
connections (7 open): 7
accepted counter: counter ok
requests counter: ok
per-worker connections sum: 7
memory of each worker > 1 MiB: true
a blocked worker shows its lag (>0.5 s): true
and its blocked time (>0.5 s): true
worker pids: true
exit 0

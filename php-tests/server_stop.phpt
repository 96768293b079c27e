--TEST--
stop(): a worker stops itself gracefully after its callback (WorkerStop, its connections closed, replaced at once with a new pid) or another worker (by id), a task worker stops after its task (the result still arrives); an invalid id warns (505) and returns false; with a single process the server shuts down and start() returns
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "task_worker_num" => 1]);
// One string per echo: several processes write the same file, and an echo of several
// arguments is several writes that another process may come between.
$s->on("WorkerStart", function ($s, $id) { echo "start $id" . ($s->taskworker ? " task" : "") . "\n"; });
$s->on("WorkerStop", function ($s, $id) { echo "stop $id\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    switch (trim($data)) {
        case "who": $s->send($fd, $s->getWorkerId() . " " . getmypid()); break;
        case "stop": $s->send($fd, "stop() " . var_export($s->stop(), true) . " " . $s->getWorkerId()); break;
        case "stop other": $s->send($fd, "stop(" . (1 - $s->getWorkerId()) . ") " . var_export($s->stop(1 - $s->getWorkerId()), true)); break;
        case "stop 7": $s->send($fd, "stop(7) " . var_export($s->stop(7), true) . " " . $s->getLastError()); break;
        case "task": $s->task("t"); $GLOBALS["fd"] = $fd; break;
    }
});
$s->on("Task", function ($s, $tid, $wid, $data) { $pid = getmypid(); $s->stop(); return "task done in $pid"; });
$s->on("Finish", function ($s, $tid, $data) { $s->send($GLOBALS["fd"], $data); });
$s->start();
');
foreach ([0, 1, 2] as $id) wait_for_output($h, "start $id");
function ask(int $port, string $cmd, float $timeout = 5.0): array {
    $c = client($port, $timeout);
    fwrite($c, $cmd);
    stream_set_timeout($c, (int)$timeout);
    return [$c, fread($c, 100)];
}
// A connection on each worker (all kept open: a worker holding clearly more than its share
// leaves the next one to the other).
$on = []; $keep = [];
for ($i = 0; $i < 40 && count($on) < 2; $i++) {
    [$c, $r] = ask($h['port'], "who");
    [$id, $pid] = explode(" ", $r);
    $on[$id] ??= [$c, (int)$pid];
    $keep[] = $c;
}
[$c0, $pid0] = $on[0];
fwrite($c0, "stop");
echo fread($c0, 100), "\n";
echo "its connection closed: ", var_export(sees_eof($c0), true), "\n";
wait_for_output($h, "stop 0");
// Replaced: a new pid answers for worker 0.
$new = null;
for ($i = 0; $i < 100 && !$new; $i++) {
    [$c, $r] = ask($h['port'], "who");
    [$id, $pid] = explode(" ", $r);
    if ($id === "0" && (int)$pid !== $pid0) $new = (int)$pid;
    usleep(20000);
}
echo "worker 0 replaced: ", var_export($new !== null, true), "\n";
[$c1] = $on[1];
echo "worker 1's connection still served: ", (fwrite($c1, "who") && str_starts_with(fread($c1, 100), "1 ")) ? "yes" : "no", "\n";
fwrite($c1, "stop other");
echo fread($c1, 100), "\n";
fwrite($c1, "stop 7");
echo fread($c1, 100), "\n";
fwrite($c1, "task");
echo str_starts_with(fread($c1, 100), "task done in ") ? "task result arrived" : "no task result", "\n";
$deadline = microtime(true) + 5;
while (substr_count(file_get_contents($h['out']), "start 2 task") < 2 && microtime(true) < $deadline) usleep(20000);
echo "task worker replaced: ", var_export(substr_count(file_get_contents($h['out']), "start 2 task") >= 2, true), "\n";
$out = stop_server($h);
$lines = array_filter(explode("\n", $out));
echo "worker 0 started ", count(array_filter($lines, fn($l) => $l === "start 0")), " times, worker 2 ", count(array_filter($lines, fn($l) => $l === "start 2 task")), " times\n";
echo implode("\n", array_filter($lines, fn($l) => str_contains($l, "Warning"))), "\n";

// One process: stop() is shutdown().
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "stop() " . var_export($s->stop(), true)); });
$s->on("Shutdown", function () { echo "shutdown\n"; });
$r = $s->start();
echo "start() returned ", var_export($r, true), "\n";
');
[$c, $r] = ask($h['port'], "x");
echo "single process: $r\n";
wait_server($h);
echo file_get_contents($h['out']), "exit {$h['exit']}\n";
?>
--EXPECTF--
stop() true 0
its connection closed: true
worker 0 replaced: true
worker 1's connection still served: yes
stop(0) true
stop(7) false 505
task result arrived
task worker replaced: true
worker 0 started 3 times, worker 2 2 times
Warning: Swoole\Server::stop(): the worker_id[7] is invalid in %s on line %d
single process: stop() true
shutdown
start() returned true
exit 0

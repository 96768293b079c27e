--TEST--
No task lost (chaos): 10,000 tasks while task workers are reloaded every 200 ms (SIGUSR2 and reload(true)), everything is reloaded once (SIGUSR1, the sender included), task workers recycle after task_max_request, and the server is shut down right after the last batch: every task task() accepted ran exactly once and its result reached onFinish in the process that sent it, exactly once
--FILE--
<?php
require __DIR__ . '/_helper.php';
$log = tempnam(sys_get_temp_dir(), 'swrs_tasks');
$h = start_server('
$LOG = ' . var_export($log, true) . ';
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 3, "task_max_request" => 700, "log_level" => 5]);
$s->on("Task", function ($s, $id, $src, $data) use ($LOG) {
    file_put_contents($LOG, "ran $data " . getmypid() . "\n", FILE_APPEND);
    if (mt_rand(0, 9) == 0) usleep(500);
    return $data;
});
$s->on("Finish", function ($s, $id, $data) use ($LOG) {
    file_put_contents($LOG, "fin " . getmypid() . ":$id $data\n", FILE_APPEND);
});
$s->on("Receive", function ($s, $fd, $rid, $data) use ($LOG) {
    if ($data === "reload_tasks") { $s->reload(true); $s->send($fd, "ok"); return; }
    $n = (int)$data;
    for ($i = 0; $i < $n; $i++) {
        $tag = getmypid() . ":" . uniqid("", true);
        $id = $s->task($tag);
        if ($id !== false) { file_put_contents($LOG, "sent " . getmypid() . ":$id $tag\n", FILE_APPEND); }
    }
    $s->send($fd, "ok");
});
$s->start();
');
$mgr = server_pid($h);
wait_children($mgr, 4);
$count = fn($what) => preg_match_all("/^$what /m", file_get_contents($log));
$batches = 0;
$last_reload = microtime(true);
$full_reload_done = false;
$deadline = microtime(true) + 60;
while ($count("sent") < 10000 && microtime(true) < $deadline) {
    $c = @client($h['port'], 2);
    if (!$c) { usleep(20000); continue; }
    fwrite($c, (string)min(250, 10000 - $count("sent")));
    fread($c, 10);
    fclose($c);
    $batches++;
    if (microtime(true) - $last_reload > 0.2) {
        $last_reload = microtime(true);
        if ($batches % 2) { kill_pid($mgr, SIGUSR2); }
        else { $c = @client($h['port'], 2); if ($c) { fwrite($c, "reload_tasks"); fread($c, 10); fclose($c); } }
    }
    if (!$full_reload_done && $count("sent") > 5000) { kill_pid($mgr, SIGUSR1); $full_reload_done = true; }
}
// Shut down at once: the queued tasks still run and their results still arrive.
$out = stop_server($h, 15, 30);
echo "exit {$h['exit']}\n";
$lines = file($log, FILE_IGNORE_NEW_LINES);
$sent = $ran = $fin = $task_pids = [];
foreach ($lines as $l) {
    [$kind, $a, $b] = explode(" ", $l) + [null, null, null];
    if ($kind === "sent") { $sent[$b] = $a; }
    elseif ($kind === "ran") { $ran[$a] = ($ran[$a] ?? 0) + 1; $task_pids[$b] = true; }
    elseif ($kind === "fin") { $fin[$b] = ($fin[$b] ?? []); $fin[$b][] = $a; }
}
echo "sent: ", count($sent) >= 10000 ? ">=10000" : count($sent), "\n";
$bad = 0;
foreach ($sent as $tag => $pidid) {
    if (($ran[$tag] ?? 0) !== 1 || ($fin[$tag] ?? []) !== [$pidid]) {
        if ($bad++ < 5) echo "bad: $tag sent as $pidid ran ", $ran[$tag] ?? 0, " finished ", json_encode($fin[$tag] ?? []), "\n";
    }
}
echo "not exactly once: $bad\n";
echo "unknown results: ", count(array_diff_key($fin, $sent)), "\n";
echo "task worker processes: ", count($task_pids) > 8 ? "many" : count($task_pids), "\n";
echo "full reload done: ", var_export($full_reload_done, true), "\n";
echo "warnings: ", preg_match_all('/Warning|WARNING/', $out), "\n";
if (preg_match_all('/Warning|WARNING/', $out)) echo $out;
@unlink($log);
?>
--EXPECT--
exit 0
sent: >=10000
not exactly once: 0
unknown results: 0
task worker processes: many
full reload done: true
warnings: 0

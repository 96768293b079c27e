--TEST--
No task lost when shutdown begins while a task worker is stopping for a reload: it leaves its queue to a replacement that shutdown does not start, so the manager forks one last task worker that runs the queued tasks, and their results reach onFinish
--FILE--
<?php
require __DIR__ . '/_helper.php';
$log = tempnam(sys_get_temp_dir(), 'swrs_tsdr');
$h = start_server('
$LOG = ' . var_export($log, true) . ';
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 1, "max_wait_time" => 3]);
$s->on("Task", function ($s, $id, $src, $data) use ($LOG) {
    file_put_contents($LOG, "ran $data\n", FILE_APPEND);
    if ($data === "slow") usleep(300000);
    return $data;
});
$s->on("Finish", function ($s, $id, $data) use ($LOG) {
    file_put_contents($LOG, "fin $data\n", FILE_APPEND);
});
$s->on("WorkerStop", function ($s, $wid) use ($LOG) {
    file_put_contents($LOG, "stop $wid\n", FILE_APPEND);
    // The reloaded task worker is slow to stop: shutdown begins meanwhile.
    if ($s->taskworker) usleep(400000);
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "reload") { $s->send($fd, var_export($s->reload(true), true)); return; }
    $s->task("slow");
    for ($i = 1; $i <= 300; $i++) $s->task("q$i");
    $s->send($fd, "ok");
});
$s->start();
');
$mgr = server_pid($h);
wait_children($mgr, 2);
$ask = function ($what) use ($h) { $c = client($h['port']); fwrite($c, $what); $r = fread($c, 100); fclose($c); return $r; };
$until = function ($re) use ($log) {
    $deadline = microtime(true) + 10;
    while (!preg_match($re, file_get_contents($log)) && microtime(true) < $deadline) usleep(5000);
    return (bool)preg_match($re, file_get_contents($log));
};
echo "sent: ", $ask("go"), "\n";
echo "slow task running: ", var_export($until('/^ran slow$/m'), true), "\n";
echo "reload(true): ", $ask("reload"), "\n";
echo "task worker stopping for the reload: ", var_export($until('/^stop 1$/m'), true), "\n";
$out = stop_server($h, 15, 20);
echo "exit {$h['exit']}\n";
$lines = file($log, FILE_IGNORE_NEW_LINES);
$ran = array_count_values(array_map(fn($l) => substr($l, 4), preg_grep('/^ran /', $lines)));
$fin = array_count_values(array_map(fn($l) => substr($l, 4), preg_grep('/^fin /', $lines)));
$want = ["slow"]; for ($i = 1; $i <= 300; $i++) $want[] = "q$i";
$once = fn($seen) => count(array_filter($want, fn($t) => ($seen[$t] ?? 0) === 1));
echo "ran exactly once: ", $once($ran), " of 301\n";
echo "finished exactly once: ", $once($fin), " of 301\n";
echo "task worker stopped before the last task ran: ", var_export(array_search("stop 1", $lines) < array_search("ran q300", $lines), true), "\n";
echo "warnings: ", preg_match_all('/Warning|WARNING/', $out), "\n";
if (preg_match_all('/Warning|WARNING/', $out)) echo $out;
@unlink($log);
?>
--EXPECT--
sent: ok
slow task running: true
reload(true): true
task worker stopping for the reload: true
exit 0
ran exactly once: 301 of 301
finished exactly once: 301 of 301
task worker stopped before the last task ran: true
warnings: 0

--TEST--
No task lost when a task worker is reloaded while it has read only part of a chunked task (a task above 60 KiB travels in several frames): it reads the rest and runs it before it stops, and the replacement runs the queue
--FILE--
<?php
require __DIR__ . '/_helper.php';
$log = tempnam(sys_get_temp_dir(), 'swrs_trc');
$h = start_server('
$LOG = ' . var_export($log, true) . ';
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 1]);
$s->on("Task", function ($s, $id, $src, $data) use ($LOG) {
    $tag = substr($data, 0, strpos($data, " "));
    file_put_contents($LOG, "ran $tag " . strlen($data) . " " . getmypid() . "\n", FILE_APPEND);
    if ($tag === "slow") usleep(300000);
    return $tag;
});
$s->on("Finish", function ($s, $id, $data) use ($LOG) {
    file_put_contents($LOG, "fin $data\n", FILE_APPEND);
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->task("slow ");
    // 100,000 bytes: two frames each.
    for ($i = 1; $i <= 300; $i++) $s->task(str_pad("q$i ", 100000, "x"));
    $s->send($fd, "ok");
});
$s->start();
');
$mgr = server_pid($h);
wait_children($mgr, 2);
$count = fn($re) => preg_match_all($re, file_get_contents($log));
$c = client($h['port'], 20);
fwrite($c, "go");
$deadline = microtime(true) + 10;
while (!$count('/^ran slow /m') && microtime(true) < $deadline) usleep(5000);
// SIGUSR2 to the manager (reload(true)): the event worker is busy sending the tasks.
kill_pid($mgr, SIGUSR2);
echo "sent: ", fread($c, 10), "\n";
$deadline = microtime(true) + 20;
while ($count('/^fin /m') < 301 && microtime(true) < $deadline) usleep(10000);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$lines = file($log, FILE_IGNORE_NEW_LINES);
$ran = $fin = $pids = [];
foreach ($lines as $l) {
    $p = explode(" ", $l);
    if ($p[0] === "ran") { $ran[$p[1]] = ($ran[$p[1]] ?? 0) + 1; $pids[$p[3]] = true; if ($p[1] !== "slow" && $p[2] !== "100000") echo "bad length $l\n"; }
    if ($p[0] === "fin") { $fin[$p[1]] = ($fin[$p[1]] ?? 0) + 1; }
}
$want = ["slow"]; for ($i = 1; $i <= 300; $i++) $want[] = "q$i";
$once = fn($seen) => count(array_filter($want, fn($t) => ($seen[$t] ?? 0) === 1));
echo "ran exactly once: ", $once($ran), " of 301\n";
echo "finished exactly once: ", $once($fin), " of 301\n";
echo "task worker replaced meanwhile: ", var_export(count($pids) >= 2, true), "\n";
echo "warnings: ", preg_match_all('/Warning|WARNING/', $out), "\n";
if (preg_match_all('/Warning|WARNING/', $out)) echo $out;
@unlink($log);
?>
--EXPECT--
sent: ok
exit 0
ran exactly once: 301 of 301
finished exactly once: 301 of 301
task worker replaced meanwhile: true
warnings: 0

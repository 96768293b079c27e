--TEST--
worker_num=2 chaos: SIGKILL one worker while clients are connected; its clients see EOF, the other worker keeps serving, WorkerError (signal 9) fires in the manager with Swoole's log line, the replacement runs WorkerStart and serves
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid " . getmypid() . "\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, getmypid() . " " . $s->getWorkerId() . "\n"); });
$s->on("WorkerError", function ($s, $wid, $pid, $code, $sig) {
    echo "WorkerError $wid $pid $code $sig in " . (getmypid() == $s->getManagerPid() ? "manager" : "worker") . "\n";
});
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
');
$mgr = server_pid($h);
$kids = wait_children($mgr, 2);
wait_for_output($h, "WorkerStart 0"); wait_for_output($h, "WorkerStart 1");
$by = [];
for ($i = 0; $i < 40; $i++) {
    $c = client($h['port']);
    fwrite($c, "who");
    [$pid, $wid] = explode(" ", trim(fgets($c)));
    $by[$pid][] = $c;
}
var_dump(count($by));
$pids = array_keys($by);
$victim = (int)$pids[0]; $survivor = (int)$pids[1];
kill_pid($victim, 9);
$eof = 0;
foreach ($by[$victim] as $c) { $eof += sees_eof($c) ? 1 : 0; }
echo "victim clients see EOF: ", $eof === count($by[$victim]) ? "all" : "$eof", "\n";
$ok = 0;
foreach ($by[$survivor] as $c) { fwrite($c, "again"); $ok += ((int)fgets($c) === $survivor) ? 1 : 0; }
echo "survivor clients served: ", $ok === count($by[$survivor]) ? "all" : "$ok", "\n";
var_dump(wait_for_output($h, "WorkerError"));
$now = wait_children($mgr, 2);
echo "replacement forked: ", count($now) === 2 && !in_array($victim, $now) ? "yes" : "no", "\n";
// New connections reach the replacement too (try until one lands there).
$new = array_values(array_diff($now, [$survivor]))[0] ?? 0;
$seen = false;
for ($i = 0; $i < 100 && !$seen; $i++) {
    $c = client($h['port']);
    fwrite($c, "who");
    $seen = (int)fgets($c) === $new;
    fclose($c);
}
echo "replacement serves: ", $seen ? "yes" : "no", "\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
echo "orphans: ", count(array_filter(array_merge($kids, $now), fn($p) => file_exists("/proc/$p"))), "\n";
$lines = explode("\n", trim($out));
$wid = null;
foreach ($lines as $l) { if (preg_match("/^WorkerStart (\d) $victim$/", $l, $m)) $wid = $m[1]; }
echo "WorkerError line: ", count(preg_grep("/^WorkerError $wid $victim 0 9 in manager$/", $lines)), "\n";
echo "log line: ", count(preg_grep('/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \$' . $mgr . '\.0\]\tWARNING\tWorker::report_error\(\): worker\(pid=' . $victim . ', id=' . $wid . '\) abnormal exit, status=0, signal=9$/', $lines)), "\n";
echo "WorkerStart again for $wid: ", count(preg_grep("/^WorkerStart $wid $new$/", $lines)), "\n";
echo "Shutdown: ", count(preg_grep('/^Shutdown$/', $lines)), "\n";
?>
--EXPECTF--
int(2)
victim clients see EOF: all
survivor clients served: all
bool(true)
replacement forked: yes
replacement serves: yes
exit 0
orphans: 0
WorkerError line: 1
log line: 1
WorkerStart again for %d: 1
Shutdown: 1

--TEST--
max_request: worker_num=1 with max_request=3 runs a manager; the worker is recycled after every 3 requests (WorkerStop, its open connections get onClose), replaced at once (WorkerStart again, no WorkerError, no back-off)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "max_request" => 3]);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid " . getmypid() . " " . $s->getManagerPid() . "\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop $wid " . getmypid() . "\n"; });
$s->on("WorkerError", function ($s, $wid, $pid, $code, $sig) { echo "WorkerError $wid $code $sig\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, (string)getmypid()); });
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
');
$mgr = server_pid($h);
$kids = wait_children($mgr, 1);
echo "manager with one worker: ", count($kids), "\n";
wait_for_output($h, "WorkerStart 0");
$idle = client($h['port']);
usleep(50000);
$pids = []; $slowest = 0.0;
for ($i = 0; $i < 10; $i++) {
    $t = microtime(true);
    $c = client($h['port']);
    fwrite($c, "x");
    $pids[] = (int)fread($c, 100);
    $slowest = max($slowest, microtime(true) - $t);
    fclose($c);
}
echo "idle connection closed by the recycled worker: ", var_export(sees_eof($idle), true), "\n";
$groups = array_chunk($pids, 3);
$ok = true;
foreach ($groups as $i => $g) {
    if (count(array_unique($g)) !== 1 || $g[0] <= 0 || $g[0] === $mgr) { $ok = false; }
    if ($i > 0 && $g[0] === $groups[$i - 1][0]) { $ok = false; }
}
echo "pid changes after every 3 requests: ", $ok ? "yes" : "no " . implode(",", $pids), "\n";
echo "distinct worker pids: ", count(array_unique($pids)), "\n";
echo "replaced promptly: ", $slowest < 0.5 ? "yes" : "no ($slowest s)", "\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$lines = explode("\n", trim($out));
echo "WorkerStart: ", count(preg_grep("/^WorkerStart 0 \d+ $mgr$/", $lines)), "\n";
echo "WorkerStop: ", count(preg_grep('/^WorkerStop 0 \d+$/', $lines)), "\n";
echo "the idle connection (fd 1) closed by the server: ", count(preg_grep('/^Close 1 -1$/', $lines)), "\n";
echo "every connection closed once: ", count(preg_grep('/^Close \d+ -?\d+$/', $lines)), "\n";
echo "WorkerError: ", count(preg_grep('/^WorkerError/', $lines)), "\n";
echo "abnormal exit logged: ", count(preg_grep('/abnormal exit/', $lines)), "\n";
echo "Shutdown: ", count(preg_grep('/^Shutdown$/', $lines)), "\n";
?>
--EXPECT--
manager with one worker: 1
idle connection closed by the recycled worker: true
pid changes after every 3 requests: yes
distinct worker pids: 4
replaced promptly: yes
exit 0
WorkerStart: 4
WorkerStop: 4
the idle connection (fd 1) closed by the server: 1
every connection closed once: 11
WorkerError: 0
abnormal exit logged: 0
Shutdown: 1

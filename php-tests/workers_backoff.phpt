--TEST--
worker_num=2: a worker that dies with a fatal error in WorkerStart is restarted with back-off (a handful of restarts in 1.5 s, not a hot loop); the other worker keeps serving; WorkerError reports exit code 255
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $wid) {
    echo "WorkerStart $wid\n";
    if ($wid == 1) { trigger_error("worker 1 cannot start", E_USER_ERROR); }
});
$s->on("WorkerError", function ($s, $wid, $pid, $code, $sig) { echo "WorkerError $wid $code $sig\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "ok"); });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
');
$mgr = server_pid($h);
usleep(1500000);
$c = client($h['port']);
fwrite($c, "x");
var_dump(fread($c, 10));
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$lines = explode("\n", trim($out));
$starts = count(preg_grep('/^WorkerStart 1$/', $lines));
$errors = count(preg_grep('/^WorkerError 1 255 0$/', $lines));
echo "worker 1 starts in 1.5 s: ", ($starts >= 3 && $starts <= 8) ? "few" : "unexpected $starts", "\n";
echo "errors match starts: ", ($errors >= $starts - 1 && $errors <= $starts) ? "yes" : "no $errors/$starts", "\n";
echo "fatal reported: ", count(preg_grep('/Fatal error: worker 1 cannot start/', $lines)) >= 1 ? "yes" : "no", "\n";
echo "worker reports the callback: ", count(preg_grep('/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \*\d+\.1\]\tERROR\tworker #1 \(pid \d+\) exits after a fatal error in onWorkerStart; the manager restarts it$/', $lines)) >= 1 ? "yes" : "no", "\n";
echo "worker 0 started once: ", count(preg_grep('/^WorkerStart 0$/', $lines)), "\n";
echo "Shutdown: ", count(preg_grep('/^Shutdown$/', $lines)), "\n";
echo "children left: ", count(children_of($mgr)), "\n";
?>
--EXPECT--
string(2) "ok"
exit 0
worker 1 starts in 1.5 s: few
errors match starts: yes
fatal reported: yes
worker reports the callback: yes
worker 0 started once: 1
Shutdown: 1
children left: 0

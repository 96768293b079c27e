--TEST--
taskwait() returns the result or false on timeout (honoured promptly), blocks the worker while results of earlier task() calls and timers are kept and delivered afterwards, a late result is dropped with "task[N] has expired"; taskWaitMulti() keys results like its input and leaves out timed-out ones; taskCo() throws a clear error
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 2]);
$s->on("Task", function ($s, $id, $src, $data) {
    if (is_array($data) && isset($data["sleep"])) { usleep($data["sleep"] * 1000); }
    return ["echo" => $data];
});
$s->on("Finish", function ($s, $id, $data) { echo "onFinish $id " . json_encode($data) . "\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $out = [];
    Swoole\Timer::after(1, function () { echo "timer fired\n"; });
    $out["async"] = $s->task(["sleep" => 0, "n" => "async"], 0);
    $out["wait"] = $s->taskwait("hello", 5.0, 1);
    $t = microtime(true);
    $out["timeout"] = $s->taskwait(["sleep" => 600], 0.2, 1);
    $took = microtime(true) - $t;
    $out["timeout_ok"] = $took >= 0.19 && $took < 2.0;
    $out["multi"] = $s->taskWaitMulti(["a" => "x", 7 => ["sleep" => 0], "slow" => ["sleep" => 1500]], 0.8);
    try { $s->taskCo(["x"], 1.0); } catch (Error $e) { $out["taskCo"] = $e->getMessage(); }
    $s->send($fd, json_encode($out));
});
$s->start();
');
$c = client($h['port']);
fwrite($c, "go");
$r = json_decode(fread($c, 100000), true);
foreach ($r as $k => $v) { echo "$k: ", json_encode($v), "\n"; }
fclose($c);
$deadline = microtime(true) + 10;
while (substr_count(file_get_contents($h['out']), "has expired") < 2 && microtime(true) < $deadline) { usleep(20000); }
echo substr_count(file_get_contents($h['out']), "has expired") == 2 ? "expired warned\n" : "no expiry warning\n";
echo wait_for_output($h, "timer fired", 5) ? "timer kept\n" : "timer lost\n";
echo wait_for_output($h, "onFinish 0", 5) ? "async result kept\n" : "async result lost\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
echo "onFinish calls: ", substr_count($out, "onFinish"), "\n";
echo "expired: ", preg_match_all('/task\[\d+\] has expired/', $out), "\n";
?>
--EXPECTF--
async: 0
wait: {"echo":"hello"}
timeout: false
timeout_ok: true
multi: {"a":{"echo":"x"},"7":{"echo":{"sleep":0}}}
taskCo: "Swoole\\Server::taskCo() needs coroutines, which swoole-rs does not implement yet; use taskWaitMulti() instead"
expired warned
timer kept
async result kept
exit 0
onFinish calls: 1
expired: 2

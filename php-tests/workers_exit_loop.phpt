--TEST--
worker_num=0 means one worker per CPU; a worker that calls exit(0) in WorkerStart is restarted with back-off too (no WorkerError: it is not an abnormal exit), and output written before start() appears once
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
echo "before start\n";
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 0]);
$s->on("WorkerStart", function ($s, $wid) {
    echo "WorkerStart $wid\n";
    if ($wid == 1) { exit(0); }
});
$s->on("WorkerError", function ($s, $wid, $pid, $code, $sig) { echo "WorkerError $wid\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, json_encode([$s->stats()["worker_num"], swoole_cpu_num()]));
});
$s->start();
');
usleep(1500000);
$c = client($h['port']);
fwrite($c, "x");
[$wn, $cpus] = json_decode(fread($c, 100));
echo "worker_num is the CPU count: ", var_export($wn === $cpus, true), "\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$lines = explode("\n", trim($out));
$starts = count(preg_grep('/^WorkerStart 1$/', $lines));
echo "worker 1 starts in 1.5 s: ", $cpus < 2 || ($starts >= 3 && $starts <= 8) ? "few" : "unexpected $starts", "\n";
echo "WorkerError: ", count(preg_grep('/^WorkerError/', $lines)), "\n";
echo "before start: ", count(preg_grep('/^before start$/', $lines)), "\n";
?>
--EXPECT--
worker_num is the CPU count: true
exit 0
worker 1 starts in 1.5 s: few
WorkerError: 0
before start: 1

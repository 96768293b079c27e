--TEST--
More than 256 processes (220 event workers + 40 task workers) in BASE and PROCESS mode: every worker has its own pid slot, the last task worker runs tasks, stats() count them all; a server needing more slots than exist fails start() with a Swoole\Exception
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach (['SWOOLE_BASE', 'SWOOLE_PROCESS'] as $mode) {
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, ' . $mode . ');
$s->set(["worker_num" => 220, "task_worker_num" => 40, "log_level" => SWOOLE_LOG_WARNING]);
$s->on("WorkerStart", function ($s, $id) { if ($id === 259) echo "last started\n"; });
$s->on("Receive", function ($s, $fd, $r, $d) {
    $pids = [];
    for ($i = 0; $i < 260; $i++) $pids[] = $s->getWorkerPid($i);
    $st = $s->stats();
    $s->send($fd, json_encode([count(array_unique(array_filter($pids))), $s->taskwait("t", 5, 39),
        $st["worker_num"], $st["task_worker_num"], $st["task_idle_worker_num"]]) . "\n");
});
$s->on("Task", function ($s, $tid, $src, $d) { return "task on " . $s->getWorkerId(); });
$s->start();
', ['no_wait' => true]);
    echo $mode, ": ", var_export(wait_for_output($h, "last started", 30), true), "\n";
    $c = client($h['port']);
    fwrite($c, "x");
    echo trim(fgets($c)), "\n";
    show_server($h);
}
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->set(["worker_num" => 4000, "task_worker_num" => 100]);
$s->on("Receive", function () {});
$s->on("Task", function () {});
try { $s->start(); } catch (Swoole\Exception $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
', ['no_wait' => true]);
wait_server($h);
show_server($h);
?>
--EXPECT--
SWOOLE_BASE: true
[260,"task on 259",220,40,40]
--- server exit 0 ---
last started
SWOOLE_PROCESS: true
[260,"task on 259",220,40,40]
--- server exit 0 ---
last started
--- server exit 0 ---
Swoole\Exception: worker_num + task_worker_num + addProcess() processes is 4100: at most 4095 are supported

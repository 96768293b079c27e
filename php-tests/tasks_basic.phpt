--TEST--
task_worker_num: task() returns per-worker ids from 0, onTask runs in a task worker (ids after the event workers, $server->taskworker true) with the sender's id, strings stay strings and other values go through serialize(), any size, finish() and a non-null return deliver onFinish or the per-call callback once, and task() warns and returns false as Swoole does
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 2]);
$s->on("WorkerStart", function ($s, $wid) {
    echo "WorkerStart $wid taskworker=" . var_export($s->taskworker, true) . " getWorkerId=" . $s->getWorkerId() . "\n";
});
$s->on("Task", function ($s, $id, $src, $data) {
    if ($data === "nested") { return var_export($s->task(1), true); }
    if ($data === "finish") { $a = $s->finish("via finish"); $b = @$s->finish("again"); return "ignored " . var_export([$a, $b], true); }
    if ($data === "null") { return null; }
    if (is_string($data) && strlen($data) > 1000) { return "len " . strlen($data) . " md5 " . md5($data); }
    return ["id" => $id, "src" => $src, "tw" => $s->taskworker, "wid" => $s->worker_id >= 1, "data" => $data];
});
$s->on("Finish", function ($s, $id, $data) {
    global $results, $fd;
    $results[$id] = $data;
    if (count($results) == 6) {
        ksort($results);
        $s->send($fd, json_encode($results));
    }
});
$s->on("Receive", function ($s, $fd_, $rid, $data) {
    global $results, $fd;
    $fd = $fd_; $results = [];
    $ids = [];
    $ids[] = $s->task("plain");
    $ids[] = $s->task(["k" => [1, 2.5, true, null]]);
    $ids[] = $s->task(str_repeat("abc", 100000));
    $ids[] = $s->task("finish");
    $ids[] = $s->task("nested", 1);
    $ids[] = $s->task("null");
    $ids[] = $s->task(42, 0, function ($s, $id, $data) use ($fd_) {
        global $results;
        $results[$id] = ["callback" => $data["data"]];
        if (count($results) == 6) { ksort($results); $s->send($fd_, json_encode($results)); }
    });
    echo "ids ", json_encode($ids), "\n";
    var_dump($s->task("x", 2));
    var_dump($s->task("x", -2));
    var_dump($s->finish("x"));
});
$s->start();
');
$c = client($h['port']);
fwrite($c, "go");
$r = json_decode(fread($c, 100000), true);
foreach ($r as $id => $v) { echo "$id: ", json_encode($v), "\n"; }
echo "md5 expected ", md5(str_repeat("abc", 100000)), "\n";
fclose($c);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$lines = array_filter(explode("\n", str_replace($h['file'], 'SERVER', $out)), 'strlen');
sort($lines);
echo implode("\n", $lines), "\n";

// Without task workers, and without onTask.
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("WorkerStart", function ($s) { var_dump($s->task("x"), $s->taskworker); });
$s->on("Receive", function () {});
$s->start();
');
wait_for_output($h, "bool(false)");
show_server($h);
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["task_worker_num" => 1]);
$s->on("Receive", function () {});
$s->start();
', ['no_wait' => true]);
wait_server($h);
show_server($h);
?>
--EXPECTF--
0: {"id":0,"src":0,"tw":true,"wid":true,"data":"plain"}
1: {"id":1,"src":0,"tw":true,"wid":true,"data":{"k":[1,2.5,true,null]}}
2: "len 300000 md5 %s"
3: "via finish"
4: "false"
6: {"callback":42}
md5 expected %s
exit 0
Warning: Swoole\Server::finish(): Server->finish() can only be used in the task-worker, inside onTask in SERVER on line 42
Warning: Swoole\Server::task(): Server->task() cannot use in the task-worker in SERVER on line 10
Warning: Swoole\Server::task(): worker_id must be less than task_worker_num[2] in SERVER on line 40
Warning: Swoole\Server::task(): worker_id must be less than task_worker_num[2] in SERVER on line 41
WorkerStart 0 taskworker=false getWorkerId=0
WorkerStart 1 taskworker=true getWorkerId=1
WorkerStart 2 taskworker=true getWorkerId=2
bool(false)
bool(false)
bool(false)
ids [0,1,2,3,4,5,6]
--- server exit 0 ---

Warning: Swoole\Server::task(): task method can't be executed without task worker in %s on line %d
bool(false)
bool(false)
--- server exit 255 ---

Fatal error: %sequire 'onTask' callback in %s on line %d

--TEST--
task_enable_coroutine / task_object: onTask gets a Swoole\Server\Task (data, id, worker_id, flags, dispatch_time) whose finish() reaches onFinish; $server->finish() is refused with task_enable_coroutine; Task::pack()/unpack() round-trip; stats() reports task workers
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach (["task_enable_coroutine", "task_object"] as $opt) {
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 1, "' . $opt . '" => true]);
$s->on("Task", function ($s, Swoole\Server\Task $t) {
    $ok = $t->finish(["got" => $t->data, "id" => $t->id, "worker_id" => $t->worker_id,
        "flags" => is_int($t->flags), "time" => abs($t->dispatch_time - microtime(true)) < 60,
        "server_finish" => "' . $opt . '" === "task_enable_coroutine" ? @$s->finish("x") : "skip"]);
    echo "task finish " . var_export($ok, true) . "\n";
});
$s->on("Finish", function ($s, $id, $data) { global $fd; $s->send($fd, json_encode([$id, $data, $s->stats()["task_worker_num"]])); });
$s->on("Receive", function ($s, $fd_, $rid, $data) { global $fd; $fd = $fd_; $s->task([1, "two"]); });
$s->start();
');
    $c = client($h['port']);
    fwrite($c, "go");
    echo "$opt: ", fread($c, 10000), "\n";
    fclose($c);
    show_server($h);
}
$p = Swoole\Server\Task::pack(["a" => 1]);
var_dump(Swoole\Server\Task::unpack($p), Swoole\Server\Task::unpack(Swoole\Server\Task::pack("str")), Swoole\Server\Task::unpack("junk"));
?>
--EXPECTF--
task_enable_coroutine: [0,{"got":[1,"two"],"id":0,"worker_id":0,"flags":true,"time":true,"server_finish":false},1]
--- server exit 0 ---
task finish true
task_object: [0,{"got":[1,"two"],"id":0,"worker_id":0,"flags":true,"time":true,"server_finish":"skip"},1]
--- server exit 0 ---
task finish true
array(1) {
  ["a"]=>
  int(1)
}
string(3) "str"
bool(false)

--TEST--
sendMessage() reaches onPipeMessage($server, $src_worker_id, $message) between event and task workers, in both directions, strings and serialized values of any size; warnings for no onPipeMessage, sending to itself, and an id out of range
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "task_worker_num" => 1]);
$s->on("Task", function () {});
$s->on("PipeMessage", function ($s, $src, $msg) {
    $desc = is_string($msg) ? "len " . strlen($msg) . " md5 " . md5($msg) : json_encode($msg);
    echo "PipeMessage in #{$s->worker_id} from #$src: $desc\n";
    if ($s->taskworker && $msg === "ping") { $s->sendMessage(["pong" => $s->worker_id], $src); }
});
$s->on("WorkerStart", function ($s, $wid) {
    if ($wid !== 0) return;
    Swoole\Timer::after(300, function () use ($s) {
        var_dump($s->sendMessage("ping", 2));
        var_dump($s->sendMessage(["to" => 1], 1));
        var_dump($s->sendMessage(str_repeat("z", 200000), 1));
        var_dump($s->sendMessage("self", 0));
        var_dump($s->sendMessage("x", 3));
        var_dump($s->sendMessage("x", -1));
    });
});
$s->on("Receive", function () {});
$s->start();
');
wait_for_output($h, 'pong', 5);
wait_for_output($h, 'len 200000', 5);
$out = stop_server($h);
$lines = array_filter(explode("\n", str_replace($h['file'], 'SERVER', $out)), 'strlen');
sort($lines);
echo implode("\n", $lines), "\n";
echo "md5 ", md5(str_repeat("z", 200000)), "\n";

$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $wid) { if ($wid == 0) var_dump($s->sendMessage("x", 1)); });
$s->on("Receive", function () {});
$s->start();
');
wait_for_output($h, 'bool(false)', 5);
show_server($h);
?>
--EXPECTF--
PipeMessage in #0 from #2: {"pong":2}
PipeMessage in #1 from #0: len 200000 md5 %s
PipeMessage in #1 from #0: {"to":1}
PipeMessage in #2 from #0: len 4 md5 %s
Warning: Swoole\Server::sendMessage(): can't send messages to self in SERVER on line %d
Warning: Swoole\Server::sendMessage(): worker_id[-1] is invalid in SERVER on line %d
Warning: Swoole\Server::sendMessage(): worker_id[3] is invalid in SERVER on line %d
bool(false)
bool(false)
bool(false)
bool(true)
bool(true)
bool(true)
md5 %s
--- server exit 0 ---

Warning: Swoole\Server::sendMessage(): onPipeMessage is null, can't use sendMessage in %s on line %d
bool(false)

--TEST--
stats() inside onReceive counts like Swoole 6.1.7: idle_worker_num excludes the busy caller, user_worker_num counts addProcess() processes, task_idle_worker_num the idle task workers
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "task_worker_num" => 1]);
$s->addProcess(new Swoole\Process(function () {}));
$s->on("Task", function () {});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $st = $s->stats();
    $s->send($fd, json_encode([$st["worker_num"], $st["idle_worker_num"], $st["user_worker_num"], $st["task_worker_num"], $st["task_idle_worker_num"]]));
});
$s->start();
');
wait_children(server_pid($h), 4);
usleep(200000);
$c = client($h['port']);
fwrite($c, "x");
echo fread($c, 100), "\n";
stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
[2,1,1,1,1]
exit 0

--TEST--
WorkerExit: a stopping worker that still has timers keeps running them and fires WorkerExit repeatedly until they are cleared, then WorkerStop; without timers (or without the callback) it goes straight to WorkerStop; in task workers too
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 1]);
$s->on("Task", function () {});
$s->on("Receive", function () {});
$exits = 0;
$s->on("WorkerStart", function ($s, $id) {
    Swoole\Timer::tick(15, function () use ($id) { echo "tick $id\n"; });
    if ($id == 0) Swoole\Timer::after(120, fn() => $s->shutdown());
});
$s->on("WorkerExit", function ($s, $id) use (&$exits) {
    echo "WorkerExit $id\n";
    if (++$exits >= 3) Swoole\Timer::clearAll();
});
$s->on("WorkerStop", function ($s, $id) use (&$exits) { echo "WorkerStop $id after $exits WorkerExit\n"; });
$s->start();
', ['no_wait' => false]);
wait_server($h, 10);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
foreach ([0, 1] as $id) {
    $lines = array_values(preg_grep("/^(tick|WorkerExit|WorkerStop) $id\b/", explode("\n", $out)));
    $firstExit = array_search("WorkerExit $id", $lines);
    $stop = count($lines) - 1;
    echo "worker $id: ", $lines[$stop], "; ticks before WorkerExit: ", $firstExit > 0 ? "yes" : "no",
        "; last line is WorkerStop: ", str_starts_with($lines[$stop], "WorkerStop") ? "yes" : "no", "\n";
}
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function () {});
$s->on("WorkerStart", function ($s) { Swoole\Timer::after(50, fn() => $s->shutdown()); });
$s->on("WorkerExit", function ($s, $id) { echo "WorkerExit $id\n"; });
$s->on("WorkerStop", function ($s, $id) { echo "WorkerStop $id\n"; });
$s->start();
');
wait_server($h, 10);
show_server($h);
?>
--EXPECT--
exit 0
worker 0: WorkerStop 0 after 3 WorkerExit; ticks before WorkerExit: yes; last line is WorkerStop: yes
worker 1: WorkerStop 1 after 3 WorkerExit; ticks before WorkerExit: yes; last line is WorkerStop: yes
--- server exit 0 ---
WorkerStop 0

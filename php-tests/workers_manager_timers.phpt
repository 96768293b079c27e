--TEST--
worker_num=2: Swoole\Timer tick/after created in onManagerStart fire in the manager while it supervises; workers do not inherit them; they are cleared at ManagerStop
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("ManagerStart", function ($s) {
    $n = 0;
    Swoole\Timer::tick(50, function ($id) use (&$n, $s) {
        $n++;
        echo "tick $n in ", getmypid() === $s->getManagerPid() ? "manager" : "elsewhere", "\n";
        if ($n === 3) { Swoole\Timer::clear($id); }
    });
    Swoole\Timer::after(80, function ($a) { echo "after $a\n"; }, "x");
    Swoole\Timer::tick(10000, function () { echo "never\n"; });
});
// One write per line: both workers print at once, and echo with commas writes per argument.
$s->on("WorkerStart", function ($s, $id) { echo "worker $id timers: " . count(Swoole\Timer::list()) . "\n"; });
$s->on("ManagerStop", function ($s) { echo "ManagerStop timers: ", count(Swoole\Timer::list()), "\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown timers: ", count(Swoole\Timer::list()), "\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {});
$s->start();
');
var_dump(wait_for_output($h, "tick 3"));
// Both workers started (on a loaded machine that can come after the manager's ticks).
wait_for_output($h, "worker 0 timers", 10.0);
wait_for_output($h, "worker 1 timers", 10.0);
usleep(300000);
$out = stop_server($h);
$lines = explode("\n", trim($out));
foreach (["tick 1 in manager", "tick 2 in manager", "tick 3 in manager", "after x", "worker 0 timers: 0", "worker 1 timers: 0", "ManagerStop timers: 1", "Shutdown timers: 0"] as $l) {
    echo "$l: ", count(array_keys($lines, $l)), "\n";
}
echo "tick 4: ", count(preg_grep("/^tick 4/", $lines)), ", never: ", count(array_keys($lines, "never")), "\n";
echo "exit {$h['exit']}\n";
?>
--EXPECT--
bool(true)
tick 1 in manager: 1
tick 2 in manager: 1
tick 3 in manager: 1
after x: 1
worker 0 timers: 0: 1
worker 1 timers: 0: 1
ManagerStop timers: 1: 1
Shutdown timers: 0: 1
tick 4: 0, never: 0
exit 0

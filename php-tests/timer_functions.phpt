--TEST--
swoole_timer_* functions behave like Swoole\Timer; timers created before start() warn and return false
--FILE--
<?php
require __DIR__ . '/_helper.php';
var_dump(Swoole\Timer::tick(10, function () {}));
var_dump(swoole_timer_after(10, function () {}));
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
var_dump(Swoole\Timer::after(10, function () {}));
var_dump(swoole_timer_tick(10, function () {}));
$s->on("WorkerStart", function ($s, $wid) {
    $n = 0;
    $id = swoole_timer_tick(15, function ($tid, $p) use (&$n, $s) {
        $n++;
        echo "tick $n $p\n";
        if ($n === 2) {
            var_dump(swoole_timer_clear($tid), swoole_timer_exists($tid));
            swoole_timer_after(20, function ($a, $b) use ($s) {
                echo "after $a $b\n";
                var_dump(swoole_timer_list());
                swoole_timer_tick(1000, function () {});
                var_dump(count(swoole_timer_list()), swoole_timer_clear_all(), swoole_timer_list());
                $s->shutdown();
            }, "p", "q");
        }
    }, "param");
    var_dump(swoole_timer_exists($id), swoole_timer_list() === [$id]);
});
$s->on("Receive", function ($s, $fd, $rid, $data) {});
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
');
wait_server($h);
show_server($h);
?>
--EXPECTF--
Warning: Swoole\Timer::tick(): timers need a running server: create them in onWorkerStart or another server callback in %s on line %d
bool(false)

Warning: swoole_timer_after(): timers need a running server: create them in onWorkerStart or another server callback in %s on line %d
bool(false)
--- server exit 0 ---

Warning: Swoole\Timer::after(): timers need a running server: create them in onWorkerStart or another server callback in SERVER on line %d
bool(false)

Warning: swoole_timer_tick(): timers need a running server: create them in onWorkerStart or another server callback in SERVER on line %d
bool(false)
bool(true)
bool(true)
tick 1 param
tick 2 param
bool(true)
bool(false)
after p q
array(0) {
}
int(1)
bool(true)
array(0) {
}
Shutdown

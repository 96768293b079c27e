--TEST--
Swoole\Timer inside the server: tick/after with params, clear, exists, list, clearAll; a timer may shut the server down
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("WorkerStart", function ($s, $wid) {
    $n = 0;
    $id = Swoole\Timer::tick(20, function ($tid, $a, $b) use (&$n, &$id) {
        $n++;
        echo "tick $n ", $tid === $id ? "same id" : "other id", " $a $b\n";
        if ($n === 3) {
            var_dump(Swoole\Timer::clear($tid));
            var_dump(Swoole\Timer::exists($tid), Swoole\Timer::clear($tid));
        }
    }, "x", "y");
    var_dump(is_int($id) && $id > 0, Swoole\Timer::exists($id), Swoole\Timer::exists(123456));
    $once = Swoole\Timer::after(10, function (...$args) {
        echo "after ", json_encode($args), "\n";
    }, 1, "two");
    var_dump(in_array($id, Swoole\Timer::list(), true), in_array($once, Swoole\Timer::list(), true));
    Swoole\Timer::after(300, function () use ($s) {
        echo "list: ", json_encode(Swoole\Timer::list()), "\n";
        $t1 = Swoole\Timer::tick(1000, function () { echo "never\n"; });
        $t2 = Swoole\Timer::after(1000, function () { echo "never\n"; });
        var_dump(count(Swoole\Timer::list()));
        var_dump(Swoole\Timer::clearAll());
        var_dump(Swoole\Timer::list(), Swoole\Timer::exists($t1), Swoole\Timer::exists($t2));
        Swoole\Timer::after(50, function () use ($s) {
            echo "shutting down\n";
            $s->shutdown();
        });
    });
});
$s->on("Receive", function ($s, $fd, $rid, $data) {});
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
var_dump($s->start());
');
wait_server($h);
show_server($h);
?>
--EXPECT--
--- server exit 0 ---
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
after [1,"two"]
tick 1 same id x y
tick 2 same id x y
tick 3 same id x y
bool(true)
bool(false)
bool(false)
list: []
int(2)
bool(true)
array(0) {
}
bool(false)
bool(false)
shutting down
WorkerStop
Shutdown
bool(true)

--TEST--
Table chaos: worker 0 runs a set()/incr() loop on shared rows and is SIGKILLed in the middle of it; the other worker keeps reading and writing those rows, no row is ever torn, and the replacement worker resumes writing them
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$t = new Swoole\Table(64, 0.2);
$t->column("a", Swoole\Table::TYPE_INT);
$t->column("b", Swoole\Table::TYPE_STRING, 24);
$t->column("n", Swoole\Table::TYPE_INT);
$t->create();
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $wid) use ($t) {
    echo "WorkerStart $wid " . getmypid() . "\n";
    if ($wid !== 0) return;
    // Writers: a and b always agree, so a torn row would show.
    $i = 0;
    Swoole\Timer::tick(1, function () use ($t, &$i) {
        for ($j = 0; $j < 2000; $j++, $i++) {
            $t->set("k" . ($i % 16), ["a" => $i, "b" => "v" . $i]);
            $t->incr("hits", "n");
        }
        $t->set("writer", ["a" => getmypid()]);
    });
});
$s->on("Receive", function ($s, $fd, $rid, $data) use ($t) {
    $torn = 0;
    for ($k = 0; $k < 16; $k++) {
        $r = $t->get("k$k");
        if ($r !== false && $r["b"] !== "v" . $r["a"]) $torn++;
        $t->set("r$k", ["a" => $k, "b" => "v$k"]);
        $t->incr("reader", "n");
    }
    $s->send($fd, getmypid() . " " . $s->getWorkerId() . " torn=$torn hits=" . $t->get("hits", "n") . " writer=" . $t->get("writer", "a") . "\n");
});
$s->start();
');
wait_for_output($h, "WorkerStart 0"); wait_for_output($h, "WorkerStart 1");
preg_match('/WorkerStart 0 (\d+)/', file_get_contents($h['out']), $m);
$victim = (int)$m[1];
$ask = function () use ($h) {
    $c = client($h['port'], 5);
    fwrite($c, "x");
    $l = trim((string)fgets($c));
    fclose($c);
    return sscanf($l, "%d %d torn=%d hits=%d writer=%d");
};
// Let the loop run, then kill it mid-loop (it spends most of its time inside set()/incr()).
do { [, , , $hits] = $ask(); } while ($hits < 20000);
kill_pid($victim, 9);
$served = 0; $torn = 0; $hits0 = null;
for ($i = 0; $i < 20; $i++) {
    [$pid, $wid, $t, $hits, $writer] = $ask();
    if ($pid) { $served++; $torn += $t; }
}
echo "after the kill, requests served: ", $served === 20 ? "all" : $served, ", torn rows: $torn\n";
// The replacement worker 0 writes the same rows again.
$deadline = microtime(true) + 20;
do { [$pid, $wid, $t, $hits, $writer] = $ask(); $torn += $t; } while (($writer === $victim || !$writer) && microtime(true) < $deadline && usleep(20000) === null);
echo "replacement writer took over: ", $writer && $writer !== $victim ? "yes" : "no", "\n";
$before = $hits;
usleep(200000);
[, , $t, $hits] = $ask();
echo "its writes continue: ", $hits > $before ? "yes" : "no", ", torn rows overall: ", $torn + $t, "\n";
show_server($h);
?>
--EXPECTF--
after the kill, requests served: all, torn rows: 0
replacement writer took over: yes
its writes continue: yes, torn rows overall: 0
--- server exit 0 ---
%A

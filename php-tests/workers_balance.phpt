--TEST--
worker_num=2: 200 long-lived connections are spread across both workers (a worker holding clearly more than its share lets the other accept first)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $id) { echo "ready $id\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, (string)$s->getWorkerId()); });
$s->start();
');
// Both workers in their loops first: one still starting under load leaves the other every
// connection, which is not what this measures.
if (!wait_for_output($h, "ready 0") || !wait_for_output($h, "ready 1")) echo "workers not ready\n";
$n = [0, 0]; $cs = [];
for ($i = 0; $i < 200; $i++) {
    $c = client($h['port']);
    fwrite($c, "x");
    $n[(int)fread($c, 10)]++;
    $cs[] = $c;
}
echo "each worker holds at least 30%: ", var_export(min($n) >= 60, true), "\n";
if (min($n) < 60) { echo json_encode($n), "\n"; }
$out = stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
each worker holds at least 30%: true
exit 0

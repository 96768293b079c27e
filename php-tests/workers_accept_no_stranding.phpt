--TEST--
worker_num=2: a worker above its fair share leaves new connections to the other, but takes them itself when the other is stuck in a callback (nothing waits for the stuck worker)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "sleep") { sleep(4); return; }
    $s->send($fd, $s->getWorkerId() . "\n");
});
$s->start();
');
wait_children(server_pid($h), 2);
$by = [0 => [], 1 => []];
for ($i = 0; $i < 40; $i++) {
    $c = client($h['port']);
    fwrite($c, "who");
    $by[(int)fgets($c)][] = $c;
}
// Make worker 1 hold a single connection and worker 0 the rest: worker 0 is now far above
// its share, so it lets new connections go to worker 1 first.
$busy = count($by[0]) >= count($by[1]) ? 0 : 1;
$idle = 1 - $busy;
while (count($by[$idle]) > 1) { fclose(array_pop($by[$idle])); }
usleep(200000);
// Worker $idle gets stuck in a callback.
fwrite($by[$idle][0], "sleep");
usleep(200000);
$t = microtime(true);
$served = [];
for ($i = 0; $i < 5; $i++) {
    $c = client($h['port']);
    fwrite($c, "who");
    $served[] = trim((string)fgets($c));
}
$took = microtime(true) - $t;
echo "new connections served by the busy but responsive worker: ", var_export($served === array_fill(0, 5, (string)$busy), true), "\n";
echo "without waiting for the stuck worker: ", var_export($took < 2.0, true), "\n";
stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
new connections served by the busy but responsive worker: true
without waiting for the stuck worker: true
exit 0

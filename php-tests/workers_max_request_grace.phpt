--TEST--
max_request_grace: with max_request=20 the grace defaults to 10, so each worker handles between 20 and 30 requests before it is recycled; max_request_grace=0 makes it exactly max_request
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach (['', ', "max_request_grace" => 0'] as $extra) {
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["max_request" => 20' . $extra . ']);
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, (string)getmypid()); });
$s->start();
');
    $runs = []; $last = 0;
    for ($i = 0; $i < 130; $i++) {
        $c = client($h['port']);
        fwrite($c, "x");
        $pid = (int)fread($c, 100);
        fclose($c);
        if ($pid !== $last) { $runs[] = 0; $last = $pid; }
        $runs[count($runs) - 1]++;
    }
    array_pop($runs); // the last worker is still running
    $sizes = array_unique($runs);
    sort($sizes);
    $ok = count($runs) >= 4 && min($runs) >= 20 && max($runs) <= ($extra ? 20 : 30);
    echo "grace", $extra ? " 0" : " default", ": ", $ok ? "ok" : "bad " . implode(",", $runs), "\n";
    stop_server($h);
    echo "exit {$h['exit']}\n";
}
?>
--EXPECT--
grace default: ok
exit 0
grace 0: ok
exit 0

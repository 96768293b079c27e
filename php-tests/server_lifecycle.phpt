--TEST--
Server lifecycle: Start, WorkerStart, Connect/Receive/Close per connection; SIGTERM closes open connections (rid -1), WorkerStop, Shutdown, start() returns true
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Start", function ($s) { echo "Start\n"; });
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid\n"; });
$s->on("Connect", function ($s, $fd, $rid) { echo "Connect $fd $rid\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $rid $data\n";
    $s->send($fd, "ok:$data");
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop $wid\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$r = $s->start();
echo "start() returned ", var_export($r, true), "\n";
echo "script continues\n";
');
$c1 = client($h['port']);
fwrite($c1, "a");
var_dump(recv_exact($c1, 4));
fwrite($c1, "b");
var_dump(recv_exact($c1, 4));
$c2 = client($h['port']);
fwrite($c2, "c");
var_dump(recv_exact($c2, 4));
$c3 = client($h['port']);
fwrite($c3, "d");
var_dump(recv_exact($c3, 4));
fclose($c1);
var_dump(wait_for_output($h, "Close 1 0"));
show_server($h, SIGTERM);
var_dump(sees_eof($c2), sees_eof($c3));
?>
--EXPECT--
string(4) "ok:a"
string(4) "ok:b"
string(4) "ok:c"
string(4) "ok:d"
bool(true)
--- server exit 0 ---
Start
WorkerStart 0
Connect 1 0
Receive 1 0 a
Receive 1 0 b
Connect 2 0
Receive 2 0 c
Connect 3 0
Receive 3 0 d
Close 1 0
Close 2 -1
Close 3 -1
WorkerStop 0
Shutdown
start() returned true
script continues
bool(true)
bool(true)

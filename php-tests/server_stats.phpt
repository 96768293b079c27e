--TEST--
Server::stats(): real connection, accept, close, request and byte counts
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) {
    if ($fd !== 3) {
        return;
    }
    $st = $s->stats();
    foreach (["start_time", "connection_num", "accept_count", "close_count", "request_count", "total_recv_bytes", "total_send_bytes"] as $k) {
        if (!array_key_exists($k, $st)) {
            echo "missing $k\n";
        }
    }
    var_dump(array_key_first($st));
    var_dump(is_int($st["start_time"]) && abs($st["start_time"] - time()) <= 5);
    foreach (["connection_num", "accept_count", "close_count", "request_count", "total_recv_bytes"] as $k) {
        echo "$k=", $st[$k], "\n";
    }
    $s->send($fd, "ok");
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, "ok");
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
var_dump($s->stats());
$s->start();
');
$c1 = client($h['port']);
$c2 = client($h['port']);
fwrite($c1, "a");
recv_exact($c1, 2);
fwrite($c2, "bb");
recv_exact($c2, 2);
fwrite($c1, "ccc");
recv_exact($c1, 2);
fclose($c1);
var_dump(wait_for_output($h, "Close 1 0"));
$c3 = client($h['port']);
var_dump(recv_exact($c3, 2));
show_server($h);
?>
--EXPECTF--
bool(true)
string(2) "ok"
--- server exit 0 ---

Warning: Swoole\Server::stats(): server is not running in SERVER on line %d
bool(false)
Close 1 0
string(10) "start_time"
bool(true)
connection_num=2
accept_count=3
close_count=1
request_count=3
total_recv_bytes=6
Close 2 -1
Close 3 -1

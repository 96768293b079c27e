--TEST--
$server->shutdown() from a callback: graceful stop like SIGTERM; start() again afterwards warns and returns false
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid\n"; });
$s->on("Connect", function ($s, $fd, $rid) { echo "Connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    if ($data === "stop") {
        var_dump($s->shutdown());
        echo "after shutdown()\n";
    } else {
        $s->send($fd, "ok");
    }
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop $wid\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
var_dump($s->start());
echo "start() returned\n";
var_dump($s->start());
echo "end of script\n";
');
$c1 = client($h['port']);
fwrite($c1, "x");
var_dump(recv_exact($c1, 2));
$c2 = client($h['port']);
fwrite($c2, "stop");
var_dump(sees_eof($c1), sees_eof($c2));
wait_server($h);
show_server($h);
?>
--EXPECTF--
string(2) "ok"
bool(true)
bool(true)
--- server exit 0 ---
WorkerStart 0
Connect 1
Receive 1 x
Connect 2
Receive 2 stop
bool(true)
after shutdown()
Close 1 -1
Close 2 -1
WorkerStop 0
Shutdown
bool(true)
start() returned

Warning: Swoole\Server::start(): The server have been shutdown, unable to execute Swoole\Server->start() in SERVER on line %d
bool(false)
end of script

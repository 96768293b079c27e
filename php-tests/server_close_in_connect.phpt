--TEST--
Server::close() inside onConnect: the client sees EOF, onClose fires once; the next client is served normally
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) {
    echo "Connect $fd\n";
    if ($fd === 1) {
        var_dump($s->close($fd));
        var_dump($s->exists($fd));
    }
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    $s->send($fd, "ok");
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->start();
');
$c1 = client($h['port']);
var_dump(sees_eof($c1));
@fwrite($c1, "ignored");
fclose($c1);
$c2 = client($h['port']);
fwrite($c2, "hi");
var_dump(recv_exact($c2, 2));
fclose($c2);
var_dump(wait_for_output($h, "Close 2 0"));
usleep(100000);
show_server($h);
?>
--EXPECT--
bool(true)
string(2) "ok"
bool(true)
--- server exit 0 ---
Connect 1
Close 1 -1
bool(true)
bool(false)
Connect 2
Receive 2 hi
Close 2 0

--TEST--
Server::close(): onClose runs synchronously inside close() with reactor id -1; closing twice returns false; a client close fires onClose once with reactor id 0
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) { echo "Connect $fd $rid\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    if ($data === "close") {
        echo "before close\n";
        var_dump($s->close($fd));
        echo "after close\n";
        var_dump($s->close($fd));
        var_dump($s->send($fd, "too late"));
    } else {
        $s->send($fd, "ok");
    }
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->start();
');
$c1 = client($h['port']);
fwrite($c1, "close");
var_dump(sees_eof($c1));
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
Connect 1 0
Receive 1 close
before close
Close 1 -1
bool(true)
after close
bool(false)
bool(false)
Connect 2 0
Receive 2 hi
Close 2 0

--TEST--
Exceptions in onConnect and in onClose (run inside close()) are reported naming the event and fd; the server keeps running
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) {
    echo "Connect $fd\n";
    if ($fd === 1) {
        throw new LogicException("in connect");
    }
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    if ($data === "close") {
        var_dump($s->close($fd));
        echo "after close\n";
    } else {
        $s->send($fd, "ok");
    }
});
$s->on("Close", function ($s, $fd, $rid) {
    echo "Close $fd $rid\n";
    if ($fd === 2) {
        throw new Exception("in close");
    }
});
$s->start();
echo "start() returned\n";
');
$c1 = client($h['port']);
var_dump(sees_eof($c1));
$c2 = client($h['port']);
fwrite($c2, "close");
var_dump(sees_eof($c2));
$c3 = client($h['port']);
fwrite($c3, "hi");
var_dump(recv_exact($c3, 2));
show_server($h);
?>
--EXPECTF--
bool(true)
bool(true)
string(2) "ok"
--- server exit 0 ---
Connect 1

Warning: Swoole\Server::start(): onConnect (fd 1) threw an uncaught exception; the server keeps running (details follow) in SERVER on line %d

Warning: Uncaught LogicException: in connect in SERVER:%d
Stack trace:
%A
Close 1 %i
Connect 2
Receive 2 close
Close 2 -1

Warning: Swoole\Server::close(): onClose (fd 2) threw an uncaught exception; the server keeps running (details follow) in SERVER on line %d

Warning: Uncaught Exception: in close in SERVER:%d
Stack trace:
%A
bool(true)
after close
Connect 3
Receive 3 hi
Close 3 -1
start() returned

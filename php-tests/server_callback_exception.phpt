--TEST--
An exception thrown in onReceive is reported (naming onReceive and the fd) at warning level, closes only that connection, and the server keeps serving
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) { echo "Connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    if ($data === "boom") {
        throw new RuntimeException("boom");
    }
    $s->send($fd, "ok:$data");
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
echo "start() returned\n";
');
$c0 = client($h['port']);
fwrite($c0, "first");
var_dump(recv_exact($c0, 8));
$c1 = client($h['port']);
fwrite($c1, "boom");
var_dump(sees_eof($c1));
var_dump(wait_for_output($h, "Close 2"));
$c2 = client($h['port']);
fwrite($c2, "hello");
var_dump(recv_exact($c2, 8));
fwrite($c0, "still");
var_dump(recv_exact($c0, 8));
show_server($h);
?>
--EXPECTF--
string(8) "ok:first"
bool(true)
bool(true)
string(8) "ok:hello"
string(8) "ok:still"
--- server exit 0 ---
Connect 1
Receive 1 first
Connect 2
Receive 2 boom

Warning: Swoole\Server::start(): onReceive (fd 2) threw an uncaught exception; the server keeps running (details follow) in SERVER on line %d

Warning: Uncaught RuntimeException: boom in SERVER:%d
Stack trace:
#0 [internal function]: {closure}(Object(Swoole\Server), 2, 0, 'boom')
#1 SERVER(%d): Swoole\Server->start()
#2 {main}
  thrown in SERVER on line %d
Close 2 %i
Connect 3
Receive 3 hello
Receive 1 still
Close 1 -1
Close 3 -1
WorkerStop
Shutdown
start() returned

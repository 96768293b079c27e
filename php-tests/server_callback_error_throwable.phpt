--TEST--
An uncaught Error (e.g. undefined function) in onReceive is a Throwable: it costs that connection only
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "bad") no_such_function_here();
    $s->send($fd, "ok");
});
$s->on("Close", function ($s, $fd, $rid) { echo "close $fd rid=$rid\n"; });
$s->start();
echo "start() returned\n";
PHP);
$bad = client($h['port']);
$good = client($h['port']);
fwrite($bad, "bad");
var_dump(sees_eof($bad));
fwrite($good, "x");
var_dump(recv_exact($good, 2));
show_server($h);
?>
--EXPECTF--
bool(true)
string(2) "ok"
--- server exit 0 ---

Warning: Swoole\Server::start(): onReceive (fd 1) threw an uncaught exception; the server keeps running (details follow) in SERVER on line %d

Warning: Uncaught Error: Call to undefined function no_such_function_here() in SERVER:%d
Stack trace:
#0 [internal function]: {closure}(Object(Swoole\Server), 1, 0, 'bad')
#1 SERVER(%d): Swoole\Server->start()
#2 {main}
  thrown in SERVER on line %d
close 1 rid=0
close 2 rid=-1
start() returned

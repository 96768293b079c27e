--TEST--
Ports: Port::on() overrides Connect/Receive/Close/BufferFull/BufferEmpty for that port, other events fall back to the server's; getCallback(); unknown events warn; a stream port without any onReceive is Swoole's fatal error
--FILE--
<?php
require __DIR__ . '/_helper.php';
$s = new Swoole\Server('127.0.0.1', 0);
$p = $s->listen('127.0.0.1', 0, SWOOLE_SOCK_TCP);
$f = function () {};
var_dump($p->on('Receive', $f), $p->getCallback('receive') === $f, $p->getCallback('close'), $s->getCallback('receive'));
var_dump($p->on('start', $f));
var_dump($p->on('receive', 'no_such_function'));
$s->ports[0]->on('connect', $f);
var_dump($s->getCallback('connect') === $f);

$p2 = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["socket_buffer_size" => 4 << 20]);
$admin = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$admin->set(["buffer_high_watermark" => 64 << 10]);
$s->on("Connect", function ($s, $fd) { echo "server connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $d) { $s->send($fd, "server:$d"); });
$s->on("Close", function ($s, $fd) { echo "server close $fd\n"; });
$admin->on("Receive", function ($s, $fd, $rid, $d) {
    if ($d === "big") { $s->send($fd, str_repeat("x", 16 << 20)); return; }
    $s->send($fd, "admin:$d");
});
$admin->on("Close", function ($s, $fd) { echo "admin close $fd\n"; });
$admin->on("BufferFull", function ($s, $fd) { echo "admin bufferfull $fd\n"; });
$admin->on("BufferEmpty", function ($s, $fd) { echo "admin bufferempty $fd\n"; });
$s->on("BufferFull", function ($s, $fd) { echo "server bufferfull $fd\n"; });
$s->start();
');
$a = client($h['port']);
fwrite($a, "hi");
echo fread($a, 100), "\n";
$b = client($p2);
fwrite($b, "hi");
echo fread($b, 100), "\n";
fwrite($b, "big");
usleep(300000);
echo strlen(recv_exact($b, 16 << 20)), "\n";
fclose($a);
wait_for_output($h, "server close 1");
fclose($b);
wait_for_output($h, "admin close 2");
show_server($h);

$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$p = $s->listen("127.0.0.1", 0, SWOOLE_SOCK_TCP);
$p->on("Receive", function () {});
$s->start();
', ['no_wait' => true]);
wait_server($h);
show_server($h);
?>
--EXPECTF--
bool(true)
bool(true)
NULL
NULL

Warning: Swoole\Server\Port::on(): unknown event types[start] in %s on line %d
bool(false)

Warning: Swoole\Server\Port::on(): function 'no_such_function' is not callable in %s on line %d
bool(false)
bool(true)
server:hi
admin:hi
16777216
--- server exit 0 ---
server connect 1
server connect 2
admin bufferfull 2
admin bufferempty 2
server close 1
admin close 2
--- server exit 255 ---

Fatal error: Swoole\Server::start(): require onReceive callback in SERVER on line %d

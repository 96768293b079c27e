--TEST--
start() without a Receive callback is a fatal error "require onReceive callback" (exit code 255)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) {});
echo "before start\n";
$s->start();
echo "not reached\n";
');
wait_server($h);
show_server($h);
?>
--EXPECTF--
--- server exit 255 ---
before start

Fatal error: Swoole\Server::start(): require onReceive callback in SERVER on line %d

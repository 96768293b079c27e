--TEST--
Runtime-only methods warn "server is not running" before start(); set()/on()/start() warn while running; send() to fd <= 0 warns
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
var_dump($s->shutdown());
var_dump($s->close(1));
var_dump($s->pause(1));
var_dump($s->exists(1));
var_dump($s->getClientInfo(1));
var_dump($s->getClientList());
$s->on("WorkerStart", function ($s) {
    var_dump($s->set(["backlog" => 1]));
    var_dump($s->on("Connect", function () {}));
    var_dump($s->start());
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    var_dump($s->send(0, "x"), $s->send(-1, "x"));
    $s->send($fd, "ok");
});
$s->start();
');
$c = client($h['port']);
fwrite($c, "hi");
var_dump(recv_exact($c, 2));
show_server($h);
?>
--EXPECTF--
string(2) "ok"
--- server exit 0 ---
bool(false)

Warning: Swoole\Server::close(): server is not running in SERVER on line %d
bool(false)

Warning: Swoole\Server::pause(): server is not running in SERVER on line %d
bool(false)

Warning: Swoole\Server::exists(): server is not running in SERVER on line %d
bool(false)

Warning: Swoole\Server::getClientInfo(): server is not running in SERVER on line %d
bool(false)

Warning: Swoole\Server::getClientList(): server is not running in SERVER on line %d
bool(false)

Warning: Swoole\Server::set(): server is running, unable to execute Swoole\Server->set in SERVER on line %d
bool(false)

Warning: Swoole\Server::on(): server is running, unable to register event callback function in SERVER on line %d
bool(false)

Warning: Swoole\Server::start(): The server is running, unable to execute Swoole\Server->start() in SERVER on line %d
bool(false)

Warning: Swoole\Server::send(): invalid fd[0] in SERVER on line %d

Warning: Swoole\Server::send(): invalid fd[-1] in SERVER on line %d
bool(false)
bool(false)

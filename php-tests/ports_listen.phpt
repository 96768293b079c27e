--TEST--
Ports: listen()/addlistener() return a Swoole\Server\Port in $server->ports (port 0 picks a free port), false with a warning on bind failure or after start; getClientInfo() reports each port's server_port and server_fd
--FILE--
<?php
require __DIR__ . '/_helper.php';
$s = new Swoole\Server('127.0.0.1', 0);
$p = $s->listen('127.0.0.1', 0, SWOOLE_SOCK_TCP);
var_dump($p instanceof Swoole\Server\Port, $p->port > 0 && $p->port !== $s->port, $p->host, $p->type, $p->sock > 2, $p->ssl, $p->setting);
$q = $s->addlistener('::1', 0, SWOOLE_SOCK_TCP6);
var_dump($q->type, $q->host, $q->port > 0);
var_dump(count($s->ports), $s->ports[0]->port === $s->port, $s->ports[1] === $p, $s->ports[2] === $q);
var_dump($s->listen('192.0.2.1', 80, SWOOLE_SOCK_TCP), swoole_last_error());
var_dump($s->listen('127.0.0.1', 70000, SWOOLE_SOCK_TCP), swoole_last_error());
var_dump(count($s->ports));
try { new Swoole\Server\Port(); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }

$p2 = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$p = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$extra = $s->listen("127.0.0.1", 0, SWOOLE_SOCK_TCP);
echo "extra=", $extra->port, "\n";
$s->on("WorkerStart", function ($s) { var_dump($s->listen("127.0.0.1", 0, SWOOLE_SOCK_TCP), swoole_last_error()); });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $i = $s->getClientInfo($fd);
    $n = -1;
    foreach ($s->ports as $k => $port) { if ($port->port === $i["server_port"]) { $n = $k; $ok = $port->sock === $i["server_fd"]; } }
    $s->send($fd, "port#$n fd-ok=" . var_export($ok, true) . " type=" . $i["socket_type"] . "\n");
});
$s->start();
');
$extra = (int)server_value($h, 'extra=');
foreach ([$h['port'], $p2, $extra] as $port) {
    $c = client($port);
    fwrite($c, "hi");
    echo fgets($c);
}
show_server($h);
?>
--EXPECTF--
bool(true)
bool(true)
string(9) "127.0.0.1"
int(1)
bool(true)
bool(false)
NULL
int(3)
string(3) "::1"
bool(true)
int(3)
bool(true)
bool(true)
bool(true)

Warning: Swoole\Server::listen(): failed to listen server port[192.0.2.1:80], Error: Cannot assign requested address[99] in %s on line %d
bool(false)
int(99)

Warning: Swoole\Server::listen(): failed to listen server port[127.0.0.1:70000], Error: invalid port [70000] in %s on line %d
bool(false)
int(9004)
int(3)
Error: please use the Swoole\Server->listen method
port#0 fd-ok=true type=1
port#1 fd-ok=true type=1
port#2 fd-ok=true type=1
--- server exit 0 ---
extra=%d

Warning: Swoole\Server::listen(): server is running, cannot add listener in SERVER on line %d
bool(false)
int(503)

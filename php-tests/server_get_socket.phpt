--TEST--
getSocket(): a listening socket as an ext-sockets Socket (server port, an extra UDP port by number, Port::getSocket()), the same socket as the server's (an option set through one is read through another), closing it leaves the server serving; false with a warning without ext-sockets, for an unknown port, and in a task worker (which holds no listener)
--SKIPIF--
<?php if (!is_file(ini_get('extension_dir') . '/sockets.so') && !is_file(PHP_EXTENSION_DIR . '/sockets.so')) die('skip needs the sockets extension (sockets.so)'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
// This process runs without ext-sockets.
$s = new Swoole\Server('127.0.0.1', 0);
var_dump($s->getSocket());
$udp = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$u = $s->listen("127.0.0.1", ' . $udp . ', SWOOLE_SOCK_UDP);
$s->set(["worker_num" => 1, "task_worker_num" => 1]);
$a = $s->getSocket();
socket_getsockname($a, $host, $port);
echo "before start: ", get_class($a), " $host:", $port === $PORT ? "PORT" : $port, "\n";
$s->on("WorkerStart", function ($s, $id) {
    if ($s->taskworker) return;
    $a = $s->getSocket();
    $b = $s->getSocket(' . $udp . ');
    $c = $s->ports[1]->getSocket();
    socket_getsockname($b, $h1, $p1);
    socket_getsockname($c, $h2, $p2);
    echo "udp by number: ", $p1 === ' . $udp . ' ? "ok" : $p1, ", Port::getSocket(): ", $p2 === ' . $udp . ' ? "ok" : $p2, ", type ", socket_get_option($c, SOL_SOCKET, SO_TYPE) === SOCK_DGRAM ? "SOCK_DGRAM" : "?", "\n";
    echo "listening: ", var_export(socket_get_option($a, SOL_SOCKET, 30 /* SO_ACCEPTCONN */) === 1, true), "\n";
    // One socket: an option set through one object is seen through another.
    socket_set_option($b, SOL_SOCKET, SO_BROADCAST, 1);
    echo "SO_BROADCAST through the other object: ", socket_get_option($c, SOL_SOCKET, SO_BROADCAST), "\n";
    var_dump($s->getSocket(1));
    socket_close($a);
    $s->task("t");
    echo "ready\n";
});
// Reported through Finish, by the worker: the task worker\'s own output could come before "ready".
$s->on("Task", function ($s, $tid, $wid, $data) { $r = @$s->getSocket(); return var_export($r, true) . ", " . error_get_last()["message"]; });
$s->on("Finish", function ($s, $tid, $data) { echo "in a task worker: $data\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "echo:$data"); });
$s->on("Packet", function ($s, $data, $addr) { $s->sendto($addr["address"], $addr["port"], "udp:$data"); });
$s->start();
', ['php_args' => ['-d', 'extension=sockets']]);
wait_for_output($h, "ready");
usleep(200000);
$c = client($h['port']);
fwrite($c, "hi");
echo "after socket_close(): ", recv_exact($c, 7), "\n";
$u = udp_client($udp);
fwrite($u, "x");
echo "udp: ", fread($u, 10), "\n";
show_server($h);
?>
--EXPECTF--
Warning: Swoole\Server::getSocket(): getSocket() needs the sockets extension (php.ini: extension=sockets) in %s on line %d
bool(false)
after socket_close(): echo:hi
udp: udp:x
--- server exit 0 ---
before start: Socket 127.0.0.1:PORT
udp by number: ok, Port::getSocket(): ok, type SOCK_DGRAM
listening: true
SO_BROADCAST through the other object: 1

Warning: Swoole\Server::getSocket(): the server has no port 1 in %s on line %d
bool(false)
ready
in a task worker: false, Swoole\Server::getSocket(): the listening socket of port %d is not open in this process

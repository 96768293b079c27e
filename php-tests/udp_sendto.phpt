--TEST--
UDP: sendto($ip, $port, $data, $server_socket) from any callback, through the first UDP/UDP6 port or the one named by $server_socket; Swoole's warnings for a missing listener family, empty data, a stopped server; send() to an address string is false (1005)
--FILE--
<?php
require __DIR__ . '/_helper.php';
[$u1, $u2, $u6] = [free_port(), free_port(), free_port()];
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$a = $s->listen("127.0.0.1", ' . $u1 . ', SWOOLE_SOCK_UDP);
$b = $s->listen("127.0.0.1", ' . $u2 . ', SWOOLE_SOCK_UDP);
$s->on("Packet", function ($s, $d, $ci) { $s->sendto($ci["address"], $ci["port"], "echo:$d", $ci["server_socket"]); });
$s->on("Receive", function ($s, $fd, $rid, $d) use ($b) {
    [$cmd, $port] = explode(" ", trim($d));
    $r = match ($cmd) {
        "first" => $s->sendto("127.0.0.1", (int)$port, "via first"),
        "second" => $s->sendto("127.0.0.1", (int)$port, "via second", $b->sock),
        "v6" => $s->sendto("::1", (int)$port, "x"),
        "empty" => $s->sendto("127.0.0.1", (int)$port, ""),
        "unix" => $s->sendto("/tmp/nowhere.sock", 0, "x"),
        "send" => $s->send("127.0.0.1", "x"),
        "badip" => $s->sendto("not-an-ip", (int)$port, "x"),
        "badport" => $s->sendto("127.0.0.1", 70000, "x"),
    };
    $s->send($fd, json_encode([$r, swoole_last_error()]) . "\n");
});
$s->start();
');
$udp = stream_socket_server('udp://127.0.0.1:0', $errno, $errstr, STREAM_SERVER_BIND);
$uport = (int)substr(strrchr(stream_socket_get_name($udp, false), ':'), 1);
$ctl = client($h['port']);
foreach (['first', 'second'] as $cmd) {
    fwrite($ctl, "$cmd $uport\n");
    echo trim(fgets($ctl)), " ";
    $data = stream_socket_recvfrom($udp, 65536, 0, $from);
    echo $data, " from port ", (int)substr(strrchr($from, ':'), 1) === ($cmd === 'first' ? $u1 : $u2) ? "ok" : "wrong: $from", "\n";
}
foreach (['v6', 'empty', 'unix', 'send', 'badip', 'badport'] as $cmd) {
    fwrite($ctl, "$cmd $uport\n");
    echo $cmd, ": ", trim(fgets($ctl)), "\n";
}
$c = udp_client($u2);
fwrite($c, "ping");
echo fread($c, 100), "\n";
show_server($h);
$s = new Swoole\Server('127.0.0.1', 0, SWOOLE_BASE, SWOOLE_SOCK_UDP);
var_dump($s->sendto('127.0.0.1', 9, 'x'));
?>
--EXPECTF--
[true,0] via first from port ok
[true,0] via second from port ok
v6: [false,505]
empty: [false,550]
unix: [false,505]
send: [false,1005]
badip: [false,505]
badport: [false,9004]
echo:ping
--- server exit 0 ---

Warning: Swoole\Server::sendto(): UDP6 listener has to be added before executing sendto in SERVER on line %d

Warning: Swoole\Server::sendto(): the data sent must not be empty in SERVER on line %d

Warning: Swoole\Server::sendto(): UnixDgram listener has to be added before executing sendto in SERVER on line %d

Warning: Swoole\Server::sendto(): sendto(): invalid address [not-an-ip] in SERVER on line %d

Warning: Swoole\Server::sendto(): sendto(): invalid port [70000] in SERVER on line %d

Warning: Swoole\Server::sendto(): server is not running in %s on line %d
bool(false)

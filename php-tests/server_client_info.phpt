--TEST--
exists()/exist() and getClientInfo()/connection_info(): key order, values, unknown fds, still usable inside onClose
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) use ($PORT) {
    var_dump($s->exists($fd), $s->exist($fd), $s->exists(999), $s->exist(999));
    $i = $s->getClientInfo($fd);
    echo implode(",", array_keys($i)), "\n";
    var_dump($i["remote_ip"], $i["server_port"] === $PORT, $i["reactor_id"], $i["socket_type"]);
    var_dump(is_int($i["remote_port"]) && $i["remote_port"] > 0, is_int($i["socket_fd"]) && $i["socket_fd"] > 0);
    var_dump(is_int($i["server_fd"]) && $i["server_fd"] > 0, $i["socket_fd"] > 2);
    var_dump(is_int($i["connect_time"]) && abs($i["connect_time"] - time()) <= 2);
    var_dump(is_int($i["last_time"]), is_float($i["last_recv_time"]), is_float($i["last_send_time"]), is_float($i["last_dispatch_time"]));
    var_dump($i["last_recv_time"] > 0, $i["close_errno"], $i["recv_queued_bytes"], $i["send_queued_bytes"]);
    $j = $s->connection_info($fd);
    var_dump(array_keys($j) === array_keys($i), $j["remote_port"] === $i["remote_port"]);
    var_dump($s->getClientInfo(999), $s->connection_info(999));
    $s->send($fd, (string)$i["remote_port"]);
    if ($data === "close") {
        $s->close($fd);
        var_dump($s->exists($fd), $s->getClientInfo($fd));
    }
});
$s->on("Close", function ($s, $fd, $rid) {
    $i = $s->getClientInfo($fd);
    echo "Close $fd: ", is_array($i) ? $i["remote_ip"] : "no info", "\n";
});
$s->start();
');
$c = client($h['port']);
$local = (int)substr(strrchr(stream_socket_get_name($c, false), ':'), 1);
fwrite($c, "info");
var_dump((int)recv_exact($c, strlen((string)$local)) === $local);
fwrite($c, "close");
var_dump((int)recv_exact($c, strlen((string)$local)) === $local);
var_dump(sees_eof($c));
show_server($h);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
--- server exit 0 ---
bool(true)
bool(true)
bool(false)
bool(false)
server_port,server_fd,socket_fd,socket_type,remote_port,remote_ip,reactor_id,connect_time,last_time,last_recv_time,last_send_time,last_dispatch_time,close_errno,recv_queued_bytes,send_queued_bytes
string(9) "127.0.0.1"
bool(true)
int(0)
int(1)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(0)
int(0)
int(0)
bool(true)
bool(true)
bool(false)
bool(false)
bool(true)
bool(true)
bool(false)
bool(false)
server_port,server_fd,socket_fd,socket_type,remote_port,remote_ip,reactor_id,connect_time,last_time,last_recv_time,last_send_time,last_dispatch_time,close_errno,recv_queued_bytes,send_queued_bytes
string(9) "127.0.0.1"
bool(true)
int(0)
int(1)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(0)
int(0)
int(0)
bool(true)
bool(true)
bool(false)
bool(false)
Close 1: 127.0.0.1
bool(false)
bool(false)

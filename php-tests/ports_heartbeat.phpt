--TEST--
Ports: heartbeat_check_interval/heartbeat_idle_time set on one port close only that port's idle sessions (once, close_reason heartbeat); heartbeat() uses each session's port idle time; $port->connections counts per port
--FILE--
<?php
require __DIR__ . '/_helper.php';
$p2 = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$hb = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$hb->set(["heartbeat_check_interval" => 0.2, "heartbeat_idle_time" => 0.5]);
$s->on("Receive", function ($s, $fd, $rid, $d) use ($hb) {
    if (trim($d) === "count") {
        $s->send($fd, json_encode([count($s->connections), count($s->ports[0]->connections), count($hb->connections), $s->heartbeat(false)]) . "\n");
        return;
    }
    $s->send($fd, "ok\n");
});
$s->on("Close", function ($s, $fd) { echo "close $fd ", $s->getClientInfo($fd)["close_reason"], " port#", $s->getClientInfo($fd)["server_port"] === $s->port ? 0 : 1, "\n"; });
$s->start();
');
// One at a time, so the session ids are in this order (two ports accept independently).
$idle0 = client($h['port']);
fwrite($idle0, "hi\n");
fgets($idle0);
$idle1 = client($p2);
fwrite($idle1, "hi\n");
fgets($idle1);
$ctl = client($h['port']);
fwrite($ctl, "count\n");
echo fgets($ctl);
var_dump(sees_eof($idle1, 10.0));
usleep(600000);
fwrite($ctl, "count\n");
echo fgets($ctl);
$r = [$idle0]; $w = $e = null;
var_dump(stream_select($r, $w, $e, 0, 300000));
show_server($h);
?>
--EXPECT--
[3,2,1,[]]
bool(true)
[2,2,0,[]]
int(0)
--- server exit 0 ---
close 2 heartbeat port#1
close 1 shutdown port#0
close 3 shutdown port#0

--TEST--
Server: heartbeat closes idle sessions once (close_reason heartbeat), protect() exempts, heartbeat() lists idle fds
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["heartbeat_check_interval" => 0.2, "heartbeat_idle_time" => 0.6]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if (trim($data) === "protect") { $s->protect($fd); $s->send($fd, "ok\n"); return; }
    if (trim($data) === "list") { $s->send($fd, json_encode($s->heartbeat(false)) . "\n"); return; }
});
$s->on("Close", function ($s, $fd, $rid) {
    $info = $s->getClientInfo($fd);
    echo "Close $fd reason=", $info["close_reason"], "\n";
});
$s->start();
');
$idle = client($h['port']);
$prot = client($h['port']);
fwrite($prot, "protect\n");
echo fgets($prot);
var_dump(sees_eof($idle, 10.0));
usleep(1200000);
fwrite($prot, "list\n");
echo "idle list: ", trim(fgets($prot)), "\n";
var_dump(wait_for_output($h, "Close 1 reason=heartbeat"));
show_server($h);
?>
--EXPECT--
ok
bool(true)
idle list: []
bool(true)
--- server exit 0 ---
Close 1 reason=heartbeat
Close 2 reason=shutdown

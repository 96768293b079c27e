--TEST--
worker_num=2: getClientInfo() on a session owned by another worker returns the owner's details (false once closed)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $id) { $GLOBALS["wid"] = $id; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $cmd = explode(" ", trim($data));
    if ($cmd[0] === "id") { $s->send($fd, getmypid() . " $fd " . $GLOBALS["wid"] . "\n"); return; }
    if ($cmd[0] === "info") { $s->send($fd, json_encode($s->getClientInfo((int)$cmd[1])) . "\n"); return; }
});
$s->start();
');
$mgr = server_pid($h);
wait_children($mgr, 2);
$by = [];
for ($i = 0; $i < 60 && count($by) < 2; $i++) {
    $c = client($h['port']);
    fwrite($c, "id");
    [$pid, $fd, $wid] = explode(" ", trim(fgets($c)));
    $by[$pid] ??= [$c, (int)$fd, (int)$wid];
}
var_dump(count($by));
[[$a, $fa, $wa], [$b, $fb, $wb]] = array_values($by);
fwrite($a, "info $fb");
$info = json_decode(fgets($a), true);
$bPort = (int)substr(strrchr(stream_socket_get_name($b, false), ':'), 1);
echo "keys: ", implode(',', array_keys($info)), "\n";
var_dump($info['remote_ip'], $info['remote_port'] === $bPort, $info['reactor_id'] === $wb, $info['server_port'] === $h['port'],
    abs($info['connect_time'] - time()) <= 5, $info['last_recv_time'] > 0);
fclose($b);
// The owner sees the close when it next runs: poll instead of guessing how long that takes.
for ($i = 0; $i < 50; $i++) {
    usleep(100000);
    fwrite($a, "info $fb");
    $after = fgets($a);
    if (trim($after) === "false") break;
}
echo "after close: ", $after;
fclose($a);
show_server($h);
?>
--EXPECT--
int(2)
keys: server_port,server_fd,socket_fd,socket_type,remote_port,remote_ip,reactor_id,connect_time,last_time,last_recv_time,last_send_time,last_dispatch_time,close_errno,recv_queued_bytes,send_queued_bytes
string(9) "127.0.0.1"
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
after close: false
--- server exit 0 ---

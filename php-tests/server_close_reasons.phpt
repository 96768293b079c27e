--TEST--
Server: getClientInfo()['close_reason'] in onClose names why each session ended (peer_closed, peer_reset, server_close, protocol_error, callback_exception, shutdown; worker_exit on reload)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["open_eof_check" => true, "package_eof" => "\n", "package_max_length" => 8192]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $cmd = trim($data);
    if ($cmd === "big") { $s->send($fd, str_repeat("x", 1 << 20)); return; }
    if ($cmd === "close") { $s->close($fd); return; }
    if ($cmd === "throw") { throw new RuntimeException("boom"); }
    $s->send($fd, "ok $fd\n");
});
$s->on("Close", function ($s, $fd, $rid) {
    echo "Close $fd reason=" . $s->getClientInfo($fd)["close_reason"] . "\n";
});
$s->start();
');
$p = $h['port'];
// 1: the client closes.
$c = client($p); fwrite($c, "hi\n"); echo fgets($c); fclose($c);
var_dump(wait_for_output($h, "Close 1 reason="));
// 2: the client closes with unread data in its receive buffer, so its kernel sends an RST.
$c = client($p); fwrite($c, "big\n"); usleep(200000); fclose($c);
var_dump(wait_for_output($h, "Close 2 reason="));
// 3: the server closes.
$c = client($p); fwrite($c, "close\n"); var_dump(sees_eof($c));
var_dump(wait_for_output($h, "Close 3 reason="));
// 4: a packet beyond package_max_length.
$c = client($p); fwrite($c, str_repeat("y", 20000)); var_dump(sees_eof($c));
var_dump(wait_for_output($h, "Close 4 reason="));
// 5: onReceive throws.
$c = client($p); fwrite($c, "throw\n"); var_dump(sees_eof($c));
var_dump(wait_for_output($h, "Close 5 reason="));
// 6: still open at shutdown.
$c = client($p); fwrite($c, "hi\n"); echo fgets($c);
$out = stop_server($h);
foreach (explode("\n", $out) as $line) {
    if (str_starts_with($line, "Close ")) echo $line, "\n";
}

// Workers: a reload ends the old worker's sessions with worker_exit, not shutdown.
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 1, "max_wait_time" => 3]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if (trim($data) === "reload") { $s->reload(); return; }
    $s->send($fd, "ok $fd\n");
});
$s->on("Task", function () {});
$s->on("Close", function ($s, $fd, $rid) {
    echo "Close $fd reason=" . $s->getClientInfo($fd)["close_reason"] . "\n";
});
$s->start();
');
$c = client($h['port']); fwrite($c, "hi\n"); echo fgets($c);
$d = client($h['port']); fwrite($d, "reload\n");
var_dump(sees_eof($c, 10.0));
var_dump(wait_for_output($h, "Close 2 reason="));
$e = client($h['port']); fwrite($e, "hi\n"); echo fgets($e);
$out = stop_server($h);
foreach (explode("\n", $out) as $line) {
    if (str_starts_with($line, "Close ")) echo $line, "\n";
}
?>
--EXPECT--
ok 1
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
ok 6
Close 1 reason=peer_closed
Close 2 reason=peer_reset
Close 3 reason=server_close
Close 4 reason=protocol_error
Close 5 reason=callback_exception
Close 6 reason=shutdown
ok 1
bool(true)
bool(true)
ok 3
Close 1 reason=worker_exit
Close 2 reason=worker_exit
Close 3 reason=shutdown

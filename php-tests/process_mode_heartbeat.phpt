--TEST--
SWOOLE_PROCESS: the master runs the heartbeat (an idle session is closed, a protect()ed one is not); getClientInfo() still answers inside onClose
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'heartbeat_check_interval' => 0.2, 'heartbeat_idle_time' => 0.5]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    if (trim($data) === 'protect') { $s->protect($fd); }
    $s->send($fd, "ok\n");
});
$s->on('Close', function ($s, $fd, $rid) {
    $i = $s->getClientInfo($fd);
    echo "close $fd rid>=0: " . var_export($rid >= 0, true) . " ip: " . ($i['remote_ip'] ?? 'none') . "\n";
});
$s->start();
PHP);
$idle = client($h['port']);
fwrite($idle, "hi\n"); fgets($idle);
$kept = client($h['port']);
fwrite($kept, "protect\n"); fgets($kept);
$t = microtime(true);
echo "idle client closed by the heartbeat: ", var_export(sees_eof($idle, 3), true), "\n";
$r = [$kept]; $w = $e = null;
echo "protected client still open: ", var_export(stream_select($r, $w, $e, 0, 300000) === 0, true), "\n";
fwrite($kept, "still\n");
echo "protected client served: ", fgets($kept);
fclose($kept);
usleep(200000);
echo stop_server($h);
?>
--EXPECT--
idle client closed by the heartbeat: true
protected client still open: true
protected client served: ok
close 1 rid>=0: true ip: 127.0.0.1
close 2 rid>=0: true ip: 127.0.0.1

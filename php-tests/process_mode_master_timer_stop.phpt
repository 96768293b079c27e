--TEST--
SWOOLE_PROCESS: a master timer can close() a session (onClose with reactor id -1 in its worker) and shutdown() the server; exit() in a master timer stops it too
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2]);
$s->on('Start', function ($s) {
    Swoole\Timer::tick(50, function () use ($s) {
        $list = $s->getClientList() ?: [];
        static $closed = false;
        if (in_array(1, $list) && !$closed) { $closed = true; echo "master closes 1\n"; if (!$s->close(1)) { echo "close() failed\n"; } }
        if (in_array(2, $list)) { echo "master shuts down\n"; if (!$s->shutdown()) { echo "shutdown() failed\n"; } }
    });
});
$s->on('Receive', function ($s, $fd, $rid, $data) {});
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd rid $rid\n"; });
$s->on('Shutdown', function ($s) { echo "onShutdown\n"; });
$s->start();
PHP);
$a = client($h['port']);
echo "1 closed by the master: ", var_export(sees_eof($a, 3), true), "\n";
echo "its onClose ran: ", var_export(wait_for_output($h, "close 1 rid -1\n"), true), "\n";
$b = client($h['port']);
echo "2 closed at shutdown: ", var_export(sees_eof($b, 3), true), "\n";
show_server($h);

$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 1]);
$s->on('Start', function ($s) {
    Swoole\Timer::tick(50, function () use ($s) { if ($s->getClientList()) { echo "exit(3)\n"; exit(3); } });
});
$s->on('Receive', function ($s, $fd, $rid, $data) {});
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd rid $rid\n"; });
$s->on('Shutdown', function ($s) { echo "onShutdown\n"; });
$s->start();
echo "after start()\n";
PHP);
$a = client($h['port']);
echo "closed: ", var_export(sees_eof($a, 3), true), "\n";
show_server($h);
?>
--EXPECTF--
1 closed by the master: true
its onClose ran: true
2 closed at shutdown: true
--- server exit 0 ---
master closes 1
close 1 rid -1
master shuts down
close 2 rid -1
onShutdown
closed: true
--- server exit 3 ---
exit(3)
close 1 rid -1
onShutdown

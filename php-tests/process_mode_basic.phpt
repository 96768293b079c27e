--TEST--
SWOOLE_PROCESS: the unchanged tutorial script serves through the master; events fire in the processes Swoole uses
--FILE--
<?php
require __DIR__ . '/_helper.php';
$port = free_port();
// The tutorial script with SWOOLE_PROCESS as third constructor argument, nothing else changed.
$code = file_get_contents(__DIR__ . '/../examples/tcpServer.php');
$code = str_replace(['<?php', '9501)'], ['', '$PORT, SWOOLE_PROCESS)'], $code);
$h = start_server($code, ['port' => $port]);
$c = client($port);
fwrite($c, "hello\n");
var_dump(recv_exact($c, 14));
fwrite($c, "again");
var_dump(recv_exact($c, 13));
fclose($c);
usleep(300000);
show_server($h);

// Which process runs which event.
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'reactor_num' => 2]);
$master = getmypid();
$s->on('Start', function ($s) use ($master) {
    echo "Start in master: " . var_export(getmypid() === $master && $s->master_pid === $master, true) . "\n";
});
$s->on('ManagerStart', function ($s) use ($master) {
    echo "ManagerStart in manager: " . var_export(getmypid() === $s->manager_pid && (int)explode(" ", file_get_contents("/proc/self/stat"))[3] === $master, true) . "\n";
});
$s->on('WorkerStart', function ($s, $id) use ($master) {
    file_put_contents(sys_get_temp_dir() . "/pm_basic_w{$id}_" . $master, getmypid());
});
$s->on('Receive', function ($s, $fd, $rid, $data) use ($master) {
    $info = $s->getClientInfo($fd);
    $s->send($fd, json_encode([
        'worker' => $s->worker_id, 'pid_is_worker' => getmypid() !== $master && getmypid() !== $s->manager_pid,
        'rid_ok' => $rid >= 0 && $rid < 2, 'info_rid' => $info['reactor_id'] === $rid,
        'ip' => $info['remote_ip'], 'exists' => $s->exists($fd), 'master' => $s->getMasterPid() === $master,
    ]) . "\n");
});
$s->on('Shutdown', function ($s) use ($master) { echo "Shutdown in master: " . var_export(getmypid() === $master, true) . "\n"; });
$s->on('ManagerStop', function ($s) { echo "ManagerStop\n"; });
var_dump($s->start());
PHP, ['port' => $port = free_port()]);
$seen = [];
for ($i = 0; $i < 4; $i++) {
    $c = client($port);
    fwrite($c, "x");
    $r = json_decode(fgets($c), true);
    $seen[$r['worker']] = true;
    unset($r['worker']);
    echo json_encode($r), "\n";
    fclose($c);
}
ksort($seen);
echo "workers used: ", implode(',', array_keys($seen)), "\n";
$out = stop_server($h);
// Manager and worker lines come from other processes: sort them for a stable order.
$lines = explode("\n", trim($out));
sort($lines);
echo implode("\n", $lines), "\n";
?>
--EXPECT--
string(14) "Server: hello
"
string(13) "Server: again"
--- server exit 0 ---
Client: Connect.
Client: Close.
{"pid_is_worker":true,"rid_ok":true,"info_rid":true,"ip":"127.0.0.1","exists":true,"master":true}
{"pid_is_worker":true,"rid_ok":true,"info_rid":true,"ip":"127.0.0.1","exists":true,"master":true}
{"pid_is_worker":true,"rid_ok":true,"info_rid":true,"ip":"127.0.0.1","exists":true,"master":true}
{"pid_is_worker":true,"rid_ok":true,"info_rid":true,"ip":"127.0.0.1","exists":true,"master":true}
workers used: 0,1
ManagerStart in manager: true
ManagerStop
Shutdown in master: true
Start in master: true
bool(true)

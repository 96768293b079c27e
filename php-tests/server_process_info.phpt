--TEST--
getMasterPid(), getManagerPid(), getWorkerId(), getWorkerPid(), master_pid/worker_id/worker_pid properties and ports
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
var_dump($s->worker_id);
var_dump(is_array($s->ports), count($s->ports));
var_dump($s->ports[0] instanceof Swoole\Server\Port, $s->ports[0]->port === $PORT, $s->ports[0]->host);
$s->on("WorkerStart", function ($s, $wid) {
    $me = getmypid();
    var_dump($s->getMasterPid() === $me, $s->getManagerPid(), $s->getWorkerId());
    var_dump($s->getWorkerPid() === $me, $s->master_pid === $me, $s->worker_id, $s->worker_pid === $me);
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    var_dump($s->getWorkerId(), $s->worker_id, $s->getMasterPid() === getmypid());
    $s->send($fd, (string)getmypid());
});
$s->start();
');
$c = client($h['port']);
fwrite($c, "pid");
$pid = (int)fread($c, 100);
var_dump($pid === proc_get_status($h['proc'])['pid']);
show_server($h);
?>
--EXPECT--
bool(true)
--- server exit 0 ---
int(-1)
bool(true)
int(1)
bool(true)
bool(true)
string(9) "127.0.0.1"
bool(true)
int(0)
int(0)
bool(true)
bool(true)
int(0)
bool(true)
int(0)
int(0)
bool(true)

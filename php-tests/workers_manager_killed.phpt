--TEST--
worker_num=2: if the manager is killed (SIGKILL), the workers stop gracefully (WorkerStop, onClose) instead of being orphaned
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "ok"); });
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop $wid\n"; });
$s->start();
');
$mgr = server_pid($h);
$kids = wait_children($mgr, 2);
wait_for_output($h, "WorkerStart 0"); wait_for_output($h, "WorkerStart 1");
$c = client($h['port']);
fwrite($c, "x");
var_dump(fread($c, 10));
kill_pid($mgr, 9);
var_dump(sees_eof($c));
$deadline = microtime(true) + 5;
while (array_filter($kids, fn($p) => file_exists("/proc/$p")) && microtime(true) < $deadline) { usleep(20000); }
echo "workers left: ", count(array_filter($kids, fn($p) => file_exists("/proc/$p"))), "\n";
$out = stop_server($h);
$lines = explode("\n", trim($out));
echo "WorkerStop: ", count(preg_grep('/^WorkerStop \d$/', $lines)), "\n";
echo "Close -1: ", count(preg_grep('/^Close \d+ -1$/', $lines)), "\n";
?>
--EXPECT--
string(2) "ok"
bool(true)
workers left: 0
WorkerStop: 2
Close -1: 1

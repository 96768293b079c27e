--TEST--
worker_num=2: reload() (and SIGUSR1 to the manager) restarts the workers one by one with the same ids and new pids; SIGTERM to one worker restarts it; shutdown() in a worker stops the server; reload() without a manager warns and returns false
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid " . getmypid() . "\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop $wid " . getmypid() . "\n"; });
$s->on("WorkerError", function ($s, $wid, $pid, $code, $sig) { echo "WorkerError $wid\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "reload") { $s->send($fd, var_export($s->reload(), true)); }
    elseif ($data === "shutdown") { $s->send($fd, var_export($s->shutdown(), true)); }
    else { $s->send($fd, (string)getmypid()); }
});
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
echo "start returned\n";
echo "after: reload " . var_export(@$s->reload(), true) . " shutdown " . var_export($s->shutdown(), true) . "\n";
');
$mgr = server_pid($h);
$gen1 = wait_children($mgr, 2);
$c = client($h['port']);
fwrite($c, "reload");
var_dump(fread($c, 10));
fclose($c);
$deadline = microtime(true) + 5;
do { usleep(50000); $gen2 = children_of($mgr); } while ((count($gen2) != 2 || array_intersect($gen1, $gen2)) && microtime(true) < $deadline);
echo "gen2 all new: ", count($gen2) == 2 && !array_intersect($gen1, $gen2) ? "yes" : "no", "\n";
kill_pid($mgr, SIGUSR1);
$deadline = microtime(true) + 5;
do { usleep(50000); $gen3 = children_of($mgr); } while ((count($gen3) != 2 || array_intersect($gen2, $gen3)) && microtime(true) < $deadline);
echo "gen3 all new: ", count($gen3) == 2 && !array_intersect($gen2, $gen3) ? "yes" : "no", "\n";
kill_pid($gen3[0], SIGTERM);
$deadline = microtime(true) + 5;
do { usleep(50000); $gen4 = children_of($mgr); } while ((count($gen4) != 2 || in_array($gen3[0], $gen4)) && microtime(true) < $deadline);
echo "SIGTERM'd worker replaced: ", count($gen4) == 2 && !in_array($gen3[0], $gen4) && in_array($gen3[1], $gen4) ? "yes" : "no", "\n";
$c = client($h['port']);
fwrite($c, "shutdown");
var_dump(fread($c, 10));
wait_server($h, 5);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$lines = explode("\n", trim($out));
foreach ([0, 1] as $wid) {
    echo "worker $wid starts: ", count(preg_grep("/^WorkerStart $wid /", $lines)) >= 3 ? ">=3" : "few", "\n";
}
$st = preg_grep("/^Worker(Start|Stop) /", $lines);
echo "starts == stops: ", count(preg_grep("/^WorkerStart /", $lines)) === count(preg_grep("/^WorkerStop /", $lines)) ? "yes" : "no " . implode("; ", $st), "\n";
echo "after start returned: ", count(preg_grep('/^after: reload false shutdown false$/', $lines)), "\n";
echo "WorkerError: ", count(preg_grep('/^WorkerError/', $lines)), "\n";
echo "Shutdown: ", count(preg_grep('/^Shutdown$/', $lines)), " start returned: ", count(preg_grep('/^start returned$/', $lines)), "\n";
echo "orphans: ", count(array_filter(array_merge($gen1, $gen2, $gen3, $gen4), fn($p) => file_exists("/proc/$p"))), "\n";

$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("WorkerStart", function ($s, $wid) { var_dump($s->reload(), $s->getManagerPid()); });
$s->on("Receive", function ($s, $fd, $rid, $data) {});
$s->start();
');
wait_for_output($h, "int(0)");
show_server($h);
?>
--EXPECTF--
string(4) "true"
gen2 all new: yes
gen3 all new: yes
SIGTERM'd worker replaced: yes
string(4) "true"
exit 0
worker 0 starts: >=3
worker 1 starts: >=3
starts == stops: yes
after start returned: 1
WorkerError: 0
Shutdown: 1 start returned: 1
orphans: 0
--- server exit 0 ---

Warning: Swoole\Server::reload(): not supported with single process mode in %s on line %d
bool(false)
int(0)

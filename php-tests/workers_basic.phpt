--TEST--
worker_num=2: two worker processes, Start once, unique session ids across workers, server-wide stats; SIGTERM closes every connection once, WorkerStop per worker, Shutdown once, exit 0, no orphans
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("ManagerStart", function ($s) { echo "ManagerStart " . getmypid() . "\n"; });
$s->on("Start", function ($s) { echo "Start\n"; });
$s->on("WorkerStart", function ($s, $wid) {
    echo "WorkerStart $wid " . getmypid() . " " . $s->worker_id . " " . $s->getWorkerId() . " " . $s->getManagerPid() . " " . $s->getMasterPid() . " " . $s->worker_pid . "\n";
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "stats") {
        $st = $s->stats();
        $s->send($fd, json_encode([$st["worker_num"], $st["accept_count"], $st["connection_num"]]));
        return;
    }
    $s->send($fd, getmypid() . " $fd " . $s->getWorkerId());
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop $wid\n"; });
$s->on("ManagerStop", function ($s) { echo "ManagerStop\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
var_dump($s->start());
echo "after start " . getmypid() . "\n";
');
$mgr = server_pid($h);
$kids = wait_children($mgr, 2);
var_dump(count($kids));
wait_for_output($h, "WorkerStart 1");
wait_for_output($h, "WorkerStart 0");
$fds = []; $pids = []; $open = [];
for ($i = 0; $i < 200; $i++) {
    $c = client($h['port']);
    fwrite($c, "x");
    [$pid, $fd, $wid] = explode(" ", fread($c, 100));
    $fds[] = (int)$fd;
    $pids[$pid] = ($pids[$pid] ?? 0) + 1;
    if ($i % 20 == 0) { $open[(int)$fd] = $c; } else { fclose($c); }
}
echo "unique fds: ", count(array_unique($fds)), "\n";
echo "served by worker pids: ", count(array_diff(array_keys($pids), $kids)) === 0 ? "ok" : "bad", "\n";
$c = client($h['port']);
fwrite($c, "stats");
[$wn, $acc, $cn] = json_decode(fread($c, 200));
var_dump($wn, $acc);
echo "connection_num >= open: ", $cn >= count($open) + 1 ? "ok" : "bad $cn", "\n";
$open[201] = $c;
usleep(200000);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
foreach ($open as $c) { if (!sees_eof($c)) echo "no EOF\n"; }
echo "orphans: ", count(array_filter($kids, fn($p) => file_exists("/proc/$p"))), "\n";
$lines = explode("\n", trim($out));
$count = fn($re) => count(preg_grep($re, $lines));
echo "ManagerStart in manager: ", $count("/^ManagerStart $mgr$/"), "\n";
echo "Start: ", $count('/^Start$/'), "\n";
$ws = preg_grep('/^WorkerStart/', $lines);
$wpids = []; $res = [];
foreach ($ws as $l) {
    [, $wid, $pid, $prop, $get, $m, $master, $wpid] = explode(" ", $l);
    $wpids[$wid] = $pid;
    $res[$wid] = "WorkerStart $wid: " . (($prop === $wid && $get === $wid && $m == $mgr && $master == $mgr && $wpid === $pid && in_array((int)$pid, $kids)) ? "ok" : "bad $l") . "\n";
}
ksort($res);
echo implode("", $res);
echo "distinct worker pids: ", count(array_unique($wpids)), "\n";
$closes = preg_grep('/^Close /', $lines);
$closed = [];
foreach ($closes as $l) { [, $fd, $rid] = explode(" ", $l); $closed[] = (int)$fd; }
echo "closes: ", count($closed), " unique ", count(array_unique($closed)), "\n";
$byShutdown = array_map(fn($l) => (int)explode(" ", $l)[1], preg_grep('/^Close \d+ -1$/', $lines));
sort($byShutdown); $k = array_keys($open); sort($k);
$k[count($k) - 1] = 201; // the stats connection's fd is not known; compare counts only
echo "closed by shutdown: ", count($byShutdown), " of ", count($open), "\n";
echo "WorkerStop 0: ", $count('/^WorkerStop 0$/'), " WorkerStop 1: ", $count('/^WorkerStop 1$/'), "\n";
echo "ManagerStop: ", $count('/^ManagerStop$/'), " Shutdown: ", $count('/^Shutdown$/'), "\n";
echo "start() returned once: ", $count('/^bool\(true\)$/'), " after: ", $count("/^after start $mgr$/"), "\n";
?>
--EXPECT--
int(2)
unique fds: 200
served by worker pids: ok
int(2)
int(201)
connection_num >= open: ok
exit 0
orphans: 0
ManagerStart in manager: 1
Start: 1
WorkerStart 0: ok
WorkerStart 1: ok
distinct worker pids: 2
closes: 201 unique 201
closed by shutdown: 11 of 11
WorkerStop 0: 1 WorkerStop 1: 1
ManagerStop: 1 Shutdown: 1
start() returned once: 1 after: 1

--TEST--
reload(true) and SIGUSR2 restart only the task workers (same ids, new pids, WorkerStart again with their ids), reload() restarts all; task_max_request recycles a task worker without WorkerError; stats(), getWorkerPid() and getWorkerStatus() cover task workers
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "task_worker_num" => 2, "task_max_request" => 3]);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid " . ($s->taskworker ? "task" : "event") . "\n"; });
$s->on("WorkerError", function ($s, $wid) { echo "WorkerError $wid\n"; });
$s->on("Task", function ($s, $id, $src, $data) { return getmypid(); });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "pids") {
        $s->send($fd, json_encode([getmypid(), $s->getWorkerPid(1), $s->getWorkerPid(2), $s->getWorkerPid(3)]));
    } elseif ($data === "reload_tasks") {
        $s->send($fd, var_export($s->reload(true), true));
    } elseif ($data === "stats") {
        $st = $s->stats();
        $st = array_intersect_key($st, array_flip(["task_worker_num", "tasking_num", "task_queue_num", "task_idle_worker_num"]));
        $st["status"] = [$s->getWorkerStatus(), $s->getWorkerStatus(0), $s->getWorkerStatus(1), $s->getWorkerStatus(3)];
        $s->send($fd, json_encode($st));
    } else {
        $pids = [];
        for ($i = 0; $i < 6; $i++) { $pids[] = $s->taskwait("x", 5.0, 0); }
        $s->send($fd, json_encode($pids));
    }
});
$s->start();
');
$mgr = server_pid($h);
wait_children($mgr, 3);
$ask = function ($what) use ($h) { $c = client($h['port']); fwrite($c, $what); $r = fread($c, 1000); fclose($c); return $r; };
$pids = json_decode($ask("pids"), true);
echo "task worker pids known: ", $pids[1] > 0 && $pids[2] > 0 && $pids[3] === false ? "yes" : "no", "\n";
echo "stats: ", $ask("stats"), "\n";
$wait_new = function ($old) use ($ask) {
    $deadline = microtime(true) + 10;
    do { usleep(50000); $new = json_decode($ask("pids"), true); } while (($new[1] == $old[1] || $new[2] == $old[2] || !$new[1] || !$new[2]) && microtime(true) < $deadline);
    return $new;
};
echo "reload(true): ", $ask("reload_tasks"), "\n";
$p2 = $wait_new($pids);
echo "event worker kept, task workers new: ", $p2[0] == $pids[0] && $p2[1] != $pids[1] && $p2[2] != $pids[2] ? "yes" : "no", "\n";
kill_pid($mgr, SIGUSR2);
$p3 = $wait_new($p2);
echo "SIGUSR2: ", $p3[0] == $pids[0] && $p3[1] != $p2[1] && $p3[2] != $p2[2] ? "yes" : "no", "\n";
$ran_in = json_decode($ask("run"), true);
echo "task_max_request 3 recycles: ", count(array_unique($ran_in)) >= 2 ? "yes" : "no " . json_encode($ran_in), "\n";
$task_starts = fn() => substr_count(file_get_contents($h['out']), " task\n");
$before = $task_starts();
kill_pid($mgr, SIGUSR1);
$deadline = microtime(true) + 10;
// The full reload restarts worker 0, then both task workers, one at a time.
do { usleep(50000); $c = @client($h['port'], 1); $p4 = $c ? (fwrite($c, "pids") ? json_decode(fread($c, 1000), true) : null) : null; } while ((!$p4 || $p4[0] == $pids[0] || $task_starts() < $before + 2) && microtime(true) < $deadline);
echo "reload(): event worker new: ", $p4 && $p4[0] != $pids[0] ? "yes" : "no", "\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
echo "WorkerError: ", substr_count($out, "WorkerError"), "\n";
echo "task WorkerStarts >= 8: ", substr_count($out, " task\n") >= 8 ? "yes" : "no", "\n";
$ids = array_unique(array_map(fn($l) => explode(" ", $l)[1] . explode(" ", $l)[2], preg_grep('/^WorkerStart/', explode("\n", $out))));
sort($ids);
echo "ids: ", implode(",", $ids), "\n";
?>
--EXPECT--
task worker pids known: yes
stats: {"task_worker_num":2,"tasking_num":0,"task_queue_num":0,"task_idle_worker_num":2,"status":[1,1,2,false]}
reload(true): true
event worker kept, task workers new: yes
SIGUSR2: yes
task_max_request 3 recycles: yes
reload(): event worker new: yes
exit 0
WorkerError: 0
task WorkerStarts >= 8: yes
ids: 0event,1task,2task

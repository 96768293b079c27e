--TEST--
addProcess(): the manager starts user processes before the workers; a worker writes to a process's pipe and reads its answer; timers work inside a process whose callback returns; a user process is restarted (new pid) after SIGKILL, left alone by reload(), and stopped at shutdown; addProcess() after start() or with a non-Process fails
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$echo = new Swoole\Process(function (Swoole\Process $p) {
    echo "echo process up " . getmypid() . "\n";
    while (true) { $m = $p->read(); $p->write("ack $m from " . getmypid()); }
});
$timer = new Swoole\Process(function (Swoole\Process $p) {
    echo "timer process up " . getmypid() . "\n";
    Swoole\Timer::after(50, function () { echo "timer fired in user process\n"; });
});
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "max_wait_time" => 1]);
var_dump($s->addProcess($echo), $s->addProcess($timer), @$s->addProcess($echo));
$s->on("WorkerStart", function ($s, $wid) use ($echo) {
    echo "WorkerStart " . getmypid() . " echo pid known: " . var_export($echo->pid > 0, true) . "\n";
    var_dump(@$s->addProcess($echo));
});
$s->on("Receive", function ($s, $fd, $rid, $data) use ($echo) {
    $echo->write($data);
    $s->send($fd, $echo->read());
});
$s->start();
');
$mgr = server_pid($h);
wait_for_output($h, "timer fired in user process", 5);
wait_for_output($h, "WorkerStart", 5);
$ask = function ($m) use ($h) { $c = client($h['port']); fwrite($c, $m); $r = fread($c, 100); fclose($c); return $r; };
$out = file_get_contents($h['out']);
preg_match('/echo process up (\d+)/', $out, $e1);
preg_match('/timer process up (\d+)/', $out, $t1);
preg_match('/WorkerStart (\d+)/', $out, $w1);
echo "user processes forked before the worker: ", $e1[1] < $w1[1] && $t1[1] < $w1[1] ? "yes" : "no", "\n";
echo "answer: ", str_replace($e1[1], "PID", $ask("ping")), "\n";
kill_pid((int)$e1[1], SIGKILL);
$deadline = microtime(true) + 5;
do { usleep(50000); preg_match_all('/echo process up (\d+)/', file_get_contents($h['out']), $all); } while (count($all[1]) < 2 && microtime(true) < $deadline);
echo "restarted with a new pid: ", count($all[1]) == 2 && $all[1][1] != $e1[1] ? "yes" : "no", "\n";
echo "answer from the new one: ", str_replace($all[1][1], "PID2", $ask("again")), "\n";
kill_pid($mgr, SIGUSR1);
$deadline = microtime(true) + 5;
do { usleep(50000); $n = substr_count(file_get_contents($h['out']), "WorkerStart"); } while ($n < 2 && microtime(true) < $deadline);
usleep(200000);
$out = file_get_contents($h['out']);
echo "reload left user processes alone: ", substr_count($out, "echo process up") == 2 && substr_count($out, "timer process up") == 1 ? "yes" : "no", "\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
echo "user processes gone: ", !pid_alive((int)$all[1][1]) && !pid_alive((int)$t1[1]) ? "yes" : "no", "\n";
echo preg_replace('/ \d+/', ' N', implode("\n", preg_grep('/^(int|bool)|known/', explode("\n", $out)))), "\n";
$s = new Swoole\Server("127.0.0.1", 0);
var_dump(@$s->addProcess(new stdClass));
?>
--EXPECT--
user processes forked before the worker: yes
answer: ack ping from PID
restarted with a new pid: yes
answer from the new one: ack again from PID2
reload left user processes alone: yes
exit 0
user processes gone: yes
int(0)
int(1)
bool(false)
WorkerStart N echo pid known: true
bool(false)
WorkerStart N echo pid known: true
bool(false)
bool(false)

--TEST--
Swoole\Process::signal() and alarm() in a worker and in a user process: handlers run from the event loop, alarm() ticks until stopped, removing a handler restores the default; outside a loop a clear warning
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
var_dump(Swoole\Process::signal(SIGHUP, function () {}));
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 1, "max_request" => 0]);
$p = new Swoole\Process(function ($p) {
    Swoole\Process::signal(SIGUSR2, function ($sig) { echo "user process got $sig\n"; });
    echo "user process ready\n";
});
$s->addProcess($p);
$s->on("WorkerStart", function ($s, $id) {
    Swoole\Process::signal(SIGHUP, function ($sig) { echo "worker got $sig\n"; });
    $n = 0;
    Swoole\Process::signal(SIGALRM, function ($sig) use (&$n) {
        $n++;
        echo "alarm $n\n";
        if ($n === 3) { Swoole\Process::alarm(0); }
    });
    var_dump(Swoole\Process::alarm(50000));
    var_dump(Swoole\Process::alarm(50000, 1) === false || true);
    echo "worker ready ", getmypid(), "\n";
});
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "ok"); });
$s->start();
');
wait_for_output($h, "worker ready");
wait_for_output($h, "user process ready");
var_dump(wait_for_output($h, "alarm 3"));
usleep(300000);
$out = file_get_contents($h['out']);
preg_match('/worker ready (\d+)/', $out, $m);
$worker = (int)$m[1];
kill_pid($worker, SIGHUP);
var_dump(wait_for_output($h, "worker got 1"));
$user = array_values(array_diff(children_of(server_pid($h)), [$worker]))[0] ?? 0;
kill_pid($user, SIGUSR2);
var_dump(wait_for_output($h, "user process got 12"));
$c = client($h['port']);
fwrite($c, "x");
echo "worker still serves: ", fread($c, 2), "\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
echo "alarm ticks: ", preg_match_all('/^alarm \d+$/m', $out), "\n";
$lines = explode("\n", trim($out));
echo preg_replace('/ in \S+ on line \d+/', '', $lines[0]), "\n", $lines[1], "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
worker still serves: ok
exit 0
alarm ticks: 3
Warning: Swoole\Process::signal(): a signal handler needs a running event loop: call it in onWorkerStart, onTask or a user process's callback
bool(false)

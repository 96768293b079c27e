--TEST--
worker_num=2, max_wait_time=1: a reload or shutdown signal never cuts a callback's sleep() short; the manager kills the overrunning worker with Swoole's log line, the replacement serves
--FILE--
<?php
require __DIR__ . '/_helper.php';
$code = '
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "max_wait_time" => 1]);
$s->on("WorkerStart", function ($s, $id) { echo "WorkerStart $id " . getmypid() . "\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "sleep") {
        echo "sleeping in " . getmypid() . "\n";
        $left = sleep(20);
        echo "sleep returned early: $left\n";
        return;
    }
    $s->send($fd, getmypid() . "\n");
});
$s->start();
';
// Reload (SIGUSR1 to the manager) while worker X sleeps.
$h = start_server($code);
$mgr = server_pid($h);
wait_for_output($h, "WorkerStart 0"); wait_for_output($h, "WorkerStart 1");
$c = client($h['port']);
fwrite($c, "sleep");
wait_for_output($h, "sleeping in");
preg_match('/sleeping in (\d+)/', file_get_contents($h['out']), $m);
$sleeper = (int)$m[1];
$t = microtime(true);
kill_pid($mgr, SIGUSR1);
echo "sleeper's client sees EOF: ", var_export(sees_eof($c, 8), true), "\n";
$took = microtime(true) - $t;
echo "killed after max_wait_time, not at once: ", var_export($took > 0.8 && $took < 6, true), "\n";
wait_children($mgr, 2);
$served = false;
for ($i = 0; $i < 50 && !$served; $i++) {
    $d = client($h['port']);
    fwrite($d, "who");
    $pid = (int)fgets($d);
    $served = $pid > 0 && $pid !== $sleeper;
    fclose($d);
}
echo "new clients served: ", var_export($served, true), "\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
echo "sleep cut short: ", preg_match('/sleep returned early/', $out), "\n";
echo "reload log: ", preg_match('/\tINFO\tServer is reloading all workers now/', $out), "\n";
echo "force kill log: ", preg_match('/\tWARNING\tReloadTask::kill_all\(\): force kill worker process\(pid=' . $sleeper . ', id=[01]\)/', $out), "\n";

// Shutdown (SIGTERM to the manager) while a worker sleeps.
$h = start_server($code);
$mgr = server_pid($h);
wait_for_output($h, "WorkerStart 0"); wait_for_output($h, "WorkerStart 1");
$c = client($h['port']);
fwrite($c, "sleep");
wait_for_output($h, "sleeping in");
$t = microtime(true);
$out = stop_server($h);
$took = microtime(true) - $t;
echo "shutdown exit {$h['exit']}, waited for max_wait_time: ", var_export($took > 0.8 && $took < 8, true), "\n";
echo "sleep cut short: ", preg_match('/sleep returned early/', $out), "\n";
echo "terminate log: ", preg_match('/\tWARNING\tManager::terminate_all_worker\(\) \(ERRNO 9101\): wait timeout, all worker processes will be forcibly terminated/', $out), "\n";
echo "orphans: ", count(children_of($mgr)), "\n";
?>
--EXPECT--
sleeper's client sees EOF: true
killed after max_wait_time, not at once: true
new clients served: true
exit 0
sleep cut short: 0
reload log: 1
force kill log: 1
shutdown exit 0, waited for max_wait_time: true
sleep cut short: 0
terminate log: 1
orphans: 0

--TEST--
daemonize: the php process that calls start() exits 0 at once; the daemon (new session, same cwd) writes pid_file, serves on its port, sends its output to log_file, stops on SIGTERM to the pid in pid_file and removes pid_file
--FILE--
<?php
require __DIR__ . '/_helper.php';
$base = sys_get_temp_dir() . '/swrs-daemon-' . getmypid();
$pidf = "$base.pid"; $logf = "$base.log";
@unlink($pidf); @unlink($logf);
$daemon = 0;
register_shutdown_function(function () use (&$daemon) { if ($daemon > 0 && pid_alive($daemon)) { kill_pid($daemon, 9); } });
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "daemonize" => true, "pid_file" => ' . var_export($pidf, true) . ', "log_file" => ' . var_export($logf, true) . ']);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, json_encode([getcwd(), posix_getsid_or_null(), $s->getMasterPid()]));
});
$s->on("Shutdown", function ($s) { echo "Shutdown " . getmypid() . "\n"; });
function posix_getsid_or_null() {
    $st = file_get_contents("/proc/" . getmypid() . "/stat");
    return (int)explode(" ", substr($st, strrpos($st, ")") + 2))[3];
}
echo "before start\n";
$s->start();
', ['no_wait' => true]);
$launcher = server_pid($h);
$t = microtime(true);
wait_server($h, 5);
echo "launcher exit {$h['exit']}", microtime(true) - $t < 2 ? " quickly" : " slowly", "\n";
$deadline = microtime(true) + 5;
while (!(file_exists($pidf) && is_listening($h['port'])) && microtime(true) < $deadline) { usleep(20000); }
$daemon = (int)@file_get_contents($pidf);
echo "daemon pid is another process: ", var_export($daemon > 0 && $daemon !== $launcher && pid_alive($daemon), true), "\n";
$c = client($h['port']);
fwrite($c, "x");
[$cwd, $sid, $master] = json_decode(fread($c, 1000));
echo "cwd kept: ", var_export($cwd === getcwd(), true), "\n";
echo "new session led by the daemon: ", var_export($sid === $daemon, true), "\n";
echo "master pid: ", var_export($master === $daemon, true), "\n";
fclose($c);
kill_pid($daemon, 15);
echo "daemon stopped: ", var_export(wait_pid_gone($daemon), true), "\n";
echo "pid_file removed: ", var_export(!file_exists($pidf), true), "\n";
$log = (string)@file_get_contents($logf);
echo "output in log_file: ", var_export(str_contains($log, "WorkerStart 0\n") && str_contains($log, "Shutdown $daemon\n"), true), "\n";
echo "before start printed once: ", substr_count(file_get_contents($h['out']) . $log, "before start"), "\n";
$out = stop_server($h);
echo "launcher output: ", json_encode($out), "\n";
@unlink($logf);
?>
--EXPECT--
launcher exit 0 quickly
daemon pid is another process: true
cwd kept: true
new session led by the daemon: true
master pid: true
daemon stopped: true
pid_file removed: true
output in log_file: true
before start printed once: 1
launcher output: "before start\n"

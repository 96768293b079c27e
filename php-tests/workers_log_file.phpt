--TEST--
log_file/log_level: the manager's "abnormal exit" WARNING goes to log_file (appended, Swoole's format with the manager's pid) instead of stderr; with log_level=SWOOLE_LOG_ERROR it is dropped; bad types are rejected
--FILE--
<?php
require __DIR__ . '/_helper.php';
$s = new Swoole\Server("127.0.0.1", 0);
foreach ([["log_level" => 7], ["log_level" => "loud"], ["log_file" => 5], ["pid_file" => []], ["daemonize" => "yes"], ["max_request" => "many"]] as $opt) {
    try { $s->set($opt); echo "accepted\n"; } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
}
var_dump($s->set(["log_level" => SWOOLE_LOG_WARNING, "max_request" => "5", "daemonize" => false]));
foreach ([SWOOLE_LOG_INFO, SWOOLE_LOG_ERROR] as $level) {
    $logf = sys_get_temp_dir() . '/swrs-log-' . getmypid() . "-$level.log";
    file_put_contents($logf, "existing line\n");
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "log_file" => ' . var_export($logf, true) . ', "log_level" => ' . $level . ']);
$s->on("WorkerStart", function ($s, $wid) { echo "WorkerStart $wid " . getmypid() . "\n"; });
$s->on("WorkerError", function ($s, $wid, $pid, $code, $sig) { echo "WorkerError $wid $sig\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "ok"); });
$s->start();
');
    $mgr = server_pid($h);
    $kids = wait_children($mgr, 2);
    wait_for_output($h, "WorkerStart 1");
    kill_pid($kids[0], 9);
    wait_for_output($h, "WorkerError");
    $c = client($h['port']);
    fwrite($c, "x");
    $reply = fread($c, 10);
    $out = stop_server($h);
    $log = file_get_contents($logf);
    @unlink($logf);
    echo "log_level=$level: reply $reply, exit {$h['exit']}\n";
    echo "  kept the existing content: ", var_export(str_starts_with($log, "existing line\n"), true), "\n";
    echo "  WARNING in log_file: ", preg_match('/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \$' . $mgr . '\.0\]\tWARNING\tWorker::report_error\(\): worker\(pid=' . $kids[0] . ', id=\d\) abnormal exit, status=0, signal=9$/m', $log), "\n";
    echo "  on stderr/stdout: ", count(preg_grep('/abnormal exit/', explode("\n", $out))), "\n";
    echo "  WorkerError in output: ", count(preg_grep('/^WorkerError \d 9$/', explode("\n", $out))), "\n";
}
?>
--EXPECT--
ValueError: Swoole\Server::set(): option 'log_level' must be between 0 (SWOOLE_LOG_DEBUG) and 6 (SWOOLE_LOG_NONE), 7 given
TypeError: Swoole\Server::set(): option 'log_level' expects int, string given
TypeError: Swoole\Server::set(): option 'log_file' expects string, int given
TypeError: Swoole\Server::set(): option 'pid_file' expects string, array given
TypeError: Swoole\Server::set(): option 'daemonize' expects bool, string given
TypeError: Swoole\Server::set(): option 'max_request' expects int, string given
bool(true)
log_level=2: reply ok, exit 0
  kept the existing content: true
  WARNING in log_file: 1
  on stderr/stdout: 0
  WorkerError in output: 1
log_level=5: reply ok, exit 0
  kept the existing content: true
  WARNING in log_file: 0
  on stderr/stdout: 0
  WorkerError in output: 1

--TEST--
log_rotation (daily) names the file log_file.YYYYMMDD, log_date_format and log_date_with_microseconds shape the date, SIGRTMIN reopens log_file after logrotate moved it
--FILE--
<?php
require __DIR__ . '/_helper.php';
$dir = sys_get_temp_dir() . '/swrs-log-' . getmypid();
@mkdir($dir);
$log = "$dir/server.log";
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "log_file" => ' . var_export($log, true) . ', "log_rotation" => SWOOLE_LOG_ROTATION_DAILY,
    "log_date_format" => "%d/%m/%Y %H.%M.%S", "log_date_with_microseconds" => true]);
$s->on("WorkerStart", function ($s, $id) { echo "WorkerStart $id\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {});
$s->start();
');
$mgr = server_pid($h);
wait_for_output($h, "WorkerStart 0"); wait_for_output($h, "WorkerStart 1");
$rotated = "$log." . date('Ymd');
kill_pid($mgr, SIGUSR1); // reload: logs "Server is reloading all workers now"
$deadline = microtime(true) + 5;
while (microtime(true) < $deadline && !str_contains((string)@file_get_contents($rotated), "reloading")) usleep(20000);
echo "base file exists: ", var_export(file_exists($log), true), "\n";
$first = (string)@file_get_contents($rotated);
echo "line format: ", preg_match('/^\[\d\d\/\d\d\/\d{4} \d\d\.\d\d\.\d\d<\.\d{6}> \$' . $mgr . '\.0\]\tINFO\tServer is reloading all workers now$/m', $first), "\n";
sleep(1);
// logrotate: move the file away, then tell the server.
rename($rotated, "$rotated.1");
kill_pid($mgr, SIGRTMIN);
usleep(200000);
kill_pid($mgr, SIGUSR1);
$deadline = microtime(true) + 5;
while (microtime(true) < $deadline && !str_contains((string)@file_get_contents($rotated), "reloading")) usleep(20000);
echo "fresh file after SIGRTMIN: ", substr_count((string)@file_get_contents($rotated), "Server is reloading all workers now"), "\n";
echo "moved file untouched: ", substr_count(file_get_contents("$rotated.1"), "Server is reloading all workers now"), "\n";
stop_server($h);
echo "exit {$h['exit']}\n";
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
base file exists: true
line format: 1
fresh file after SIGRTMIN: 1
moved file untouched: 1
exit 0

--TEST--
pid_file: holds the pid of the process that called start() (the single process, or the manager with workers) while the server runs, without a newline; removed when it stops
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach ([1, 2] as $workers) {
    $pidf = sys_get_temp_dir() . '/swrs-pid-' . getmypid() . "-$workers.pid";
    @unlink($pidf);
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => ' . $workers . ', "pid_file" => ' . var_export($pidf, true) . ']);
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, (string)$s->getMasterPid()); });
$s->start();
');
    $c = client($h['port']);
    fwrite($c, "x");
    $master = (int)fread($c, 100);
    $content = @file_get_contents($pidf);
    echo "worker_num=$workers: pid_file is the master pid: ", var_export($content === (string)server_pid($h) && $master === server_pid($h), true), "\n";
    $out = stop_server($h);
    echo "exit {$h['exit']}, pid_file removed: ", var_export(!file_exists($pidf), true), "\n";
    echo $out;
}
?>
--EXPECT--
worker_num=1: pid_file is the master pid: true
exit 0, pid_file removed: true
worker_num=2: pid_file is the master pid: true
exit 0, pid_file removed: true

--TEST--
swoole_set_process_name() in ManagerStart and WorkerStart: ps shows the names (command line and the kernel's short name)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("ManagerStart", function ($s) { var_dump(swoole_set_process_name("swrs-manager")); });
$s->on("WorkerStart", function ($s, $id) { swoole_set_process_name("swrs-worker-$id-with-a-long-name"); echo "WorkerStart $id\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {});
$s->start();
');
$mgr = server_pid($h);
$kids = wait_children($mgr, 2);
wait_for_output($h, "WorkerStart 0"); wait_for_output($h, "WorkerStart 1");
usleep(100000);
$cmd = fn($p) => trim(str_replace("\0", " ", file_get_contents("/proc/$p/cmdline")));
echo "manager: ", $cmd($mgr), " / ", trim(file_get_contents("/proc/$mgr/comm")), "\n";
$names = array_map(fn($p) => $cmd($p) . " / " . trim(file_get_contents("/proc/$p/comm")), $kids);
sort($names);
echo implode("\n", $names), "\n";
$out = stop_server($h);
echo trim(explode("\n", $out)[0]), "\n";
?>
--EXPECT--
manager: swrs-manager / swrs-manager
swrs-worker-0-with-a-long-name / swrs-worker-0-w
swrs-worker-1-with-a-long-name / swrs-worker-1-w
bool(true)

--TEST--
user/group drop root in the workers after binding (the manager keeps root); chroot confines them; an unknown user fails start() with a Swoole\Exception
--SKIPIF--
<?php if (trim((string)shell_exec('id -u')) !== '0') die('skip needs root'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$ids = fn($p) => preg_match('/^Uid:\s+(\d+).*\nGid:\s+(\d+)/m', file_get_contents("/proc/$p/status"), $m) ? "uid $m[1] gid $m[2]" : "?";
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "user" => "nobody", "group" => "nogroup"]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    preg_match("/^Uid:\s+(\d+)/m", file_get_contents("/proc/self/status"), $m);
    $s->send($fd, "uid $m[1]\n");
});
$s->start();
');
$mgr = server_pid($h);
$kids = wait_children($mgr, 2);
usleep(200000);
echo "manager: ", $ids($mgr), "\n";
foreach ($kids as $k) echo "worker: ", $ids($k), "\n";
$c = client($h['port']);
fwrite($c, "who");
echo "served by ", fgets($c);
stop_server($h);
echo "exit {$h['exit']}\n";

// chroot: the worker sees only the directory it was confined to.
$root = sys_get_temp_dir() . '/swrs-chroot-' . getmypid();
@mkdir($root);
file_put_contents("$root/marker", "inside");
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "chroot" => ' . var_export($root, true) . ', "user" => "nobody"]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, json_encode([file_exists("/etc/passwd"), @file_get_contents("/marker"), getcwd()]) . "\n");
});
$s->start();
');
wait_children(server_pid($h), 2);
$c = client($h['port']);
fwrite($c, "look");
echo "in chroot: ", fgets($c);
stop_server($h);
echo "exit {$h['exit']}\n";
unlink("$root/marker");
rmdir($root);

$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "user" => "no-such-user-swrs"]);
$s->on("Receive", function ($s, $fd, $rid, $data) {});
try { $s->start(); } catch (Swoole\Exception $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
', ['no_wait' => true]);
wait_server($h);
echo stop_server($h), "exit {$h['exit']}\n";
?>
--EXPECT--
manager: uid 0 gid 0
worker: uid 65534 gid 65534
worker: uid 65534 gid 65534
served by uid 65534
exit 0
in chroot: [false,"inside","\/"]
exit 0
Swoole\Exception: unknown user [no-such-user-swrs]: set 'user' to an existing account
exit 0

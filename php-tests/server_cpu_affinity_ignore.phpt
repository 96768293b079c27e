--TEST--
open_cpu_affinity with cpu_affinity_ignore: the workers are pinned in turn to the CPUs not ignored; ignoring every CPU warns and leaves the workers unpinned; a non-array is a TypeError
--SKIPIF--
<?php if ((int)shell_exec('nproc') < 2) die('skip needs 2 CPUs'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
try { (new Swoole\Server('127.0.0.1', 0))->set(['cpu_affinity_ignore' => 0]); } catch (TypeError $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
$all = trim(shell_exec('nproc'));
foreach (['[0]', 'range(0, ' . ($all - 1) . ')'] as $ignore) {
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "open_cpu_affinity" => true, "cpu_affinity_ignore" => ' . $ignore . ']);
$s->on("WorkerStart", function ($s, $id) {
    preg_match("/Cpus_allowed_list:\s*(\S+)/", file_get_contents("/proc/self/status"), $m);
    echo "worker $id on CPUs $m[1]\n";
});
$s->on("Receive", function () {});
$s->start();
');
    wait_for_output($h, "worker 0 on"); wait_for_output($h, "worker 1 on");
    $out = stop_server($h);
    $lines = array_filter(explode("\n", trim($out)), "strlen");
    sort($lines);
    echo "ignore $ignore:\n  ", implode("\n  ", str_replace($all - 1 > 1 ? "0-" . ($all - 1) : "0-1", "ALL", $lines)), "\n";
}
?>
--EXPECTF--
TypeError: Swoole\Server::set(): option 'cpu_affinity_ignore' expects array, int given
ignore [0]:
  worker 0 on CPUs 1
  worker 1 on CPUs %r(1|2)%r
ignore range(0, %d):
  Warning: Swoole\Server::start(): open_cpu_affinity: cpu_affinity_ignore leaves none of the %d CPUs; this worker is not pinned in %s on line %d
  Warning: Swoole\Server::start(): open_cpu_affinity: cpu_affinity_ignore leaves none of the %d CPUs; this worker is not pinned in %s on line %d
  worker 0 on CPUs ALL
  worker 1 on CPUs ALL

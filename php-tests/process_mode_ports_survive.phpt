--TEST--
SWOOLE_PROCESS chaos on an extra port: SIGKILL a worker while 200 clients of a listen() port (its own length framing and callbacks) are connected and under ping-pong: none is lost, the replacement worker (same id) serves them with the port's callbacks and framing, each session gets exactly one onClose from the port's own Close callback, also at shutdown
--FILE--
<?php
require __DIR__ . '/_helper.php';
$dir = sys_get_temp_dir() . '/pm_ports_survive_' . getmypid();
@mkdir($dir);
$p2 = free_port();
$h = start_server(<<<PHP
\$s = new Swoole\Server('127.0.0.1', \$PORT, SWOOLE_PROCESS);
\$s->set(['worker_num' => 2, 'reactor_num' => 2]);
\$extra = \$s->listen('127.0.0.1', $p2, SWOOLE_SOCK_TCP);
\$extra->set(['open_length_check' => true, 'package_length_type' => 'n', 'package_length_offset' => 0, 'package_body_offset' => 2]);
\$s->on('WorkerStart', function (\$s, \$id) { file_put_contents("$dir/w\$id", getmypid()); });
\$s->on('Receive', function (\$s, \$fd, \$rid, \$data) { \$s->send(\$fd, "main"); });
\$s->on('Close', function (\$s, \$fd, \$rid) { file_put_contents("$dir/closes", "main \$fd \$rid\\n", FILE_APPEND | LOCK_EX); });
\$extra->on('Receive', function (\$s, \$fd, \$rid, \$data) use (\$extra) {
    \$port = \$s->getClientInfo(\$fd)['server_port'] === \$extra->port ? 'extra' : 'wrong';
    \$r = \$s->worker_id . ' ' . getmypid() . ' ' . \$port . ' ' . substr(\$data, 2);
    \$s->send(\$fd, pack('n', strlen(\$r)) . \$r);
});
\$extra->on('Close', function (\$s, \$fd, \$rid) { file_put_contents("$dir/closes", "extra \$fd \$rid\\n", FILE_APPEND | LOCK_EX); });
\$s->start();
PHP);
$t = microtime(true) + 10;
while ((!is_file("$dir/w0") || !is_file("$dir/w1") || !is_listening($p2)) && microtime(true) < $t) usleep(10000);
$w0 = (int)file_get_contents("$dir/w0");
$N = 200;
$conns = [];
for ($i = 0; $i < $N; $i++) {
    $conns[$i] = client($p2);
    stream_set_blocking($conns[$i], false);
}
$buf = array_fill(0, $N, '');
$worker = []; $pidOf = []; $eof = 0; $wrongPort = 0;
$round = function (string $tag, ?callable $during = null) use (&$conns, &$buf, &$worker, &$pidOf, &$eof, &$wrongPort) {
    $waiting = [];
    foreach ($conns as $i => $c) { $m = "$tag $i"; fwrite($c, pack('n', strlen($m)) . $m); $waiting[$i] = true; }
    $deadline = microtime(true) + 8;
    while ($waiting && microtime(true) < $deadline) {
        if ($during) { $during(); }
        $r = array_intersect_key($conns, $waiting);
        $w = $e = null;
        if (stream_select($r, $w, $e, 0, 50000) < 1) continue;
        foreach ($r as $i => $c) {
            $chunk = fread($c, 65536);
            if ($chunk === '' && feof($c)) { $eof++; unset($waiting[$i]); continue; }
            $buf[$i] .= $chunk;
            while (strlen($buf[$i]) >= 2 && strlen($buf[$i]) >= 2 + ($n = unpack('n', $buf[$i])[1])) {
                [$wid, $pid, $port, $t, $k] = explode(' ', substr($buf[$i], 2, $n));
                $buf[$i] = substr($buf[$i], 2 + $n);
                $wrongPort += $port === 'extra' ? 0 : 1;
                if ($t === $tag && (int)$k === $i) {
                    $worker[$i] = (int)$wid; $pidOf[$i] = (int)$pid;
                    unset($waiting[$i]);
                }
            }
        }
    }
    return count($waiting);
};
$m = client($h['port']);
fwrite($m, "hi");
echo "main port: ", fread($m, 10), "\n";
echo "round 1 unanswered: ", $round('a'), "\n";
$before = $worker;
$killed = false;
$lost = 0;
for ($k = 0; $k < 4; $k++) {
    $lost += $round("b$k", function () use (&$killed, $w0, $k) {
        if (!$killed && $k === 1) { kill_pid($w0, 9); $killed = true; }
    });
    if ($lost) { break; }
}
// A request the killed worker had already taken is lost with it (at most one); answer again.
echo "rounds under the kill complete: ", $lost <= 1 ? 'yes' : "no ($lost)", "\n";
echo "round 2 unanswered: ", $round('c'), "\n";
$new0 = (int)file_get_contents("$dir/w0");
echo "replacement has a new pid: ", var_export($new0 !== $w0 && $new0 > 0, true), "\n";
$same = 0; $byNew = 0; $zero = 0;
foreach ($worker as $i => $wid) {
    $same += $wid === $before[$i] ? 1 : 0;
    if ($wid === 0) { $zero++; $byNew += $pidOf[$i] === $new0 ? 1 : 0; }
}
echo "connections lost (EOF): $eof, answered for the wrong port: $wrongPort\n";
echo "same worker id as before: ", $same === $N ? 'all' : $same, "\n";
echo "worker 0's clients served by the replacement: ", $zero > 0 && $byNew === $zero ? 'all' : "$byNew/$zero", "\n";
fwrite($m, "again");
echo "main port after the kill: ", fread($m, 10), "\n";
for ($i = 0; $i < $N / 2; $i++) { fclose($conns[$i]); unset($conns[$i]); }
usleep(300000);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$count = [];
$shutdown = 0;
foreach (array_filter(explode("\n", (string)@file_get_contents("$dir/closes"))) as $l) {
    [$port, $fd, $rid] = explode(' ', $l);
    $count["$port $fd"] = ($count["$port $fd"] ?? 0) + 1;
    $shutdown += $rid === '-1' && $port === 'extra' ? 1 : 0;
}
$extraCloses = count(array_filter(array_keys($count), fn($k) => str_starts_with($k, 'extra ')));
echo "extra-port sessions with onClose: ", $extraCloses === $N ? 'all' : $extraCloses, ", main: ", count($count) - $extraCloses, ", more than once: ", count(array_filter($count, fn($n) => $n > 1)), "\n";
echo "extra-port onClose at shutdown (reactor id -1): ", $shutdown === $N / 2 ? 'every open session' : $shutdown, "\n";
$lines = array_filter(explode("\n", trim($out)));
echo "server output: ", count($lines), " line, ", preg_match('/WARNING\tWorker::report_error\(\): worker\(pid=' . $w0 . ', id=0\) abnormal exit, status=0, signal=9$/', implode('', $lines)), "\n";
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
main port: main
round 1 unanswered: 0
rounds under the kill complete: yes
round 2 unanswered: 0
replacement has a new pid: true
connections lost (EOF): 0, answered for the wrong port: 0
same worker id as before: all
worker 0's clients served by the replacement: all
main port after the kill: main
exit 0
extra-port sessions with onClose: all, main: 1, more than once: 0
extra-port onClose at shutdown (reactor id -1): every open session
server output: 1 line, 1

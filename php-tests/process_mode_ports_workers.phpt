--TEST--
SWOOLE_PROCESS with an extra port, worker_num 2, dispatch_mode 2: every session of the extra port lives on worker fd % 2 (Connect, every Receive, Close), with the port's own framing and callbacks; the main port's sessions too; a heartbeat set on the extra port only closes that port's idle sessions
--FILE--
<?php
require __DIR__ . '/_helper.php';
$dir = sys_get_temp_dir() . '/pm_ports_w_' . getmypid();
@mkdir($dir);
$p2 = free_port();
$h = start_server(<<<PHP
\$s = new Swoole\Server('127.0.0.1', \$PORT, SWOOLE_PROCESS);
\$s->set(['worker_num' => 2, 'reactor_num' => 2, 'dispatch_mode' => 2]);
\$lines = \$s->listen('127.0.0.1', $p2, SWOOLE_SOCK_TCP);
\$lines->set(['open_eof_split' => true, 'package_eof' => "\\n", 'heartbeat_check_interval' => 0.2, 'heartbeat_idle_time' => 1.0]);
\$log = fn(\$l) => file_put_contents("$dir/log", "\$l\\n", FILE_APPEND | LOCK_EX);
\$s->on('Connect', function (\$s, \$fd) use (\$log) { \$log("connect main \$fd " . \$s->worker_id); });
\$s->on('Receive', function (\$s, \$fd, \$rid, \$d) { \$s->send(\$fd, "R \$fd " . \$s->worker_id); });
\$s->on('Close', function (\$s, \$fd) use (\$log) { \$log("close main \$fd " . \$s->worker_id); });
\$lines->on('Connect', function (\$s, \$fd) use (\$log) { \$log("connect lines \$fd " . \$s->worker_id); });
\$lines->on('Receive', function (\$s, \$fd, \$rid, \$d) use (\$lines) {
    \$i = \$s->getClientInfo(\$fd);
    \$s->send(\$fd, "L \$fd " . \$s->worker_id . ' ' . (\$i['server_port'] === \$lines->port ? 'lines' : 'wrong') . ' ' . trim(\$d) . "\\n");
});
\$lines->on('Close', function (\$s, \$fd) use (\$log) { \$log("close lines \$fd " . \$s->worker_id); });
\$s->start();
PHP);
$t = microtime(true) + 5; while (!is_listening($p2) && microtime(true) < $t) usleep(10000);
wait_children(server_pid($h), 1);
$bad = 0; $served = ['R' => [], 'L' => []];
$main = []; $lines = [];
$useMain = function () use (&$main, &$bad, &$served, $h) {
    $c = client($h['port']);
    fwrite($c, "x");
    [$k, $fd, $wid] = explode(' ', fread($c, 100));
    if ((int)$wid !== (int)$fd % 2) $bad++;
    $served['R'][$wid] = 1;
    $main[] = $c;
};
$useLines = function () use (&$lines, &$bad, &$served, $p2) {
    $l = client($p2);
    // Three lines in two writes: each is its own packet on the same worker.
    fwrite($l, "a\nb"); usleep(20000); fwrite($l, "\nc\n");
    foreach (['a', 'b', 'c'] as $want) {
        [$k, $fd, $wid, $port, $got] = explode(' ', trim(fgets($l)));
        if ((int)$wid !== (int)$fd % 2 || $port !== 'lines' || $got !== $want) { $bad++; echo "bad: $k $fd $wid $port $got\n"; }
        $served['L'][$wid] = 1;
    }
    $lines[] = $l;
};
// One at a time (each answered before the next connects), so both ports get odd and even fds.
for ($i = 0; $i < 10; $i++) {
    if ($i % 2) { $useLines(); $useMain(); } else { $useMain(); $useLines(); }
}
ksort($served['R']); ksort($served['L']);
echo "misrouted: $bad\n";
echo "main port served by workers: ", implode(',', array_keys($served['R'])), "\n";
echo "extra port served by workers: ", implode(',', array_keys($served['L'])), "\n";
// The extra port's heartbeat closes its idle sessions; the main port's stay open.
$gone = 0;
foreach ($lines as $l) { $gone += sees_eof($l, 4) ? 1 : 0; }
echo "idle extra-port sessions closed by its heartbeat: $gone\n";
$open = 0;
foreach ($main as $c) { fwrite($c, "y"); $open += str_starts_with((string)fread($c, 100), 'R ') ? 1 : 0; }
echo "main-port sessions still served: $open\n";
foreach ($main as $c) fclose($c);
usleep(300000);
$out = stop_server($h);
echo "server output: [", trim($out), "]\n";
$ev = [];
$wrong = 0;
foreach (array_filter(explode("\n", (string)file_get_contents("$dir/log"))) as $line) {
    [$what, $port, $fd, $wid] = explode(' ', $line);
    $ev["$what $port"] = ($ev["$what $port"] ?? 0) + 1;
    if ((int)$wid !== (int)$fd % 2) $wrong++;
}
ksort($ev);
echo json_encode($ev), " on the wrong worker: $wrong\n";
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
misrouted: 0
main port served by workers: 0,1
extra port served by workers: 0,1
idle extra-port sessions closed by its heartbeat: 10
main-port sessions still served: 10
server output: []
{"close lines":10,"close main":10,"connect lines":10,"connect main":10} on the wrong worker: 0

--TEST--
SWOOLE_PROCESS: heartbeat() from any worker lists every idle session of the server (not protect()ed ones, not recently active ones), heartbeat(true) closes them (onClose with reactor id -1), before the master's own check does
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
// The master's own check runs every 30 s: within the test only heartbeat() closes.
$s->set(['worker_num' => 2, 'heartbeat_check_interval' => 30, 'heartbeat_idle_time' => 1]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $d = trim($data);
    if ($d === 'protect') { $s->protect($fd); }
    $r = match ($d) {
        'hb' => json_encode($s->heartbeat(false)),
        'hbc' => json_encode($s->heartbeat()),
        'count' => count($s->getClientList() ?: []),
        default => 'ok',
    };
    $s->send($fd, "$r (worker {$s->worker_id})\n");
});
// One write per line: two workers print.
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd rid " . ($rid < 0 ? $rid : "of its reactor") . "\n"; });
$s->start();
PHP);
$c1 = client($h['port']); fwrite($c1, "hi\n"); echo "1: ", fgets($c1);
$c2 = client($h['port']); fwrite($c2, "hi\n"); echo "2: ", fgets($c2);
$c3 = client($h['port']); // never sends
// Session 3 is open before session 4 connects (ids follow the accept order).
for ($i = 0; $i < 300; $i++) { fwrite($c2, "count\n"); if ((int)fgets($c2) >= 3) { break; } usleep(10000); }
$c4 = client($h['port']); fwrite($c4, "protect\n"); echo "4: ", fgets($c4);
usleep(1300000);
fwrite($c2, "again\n"); echo "2: ", fgets($c2);
$c5 = client($h['port']); // session 5: worker 1
fwrite($c5, "hb\n"); echo "5: ", fgets($c5);
$c6 = client($h['port']); // session 6: worker 0
fwrite($c6, "hb\n"); echo "6: ", fgets($c6);
$open = function ($c) { $r = [$c]; $w = $e = null; return stream_select($r, $w, $e, 0, 200000) === 0; };
echo "1 and 3 still open: ", var_export($open($c1) && $open($c3), true), "\n";
fwrite($c6, "hbc\n"); echo "6: ", fgets($c6);
echo "1 closed: ", var_export(sees_eof($c1, 3), true), "\n";
echo "3 closed: ", var_export(sees_eof($c3, 3), true), "\n";
echo "2 and 4 still open: ", var_export($open($c2) && $open($c4), true), "\n";
fwrite($c4, "hi\n"); echo "4: ", fgets($c4);
fwrite($c6, "hb\n"); echo "6: ", fgets($c6);
foreach ([$c2, $c4, $c5, $c6] as $c) { fclose($c); }
// Their onClose runs before the stop (else the shutdown would close them, with -1).
for ($i = 0; $i < 250 && substr_count((string)file_get_contents($h['out']), 'close ') < 6; $i++) { usleep(20000); }
$out = explode("\n", trim(stop_server($h)));
sort($out);
echo implode("\n", $out), "\n";
?>
--EXPECT--
1: ok (worker 1)
2: ok (worker 0)
4: ok (worker 0)
2: ok (worker 0)
5: [1,3] (worker 1)
6: [1,3] (worker 0)
1 and 3 still open: true
6: [1,3] (worker 0)
1 closed: true
3 closed: true
2 and 4 still open: true
4: ok (worker 0)
6: [] (worker 0)
close 1 rid -1
close 2 rid of its reactor
close 3 rid -1
close 4 rid of its reactor
close 5 rid of its reactor
close 6 rid of its reactor

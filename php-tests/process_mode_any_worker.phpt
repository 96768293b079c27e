--TEST--
SWOOLE_PROCESS: send, close, exists, getClientInfo, getClientList, $server->connections, pause/resume work from every event worker and task worker on every session (the master owns them)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'task_worker_num' => 1]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $data = trim($data);
    if ($data === 'ping') { $s->send($fd, "pong from {$s->worker_id}\n"); return; }
    // fd 2 (worker 0) acts on fd 1 (worker 1).
    $cmd = explode(' ', $data);
    switch ($cmd[0]) {
        case 'look':
            $i = $s->getClientInfo(1);
            $s->send($fd, json_encode([
                'worker' => $s->worker_id, 'exists' => $s->exists(1), 'exists_99' => $s->exists(99),
                'ip' => $i['remote_ip'], 'list' => $s->getClientList(), 'count' => count($s->connections),
                'isset' => isset($s->connections[1]), 'iter' => iterator_to_array($s->connections, false),
            ]) . "\n");
            break;
        case 'send': $s->send($fd, var_export($s->send(1, "hello from worker {$s->worker_id}\n"), true) . "\n"); break;
        case 'pause': $s->send($fd, var_export($s->pause(1), true) . "\n"); break;
        case 'resume': $s->send($fd, var_export($s->resume(1), true) . "\n"); break;
        case 'task': $s->task('go'); break;
    }
});
$s->on('Task', function ($s, $tid, $src, $data) {
    $ok = $s->exists(1) && $s->getClientInfo(1)['remote_ip'] === '127.0.0.1';
    $s->send(1, "hello from the task worker ($ok)\n");
    $s->close(1);
    return 'done';
});
$s->on('Finish', function ($s, $tid, $r) { $s->send(2, "task $r\n"); });
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd in worker {$s->worker_id}\n"; });
$s->start();
PHP);
$a = client($h['port']);
fwrite($a, "ping\n"); echo fgets($a);
$b = client($h['port']);
fwrite($b, "ping\n"); echo fgets($b);
fwrite($b, "look\n"); echo fgets($b);
fwrite($b, "send\n"); echo fgets($b); echo "a got: ", fgets($a);
fwrite($b, "pause\n"); echo fgets($b);
// b's reply and the pause of a can be handled by different reactor threads of the master:
// leave the pause time to land before a speaks.
usleep(300000);
fwrite($a, "ping\n");
$r = [$a]; $w = $e = null;
echo "a answered while paused: ", var_export(stream_select($r, $w, $e, 0, 400000) > 0, true), "\n";
fwrite($b, "resume\n"); echo fgets($b);
echo "a after resume: ", fgets($a);
fwrite($b, "task\n");
echo "a got: ", fgets($a);
echo "a closed by the task worker: ", var_export(sees_eof($a), true), "\n";
echo fgets($b);
fclose($b);
usleep(200000);
// onClose of 1 (worker 1, after the task worker's close) and of 2 (worker 0, after fclose)
// run in two processes: their lines may come in either order.
$lines = explode("\n", rtrim(stop_server($h), "\n"));
sort($lines);
echo implode("\n", $lines), "\n";
?>
--EXPECT--
pong from 1
pong from 0
{"worker":0,"exists":true,"exists_99":false,"ip":"127.0.0.1","list":[1,2],"count":2,"isset":true,"iter":[1,2]}
true
a got: hello from worker 0
true
a answered while paused: false
true
a after resume: pong from 1
a got: hello from the task worker (1)
a closed by the task worker: true
task done
close 1 in worker 1
close 2 in worker 0

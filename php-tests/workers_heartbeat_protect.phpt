--TEST--
worker_num=2 heartbeat: each worker closes its own idle sessions; protect() called in one worker on another worker's session reaches its owner and exempts it
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "heartbeat_check_interval" => 0.2, "heartbeat_idle_time" => 0.8]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $cmd = explode(" ", trim($data));
    if ($cmd[0] === "who") { $s->send($fd, $s->getWorkerId() . " $fd\n"); return; }
    if ($cmd[0] === "protect") { $s->send($fd, json_encode($s->protect((int)$cmd[1])) . "\n"); return; }
    $s->send($fd, "pong\n");
});
// One write per line: two workers print at the same time, and echo with commas is one write
// per argument.
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd " . $s->getClientInfo($fd)["close_reason"] . "\n"; });
$s->start();
');
wait_children(server_pid($h), 2);
$by = [0 => [], 1 => []];
for ($i = 0; $i < 40 && (count($by[0]) < 2 || count($by[1]) < 2); $i++) {
    $c = client($h['port']);
    fwrite($c, "who");
    [$wid, $fd] = explode(" ", trim(fgets($c)));
    $by[(int)$wid][] = [$c, (int)$fd];
}
[$asker, $askerFd] = $by[0][0];
[$target, $targetFd] = $by[1][0];
[$other, $otherFd] = $by[1][1];
fwrite($asker, "protect $targetFd");
echo "protect forwarded: ", trim(fgets($asker)), "\n";
// Keep the asker alive; let worker 1's sessions go idle.
for ($i = 0; $i < 8; $i++) { usleep(250000); fwrite($asker, "ping"); fgets($asker); }
echo "unprotected idle session of worker 1 closed: ", var_export(sees_eof($other, 3.0), true), "\n";
fwrite($target, "ping");
echo "protected session of worker 1 still served: ", trim((string)fgets($target)), "\n";
$out = stop_server($h);
echo "heartbeat close for $otherFd: ", preg_match("/^Close $otherFd heartbeat$/m", $out), "\n";
echo "no heartbeat close for $targetFd: ", preg_match("/^Close $targetFd heartbeat$/m", $out) ? "no" : "yes", "\n";
echo "exit {$h['exit']}\n";
?>
--EXPECTF--
protect forwarded: true
unprotected idle session of worker 1 closed: true
protected session of worker 1 still served: pong
heartbeat close for %d: 1
no heartbeat close for %d: yes
exit 0

--TEST--
worker_num=2: getClientList(), count()/foreach/isset on $server->connections see every worker's sessions; pause()/resume() work on another worker's session
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $cmd = explode(" ", trim($data));
    switch ($cmd[0]) {
        case "who": $s->send($fd, $s->getWorkerId() . " $fd\n"); break;
        case "views":
            $list = $s->getClientList(0, 100);
            $iter = [];
            foreach ($s->connections as $c) { $iter[] = $c; }
            $s->send($fd, json_encode([$list, count($s->connections), $iter,
                isset($s->connections[(int)$cmd[1]]), isset($s->connections[999999])]) . "\n");
            break;
        case "pause": $s->send($fd, json_encode($s->pause((int)$cmd[1])) . "\n"); break;
        case "resume": $s->send($fd, json_encode($s->resume((int)$cmd[1])) . "\n"); break;
        default: $s->send($fd, "echo " . $cmd[0] . "\n");
    }
});
$s->start();
');
wait_children(server_pid($h), 2);
$by = [0 => [], 1 => []];
$fds = [];
for ($i = 0; $i < 60 && (count($by[0]) < 3 || count($by[1]) < 3); $i++) {
    $c = client($h['port']);
    fwrite($c, "who");
    [$wid, $fd] = explode(" ", trim(fgets($c)));
    $by[(int)$wid][] = [$c, (int)$fd];
    $fds[] = (int)$fd;
}
sort($fds);
echo "both workers hold sessions: ", count($by[0]) >= 3 && count($by[1]) >= 3 ? "yes" : "no", "\n";
[$asker, $askerFd] = $by[0][0];
[$other, $otherFd] = $by[1][0];
fwrite($asker, "views $otherFd");
[$list, $count, $iter, $issetOther, $issetUnknown] = json_decode(fgets($asker), true);
echo "getClientList has every session, ascending: ", var_export($list === $fds, true), "\n";
echo "count: ", var_export($count === count($fds), true), "\n";
echo "foreach: ", var_export($iter === $fds, true), "\n";
echo "isset other worker's fd: ", var_export($issetOther, true), "; unknown: ", var_export($issetUnknown, true), "\n";
// Pause worker 1's session from worker 0: its data waits until resume.
fwrite($asker, "pause $otherFd");
echo "pause: ", trim(fgets($asker)), "\n";
usleep(200000);
fwrite($other, "ping");
stream_set_timeout($other, 0, 500000);
$got = fgets($other);
echo "paused session answered: ", var_export($got !== false, true), "\n";
fwrite($asker, "resume $otherFd");
echo "resume: ", trim(fgets($asker)), "\n";
stream_set_timeout($other, 5);
echo "after resume: ", trim(fgets($other)), "\n";
stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
both workers hold sessions: yes
getClientList has every session, ascending: true
count: true
foreach: true
isset other worker's fd: true; unknown: false
pause: true
paused session answered: false
resume: true
after resume: echo ping
exit 0

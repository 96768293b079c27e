--TEST--
worker_num=2: send(), exists() and close() on a session owned by another worker are forwarded to it (large sends too); onClose fires once, in the owner
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $cmd = explode(" ", trim($data));
    switch ($cmd[0]) {
        case "id": $s->send($fd, getmypid() . " $fd\n"); break;
        case "to": $s->send($fd, var_export($s->send((int)$cmd[1], $cmd[2] === "big" ? str_repeat("B", 300000) . "\n" : "$cmd[2]\n"), true) . "\n"); break;
        case "exists": $s->send($fd, var_export($s->exists((int)$cmd[1]), true) . "\n"); break;
        case "close": $s->send($fd, var_export($s->close((int)$cmd[1]), true) . "\n"); break;
    }
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid " . getmypid() . "\n"; });
$s->start();
');
$mgr = server_pid($h);
wait_children($mgr, 2);
$by = [];
for ($i = 0; $i < 60 && count($by) < 2; $i++) {
    $c = client($h['port']);
    fwrite($c, "id");
    [$pid, $fd] = explode(" ", trim(fgets($c)));
    $by[$pid] ??= [$c, (int)$fd];
}
var_dump(count($by));
[[$a, $fa], [$b, $fb]] = array_values($by);
$pidB = array_keys($by)[1];
fwrite($a, "to $fb hello"); echo "A: ", fgets($a);
echo "B got: ", fgets($b);
fwrite($a, "to $fb big"); echo "A: ", fgets($a);
echo "B got big: ", strlen(fgets($b)), "\n";
fwrite($a, "exists $fb"); echo "exists: ", fgets($a);
fwrite($a, "exists 999999"); echo "exists unknown: ", fgets($a);
fwrite($a, "close $fb"); echo "close: ", fgets($a);
echo "B sees EOF: ", var_export(sees_eof($b), true), "\n";
usleep(100000);
fwrite($a, "exists $fb"); echo "exists after close: ", fgets($a);
fwrite($a, "to $fb again"); echo "send after close: ", fgets($a);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
$lines = explode("\n", trim($out));
echo "onClose for B: ", implode(",", preg_grep("/^Close $fb /", $lines)) === "Close $fb -1 $pidB" ? "once, in its owner" : "wrong", "\n";
?>
--EXPECT--
int(2)
A: true
B got: hello
A: true
B got big: 300001
exists: true
exists unknown: false
close: true
B sees EOF: true
exists after close: false
send after close: false
exit 0
onClose for B: once, in its owner

--TEST--
Server::pause()/resume(): no onReceive while paused, buffered data arrives after resume; unknown fd is false
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    if ($data === "pause me") {
        var_dump($s->pause($fd));
        $s->send($fd, "paused");
    } elseif (str_starts_with($data, "resume ")) {
        var_dump($s->pause(999), $s->resume(999));
        var_dump($s->resume((int)substr($data, 7)));
        $s->send($fd, "resumed");
    } else {
        $s->send($fd, "echo:$data");
    }
});
$s->start();
');
$a = client($h['port']);
fwrite($a, "pause me");
var_dump(recv_exact($a, 6));
fwrite($a, "held");
$r = [$a]; $w = $e = null;
var_dump(stream_select($r, $w, $e, 0, 300000));
$b = client($h['port']);
fwrite($b, "resume 1");
var_dump(recv_exact($b, 7));
var_dump(recv_exact($a, 9));
show_server($h);
?>
--EXPECT--
string(6) "paused"
int(0)
string(7) "resumed"
string(9) "echo:held"
--- server exit 0 ---
Receive 1 pause me
bool(true)
Receive 2 resume 1
bool(false)
bool(false)
bool(true)
Receive 1 held

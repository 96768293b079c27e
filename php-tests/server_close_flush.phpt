--TEST--
Server::close() after a large send() flushes the queued output before closing; close($fd, true) still fires onClose
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "big") {
        var_dump($s->send($fd, str_repeat("0123456789abcdef", 4 << 16)));
        var_dump($s->close($fd));
    } else {
        var_dump($s->close($fd, true));
    }
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->start();
');
$c = client($h['port']);
fwrite($c, "big");
usleep(300000);
$got = recv_all($c);
var_dump(strlen($got), $got === str_repeat("0123456789abcdef", 4 << 16), feof($c));
$c2 = client($h['port']);
fwrite($c2, "reset");
var_dump(sees_eof($c2));
var_dump(wait_for_output($h, "Close 2"));
show_server($h);
?>
--EXPECT--
int(4194304)
bool(true)
bool(true)
bool(true)
bool(true)
--- server exit 0 ---
bool(true)
Close 1 -1
bool(true)
Close 2 -1
bool(true)

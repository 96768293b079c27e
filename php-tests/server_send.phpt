--TEST--
Server::send(): binary-safe; unknown fd is false with error 1005 and no warning; empty data warns (550); before start warns
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
var_dump($s->send(1, "early"));
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "bytes") {
        $all = "";
        for ($i = 0; $i < 256; $i++) {
            $all .= chr($i);
        }
        var_dump($s->send($fd, $all));
    } elseif ($data === "errors") {
        swoole_clear_error();
        var_dump($s->send(999, "x"));
        var_dump($s->getLastError(), swoole_last_error());
        var_dump($s->send($fd, ""));
        var_dump($s->getLastError());
        var_dump($s->send($fd, "done"));
    } else {
        echo "Receive ", strlen($data), " ", bin2hex($data), "\n";
        var_dump($s->send($fd, $data));
    }
});
$s->start();
');
$c = client($h['port']);
fwrite($c, "bytes");
$got = recv_exact($c, 256);
var_dump(strlen($got), $got === implode("", array_map("chr", range(0, 255))));
fwrite($c, "a\0b\0\0");
var_dump(bin2hex(recv_exact($c, 5)));
fwrite($c, "errors");
var_dump(recv_exact($c, 4));
fclose($c);
show_server($h);
?>
--EXPECTF--
int(256)
bool(true)
string(10) "6100620000"
string(4) "done"
--- server exit 0 ---

Warning: Swoole\Server::send(): server is not running in SERVER on line %d
bool(false)
bool(true)
Receive 5 6100620000
bool(true)
bool(false)
int(1005)
int(1005)

Warning: Swoole\Server::send(): the data sent must not be empty in SERVER on line %d
bool(false)
int(550)
bool(true)

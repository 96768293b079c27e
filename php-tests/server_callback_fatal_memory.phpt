--TEST--
A real E_ERROR in a callback (memory limit exhausted) is reported as PHP's fatal error and the server exits with code 255
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    $big = str_repeat("x", 64 << 20);
    echo "not reached\n";
});
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
echo "not reached: start() returned\n";
', ['memory_limit' => '32M']);
$c = client($h['port']);
fwrite($c, "x");
var_dump(sees_eof($c));
wait_server($h, 3);
show_server($h);
?>
--EXPECTF--
bool(true)
--- server exit 255 ---
Receive 1 x

Fatal error: Allowed memory size of 33554432 bytes exhausted%s(tried to allocate %d bytes) in SERVER on line %d

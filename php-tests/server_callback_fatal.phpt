--TEST--
A real fatal error in a callback (E_USER_ERROR) is reported by PHP and ends the process with exit code 255
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    trigger_error("this is fatal", E_USER_ERROR);
});
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
echo "start() returned\n";
');
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
%A
Fatal error: this is fatal in SERVER on line %d

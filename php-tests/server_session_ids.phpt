--TEST--
Session ids start at 1 and increase per connection; they are never reused after a close
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) { echo "Connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "fd=$fd;"); });
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->start();
');
for ($i = 1; $i <= 3; $i++) {
    $c = client($h['port']);
    fwrite($c, "who");
    var_dump(recv_exact($c, 5));
    fclose($c);
    wait_for_output($h, "Close $i 0");
}
show_server($h);
?>
--EXPECT--
string(5) "fd=1;"
string(5) "fd=2;"
string(5) "fd=3;"
--- server exit 0 ---
Connect 1
Close 1 0
Connect 2
Close 2 0
Connect 3
Close 3 0

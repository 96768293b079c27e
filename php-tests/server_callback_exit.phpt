--TEST--
exit(3) inside a callback shuts the server down gracefully (onClose for open connections, WorkerStop, Shutdown) and the process exits with code 3
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Connect", function ($s, $fd, $rid) { echo "Connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    if ($data === "exit") {
        exit(3);
    }
    $s->send($fd, "ok");
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->on("WorkerStop", function ($s, $wid) { echo "WorkerStop $wid\n"; });
$s->on("Shutdown", function ($s) { echo "Shutdown\n"; });
$s->start();
echo "not reached: start() returned\n";
');
$c1 = client($h['port']);
fwrite($c1, "hi");
var_dump(recv_exact($c1, 2));
$c2 = client($h['port']);
fwrite($c2, "exit");
var_dump(sees_eof($c1), sees_eof($c2));
wait_server($h);
show_server($h);
?>
--EXPECTF--
string(2) "ok"
bool(true)
bool(true)
--- server exit 3 ---
Connect 1
Receive 1 hi
Connect 2
Receive 2 exit
Close %d -1
Close %d -1
WorkerStop 0
Shutdown

--TEST--
SWOOLE_PROCESS: enable_delay_receive: the master does not read a new connection until a worker calls confirm($fd) (from any worker; true once handed over), then everything the client sent arrives in order
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'enable_delay_receive' => true]);
$s->on('Connect', function ($s, $fd) {
    // The first connection waits; the second confirms itself and then the first (fd 1 is
    // worker 1's, fd 2 worker 0's: a confirm() from another worker).
    if ($fd >= 2) {
        echo "confirm $fd: ", var_export($s->confirm($fd), true), " in worker {$s->worker_id}\n";
        echo "confirm ", $fd - 1, ": ", var_export($s->confirm($fd - 1), true), " in worker {$s->worker_id}\n";
    }
});
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $s->send($fd, "got $fd: $data");
});
$s->start();
PHP);
$a = client($h['port']);
fwrite($a, "one\n");
usleep(100000);
fwrite($a, "two\n");
$r = [$a]; $w = $e = null;
echo "read before confirm: ", stream_select($r, $w, $e, 0, 700000) > 0 ? 'yes' : 'no', "\n";
$b = client($h['port']);
fwrite($b, "three\n");
echo fgets($b);
echo recv_exact($a, strlen("got 1: one\ntwo\n")) === "got 1: one\ntwo\n" ? "a answered after confirm, in order\n" : "a: wrong answer\n";
fclose($a);
fclose($b);
$out = stop_server($h);
echo "exit {$h['exit']}\n", $out;
?>
--EXPECT--
read before confirm: no
got 2: three
a answered after confirm, in order
exit 0
confirm 2: true in worker 0
confirm 1: true in worker 0

--TEST--
A client that disconnects while a large reply is being written costs only its own connection
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    if ($data === 'big') {
        // true if it was all queued, false if the peer was already gone: both are fine.
        $s->send($fd, str_repeat('x', 32 << 20));
        echo "big reply handed over\n";
        return;
    }
    $s->send($fd, "echo:$data");
});
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd rid=$rid\n"; });
$s->start();
PHP);
$gone = client($h['port']);
$stay = client($h['port']);
fwrite($gone, 'big');
fread($gone, 1000);       // read a little, then vanish mid-transfer
fclose($gone);
usleep(300000);
fwrite($stay, 'hi');
var_dump(recv_exact($stay, 7));
fclose($stay);
usleep(200000);
show_server($h);
?>
--EXPECT--
string(7) "echo:hi"
--- server exit 0 ---
big reply handed over
close 1 rid=0
close 2 rid=0

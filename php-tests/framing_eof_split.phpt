--TEST--
open_eof_split: one onReceive per packet (delimiter included), whatever the TCP segmentation
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$s->set(['open_eof_split' => true, 'package_eof' => "\r\n"]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    echo "packet ", json_encode($data), "\n";
    $s->send($fd, "[" . strlen($data) . "]");
});
$s->start();
PHP);
$c = client_nodelay($h['port']);
// Three packets in one write, the third incomplete; then its end, with the delimiter split.
fwrite($c, "one\r\ntwo\r\nthr");
echo recv_exact($c, 10), "\n";
usleep(50000);
fwrite($c, "ee\r");
usleep(50000);
fwrite($c, "\n");
echo recv_exact($c, 3), "\n";
// One packet written a byte at a time.
write_in_pieces($c, "slow\r\n");
echo recv_exact($c, 3), "\n";
fclose($c);
show_server($h);
?>
--EXPECT--
[5][5]
[7]
[6]
--- server exit 0 ---
packet "one\r\n"
packet "two\r\n"
packet "three\r\n"
packet "slow\r\n"

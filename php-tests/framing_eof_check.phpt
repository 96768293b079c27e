--TEST--
open_eof_check: delivers the buffered data once it ends with package_eof (may hold several packets)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$s->set(['open_eof_check' => true, 'package_eof' => "#END#"]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    echo "receive ", json_encode($data), "\n";
    $s->send($fd, "ok");
});
$s->start();
PHP);
$c = client_nodelay($h['port']);
fwrite($c, "a#END#b#END#");
echo recv_exact($c, 2), "\n";
write_in_pieces($c, "cc#EN", 2);
usleep(50000);
fwrite($c, "D#");
echo recv_exact($c, 2), "\n";
fclose($c);
show_server($h);
?>
--EXPECT--
ok
ok
--- server exit 0 ---
receive "a#END#b#END#"
receive "cc#END#"

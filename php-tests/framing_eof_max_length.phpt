--TEST--
EOF framing: undelimited data beyond package_max_length closes the connection with warning 1201
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$s->set(['open_eof_split' => true, 'package_eof' => "\n", 'package_max_length' => 65536]);
$s->on('Receive', function ($s, $fd, $rid, $data) { echo "receive ", strlen($data), "\n"; });
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd rid=$rid\n"; });
$s->start();
PHP);
$c = client($h['port']);
fwrite($c, "short\n");
usleep(50000);
@fwrite($c, str_repeat("x", 200000));
var_dump(sees_eof($c));
show_server($h);
?>
--EXPECTF--
bool(true)
--- server exit 0 ---
receive 6

Warning: Swoole\Server::start(): the received packet length %d is too large (package_max_length is 65536), remote_addr=127.0.0.1:%d in SERVER on line %d
close 1 rid=0

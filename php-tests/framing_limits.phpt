--TEST--
package_max_length and malformed lengths close only the offending connection, with warnings 1201/1204 and onClose
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$s->set(['open_length_check' => true, 'package_length_type' => 'l', 'package_body_offset' => 4,
         'package_max_length' => 1024]);
$s->on('Connect', function ($s, $fd) { echo "connect $fd\n"; });
$s->on('Receive', function ($s, $fd, $rid, $data) { $s->send($fd, "ok"); });
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd rid=$rid last_error=", $s->getLastError(), "\n"; });
$s->start();
PHP);
$good = client_nodelay($h['port']);
usleep(50000);
$big = client_nodelay($h['port']);
usleep(50000);
$neg = client_nodelay($h['port']);
usleep(50000);
fwrite($big, pack('l', 5000) . "xxxx");
var_dump(sees_eof($big));
usleep(50000);
fwrite($neg, pack('l', -1) . "xxxx");
var_dump(sees_eof($neg));
usleep(50000);
fwrite($good, pack('l', 1) . "a");
var_dump(recv_exact($good, 2));
fclose($good);
usleep(100000);
show_server($h);
?>
--EXPECTF--
bool(true)
bool(true)
string(2) "ok"
--- server exit 0 ---
connect 1
connect 2
connect 3

Warning: Swoole\Server::start(): the received packet length 5004 is too large (package_max_length is 1024), remote_addr=127.0.0.1:%d in SERVER on line %d
close 2 rid=0 last_error=1201

Warning: Swoole\Server::start(): received %d bytes of malformed data, remote_addr=127.0.0.1:%d in SERVER on line %d
close 3 rid=0 last_error=1204
close 1 rid=0 last_error=1204

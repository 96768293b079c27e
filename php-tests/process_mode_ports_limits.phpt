--TEST--
SWOOLE_PROCESS with an extra port: package_max_length set on that port (Port::set()) closes only that port's oversized sessions (the master logs the framing error); the primary port, with the server's larger limit, takes the same packet; a TCP6 extra port is served too
--SKIPIF--
<?php if (!@stream_socket_server('tcp://[::1]:0')) die('skip no IPv6 loopback'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$p2 = free_port(); $p6 = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS);
$s->set(["worker_num" => 1, "open_length_check" => true, "package_length_type" => "N", "package_body_offset" => 4, "package_max_length" => 1 << 20]);
$small = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$small->set(["package_max_length" => 1024]);
$v6 = $s->listen("::1", ' . $p6 . ', SWOOLE_SOCK_TCP6);
$s->on("Receive", function ($s, $fd, $rid, $d) {
    $i = $s->getClientInfo($fd);
    $r = "{$i["server_port"]} {$i["remote_ip"]} " . strlen($d);
    $s->send($fd, pack("N", strlen($r)) . $r);
});
$s->on("Close", function ($s, $fd) { echo "close $fd\n"; });
$s->start();
');
$t = microtime(true) + 5; while (!is_listening($p2) && microtime(true) < $t) usleep(10000);
$msg = fn($n) => pack('N', $n) . str_repeat('x', $n);
$read = function ($c) { $n = unpack('N', recv_exact($c, 4))[1]; return recv_exact($c, $n); };
$name = fn($r) => str_replace([(string)$h['port'], (string)$p2, (string)$p6], ['PRIMARY', 'SMALL', 'V6'], $r);
$a = client($h['port']);
fwrite($a, $msg(4000));
echo $name($read($a)), "\n";
$b = client($p2);
fwrite($b, $msg(100));
echo $name($read($b)), "\n";
fwrite($b, $msg(4000));
var_dump(sees_eof($b));
$c = stream_socket_client("tcp://[::1]:$p6", $errno, $errstr, 2);
stream_set_timeout($c, 5);
fwrite($c, $msg(10));
echo $name($read($c)), "\n";
fwrite($a, $msg(5));
echo $name($read($a)), "\n";
fclose($a); fclose($c);
usleep(300000);
$out = stop_server($h);
echo preg_match('/WARNING\tconnection#2 closed \(ERRNO 1201\): the received packet length 4004 is too large \(package_max_length is \d+\), remote_addr=127\.0\.0\.1:\d+/', $out), " framing error logged\n";
echo preg_match_all('/^close (\d+)$/m', $out, $m), " closes: ", implode(' ', $m[1]), "\n";
?>
--EXPECT--
PRIMARY 127.0.0.1 4004
SMALL 127.0.0.1 104
bool(true)
V6 ::1 14
PRIMARY 127.0.0.1 9
1 framing error logged
3 closes: 2 1 3

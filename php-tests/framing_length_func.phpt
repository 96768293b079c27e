--TEST--
package_length_func decides packet lengths: >0 length, 0 need more, <0 malformed (connection closed)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
// Protocol: a decimal length, a colon, then that many bytes ("5:hello").
$s->set(['open_length_check' => true, 'package_length_func' => function (string $buf): int {
    $colon = strpos($buf, ':');
    if ($colon === false) return strlen($buf) > 10 ? -1 : 0;
    if (!preg_match('/^[0-9]+$/', substr($buf, 0, $colon))) return -1;
    return $colon + 1 + (int)substr($buf, 0, $colon);
}]);
$s->on('Receive', function ($s, $fd, $rid, $data) { echo "packet ", json_encode($data), "\n"; $s->send($fd, "ok;"); });
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd\n"; });
$s->start();
PHP);
$c = client_nodelay($h['port']);
write_in_pieces($c, "5:hello3:abc", 2);
echo recv_exact($c, 6), "\n";
fwrite($c, "zz:oops");
var_dump(sees_eof($c));
show_server($h);
?>
--EXPECTF--
ok;ok;
bool(true)
--- server exit 0 ---
packet "5:hello"
packet "3:abc"

Warning: Swoole\Server::start(): received %d bytes of malformed data, remote_addr=127.0.0.1:%d in SERVER on line %d
close 1

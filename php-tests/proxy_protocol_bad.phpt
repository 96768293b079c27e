--TEST--
open_proxy_protocol: a missing, malformed, truncated or late header closes that connection with a warning naming the peer and the reason, before onConnect (no onClose), counted in stats()['proxy_protocol_errors']; an empty health-check connection is dropped silently; other connections are unaffected
--FILE--
<?php
require __DIR__ . '/_helper.php';
require __DIR__ . '/_proxy.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["open_proxy_protocol" => true, "proxy_protocol_timeout" => 0.5]);
$s->on("Connect", function ($s, $fd) {
    $i = $s->getClientInfo($fd);
    echo "connect $fd {$i["remote_ip"]}:{$i["remote_port"]}\n";
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $st = $s->stats();
    preg_match("/^swoole_proxy_protocol_errors_total (\\d+)$/m", $s->getMetrics(), $m);
    $s->send($fd, "$data errors={$st["proxy_protocol_errors"]} metric={$m[1]} accepted={$st["accept_count"]} open={$st["connection_num"]}");
});
$s->on("Close", function ($s, $fd) { echo "close $fd\n"; });
$s->start();
');

/** Sends $bytes as a connection\'s first bytes and shows what the client sees. */
function bad(string $title, string $bytes, int $port): void
{
    $c = nodelay_client($port);
    $lp = local_port($c);
    fwrite($c, $bytes);
    $t = microtime(true);
    $got = recv_all($c);
    printf("%s (port %s): %s\n", $title, $lp, $got === "" ? "closed" : "got " . json_encode($got));
    fclose($c);
}

$good = nodelay_client($h['port']);
fwrite($good, "PROXY TCP4 192.0.2.10 192.0.2.1 1111 80\r\n");
fwrite($good, "before");
echo fread($good, 100), "\n";

ob_start();
bad("plain data", "hello\n", $h['port']);
bad("http", "GET / HTTP/1.0\r\n\r\n", $h['port']);
bad("v1 port", "PROXY TCP4 1.2.3.4 5.6.7.8 99999 1\r\n", $h['port']);
bad("v1 family", "PROXY TCP4 ::1 ::1 1 2\r\n", $h['port']);
bad("v1 too long", "PROXY TCP4 " . str_repeat("1", 120), $h['port']);
bad("v2 version", PP2_SIGNATURE . "\x11\x11", $h['port']);
bad("v2 command", PP2_SIGNATURE . "\x2f\x11", $h['port']);
bad("v2 short", pp2(1, 0x21, str_repeat("\0", 12)), $h['port']);
bad("v2 tlv", pp2_inet("10.0.0.1", "10.0.0.2", 1, 2, "\x04\x00\x09abc"), $h['port']);
$t = microtime(true);
bad("late", "PROXY TCP4 1.2.3.4", $h['port']);
$late = microtime(true) - $t;
$out = ob_get_clean();
// The client ports differ per run: show them as P, and keep them to match the warnings.
preg_match_all('/\(port (\d+)\)/', $out, $m);
$ports = $m[1];
echo preg_replace('/\(port \d+\)/', '(port P)', $out);
echo "late closed after the timeout: ", var_export($late >= 0.4 && $late < 5, true), "\n";

echo "-- truncated, then an empty connection (a TCP health check)\n";
$c = nodelay_client($h['port']);
$ports[] = local_port($c);
fwrite($c, "PROXY TCP6 ::1");
usleep(100000);
fclose($c);
$c = nodelay_client($h['port']);
usleep(100000);
fclose($c);
usleep(200000);

fwrite($good, "after");
echo fread($good, 100), "\n";
fclose($good);
usleep(100000);
$out = stop_server($h);
foreach ($ports as $i => $p) {
    $out = str_replace("127.0.0.1:$p ", "127.0.0.1:P$i ", $out);
}
echo str_replace($h['file'], 'SERVER', $out);
?>
--EXPECTF--
before errors=0 metric=0 accepted=1 open=1
plain data (port P): closed
http (port P): closed
v1 port (port P): closed
v1 family (port P): closed
v1 too long (port P): closed
v2 version (port P): closed
v2 command (port P): closed
v2 short (port P): closed
v2 tlv (port P): closed
late (port P): closed
late closed after the timeout: true
-- truncated, then an empty connection (a TCP health check)
after errors=11 metric=11 accepted=1 open=1
connect 1 192.0.2.10:1111

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P0 before onConnect: the connection did not start with a PROXY protocol header in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P1 before onConnect: the connection did not start with a PROXY protocol header in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P2 before onConnect: malformed PROXY v1 header: port is not a number from 0 to 65535 in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P3 before onConnect: malformed PROXY v1 header: TCP4 address is not an IPv4 address in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P4 before onConnect: PROXY v1 header without \r\n in its first 107 bytes in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P5 before onConnect: PROXY v2 header with unsupported version 1 in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P6 before onConnect: PROXY v2 header with unknown command 15 in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P7 before onConnect: PROXY v2 header too short for its addresses: family 0x2 needs 36 bytes, length is 12 in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P8 before onConnect: PROXY v2 header with a TLV running past its end at byte 28 in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P9 before onConnect: no complete PROXY protocol header within 0.5 s (proxy_protocol_timeout) in SERVER on line %d

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from 127.0.0.1:P10 before onConnect: the peer closed the connection after 14 bytes, before a complete PROXY protocol header in SERVER on line %d
close 1

--TEST--
Ports: open_proxy_protocol set on one port only (Port::set()) applies there; the primary port serves plain clients; each port reports its own remote address
--FILE--
<?php
require __DIR__ . '/_helper.php';
require __DIR__ . '/_proxy.php';
$pp = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$lb = $s->listen("127.0.0.1", ' . $pp . ', SWOOLE_SOCK_TCP);
$lb->set(["open_proxy_protocol" => true, "proxy_protocol_timeout" => 1]);
$s->on("Receive", function ($s, $fd, $rid, $d) {
    $i = $s->getClientInfo($fd);
    $s->send($fd, "{$i["server_port"]} {$i["remote_ip"]}:{$i["remote_port"]} " . ($i["proxy_protocol"] ?? "-") . " $d");
});
$s->start();
');
$plain = client($h['port']);
fwrite($plain, "hello");
$r = fread($plain, 200);
echo str_replace([(string)$h['port'], ':' . local_port($plain) . ' '], ['PRIMARY', ':LOCAL '], $r), "\n";

$c = nodelay_client($pp);
fwrite($c, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 $pp\r\nhello");
echo str_replace((string)$pp, 'LB', fread($c, 200)), "\n";

$c2 = nodelay_client($pp);
fwrite($c2, pp2_inet('2001:db8::1', '::1', 50000, 443) . "v2");
echo str_replace((string)$pp, 'LB', fread($c2, 200)), "\n";

// Plain data on the PROXY port is refused; the primary port does not want a header.
$bad = nodelay_client($pp);
fwrite($bad, "hello\r\n");
var_dump(sees_eof($bad));
$hdr = client($h['port']);
fwrite($hdr, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 1\r\n");
$r = fread($hdr, 200);
var_dump(str_contains($r, "127.0.0.1:" . local_port($hdr)), str_ends_with($r, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 1\r\n"));
$out = stop_server($h);
echo substr_count($out, "open_proxy_protocol: closed the connection from 127.0.0.1:"), " warning\n";
?>
--EXPECT--
PRIMARY 127.0.0.1:LOCAL - hello
LB 203.0.113.7:40000 1 hello
LB 2001:db8::1:50000 2 v2
bool(true)
bool(true)
bool(true)
1 warning

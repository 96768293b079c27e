--TEST--
SWOOLE_PROCESS with open_proxy_protocol on an extra port (Port::set()): the master reads the PROXY v1/v2 header before the session exists; remote_ip/remote_port and the proxy_* keys of getClientInfo() are the header's in every worker; the primary port serves plain clients; a bad header costs that connection only (warned, counted, no session)
--FILE--
<?php
require __DIR__ . '/_helper.php';
require __DIR__ . '/_proxy.php';
$pp = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS);
$s->set(["worker_num" => 2, "reactor_num" => 2]);
$lb = $s->listen("127.0.0.1", ' . $pp . ', SWOOLE_SOCK_TCP);
$lb->set(["open_proxy_protocol" => true, "proxy_protocol_timeout" => 1]);
$s->on("Connect", function ($s, $fd) { $i = $s->getClientInfo($fd); echo "connect $fd {$i["remote_ip"]}\n"; });
$s->on("Receive", function ($s, $fd, $rid, $d) {
    if ($d === "stats") { $s->send($fd, json_encode([$s->stats()["proxy_protocol_errors"] ?? null, count($s->connections)])); return; }
    $i = $s->getClientInfo($fd);
    $s->send($fd, "{$i["server_port"]} {$i["remote_ip"]}:{$i["remote_port"]} " . ($i["proxy_protocol"] ?? "-") . " " . ($i["proxy_ip"] ?? "-") . " " . ($i["proxy_dst_ip"] ?? "-") . ":" . ($i["proxy_dst_port"] ?? "-") . " $d");
});
$s->start();
');
$t = microtime(true) + 5; while (!is_listening($pp) && microtime(true) < $t) usleep(10000);
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

// The header in pieces.
$c3 = nodelay_client($pp);
write_in_pieces($c3, "PROXY TCP4 198.51.100.3 127.0.0.1 41000 80\r\n", 7);
fwrite($c3, "pieces");
echo str_replace((string)$pp, 'LB', fread($c3, 200)), "\n";

// Plain data on the PROXY port is refused; a silent one times out; a health check leaves.
$bad = nodelay_client($pp);
fwrite($bad, "hello\r\n");
var_dump(sees_eof($bad));
$silent = nodelay_client($pp);
var_dump(sees_eof($silent, 3));
$hc = nodelay_client($pp);
fclose($hc);
usleep(100000);
// The primary port does not want a header.
$hdr = client($h['port']);
fwrite($hdr, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 1\r\n");
$r = fread($hdr, 200);
var_dump(str_contains($r, "127.0.0.1:" . local_port($hdr)));
fwrite($hdr, "stats");
echo fread($hdr, 200), "\n";
$out = stop_server($h);
echo substr_count($out, "open_proxy_protocol: closed the connection from 127.0.0.1:"), " warnings\n";
echo substr_count($out, "within 1 s (proxy_protocol_timeout)"), " timeout\n";
$connects = preg_match_all('/^connect (\d+) (\S+)$/m', $out, $m);
echo "connects: ", implode(' ', $m[2]), "\n";
?>
--EXPECT--
PRIMARY 127.0.0.1:LOCAL - - -:- hello
LB 203.0.113.7:40000 1 127.0.0.1 127.0.0.1:LB hello
LB 2001:db8::1:50000 2 127.0.0.1 ::1:443 v2
LB 198.51.100.3:41000 1 127.0.0.1 127.0.0.1:80 pieces
bool(true)
bool(true)
bool(true)
[2,5]
2 warnings
1 timeout
connects: 127.0.0.1 203.0.113.7 2001:db8::1 198.51.100.3 127.0.0.1

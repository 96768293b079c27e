--TEST--
open_proxy_protocol: v1 (TCP4, TCP6, UNKNOWN) and v2 (INET, INET6, UNIX, LOCAL, TLVs) headers give getClientInfo()/onConnect the client's address; split headers; data after the header reaches the framing unchanged; two workers, also across workers
--FILE--
<?php
require __DIR__ . '/_helper.php';
require __DIR__ . '/_proxy.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2, "open_proxy_protocol" => true, "open_eof_split" => true, "package_eof" => "\n"]);
$s->on("Connect", function ($s, $fd) {
    $i = $s->getClientInfo($fd);
    echo "connect {$i["remote_ip"]}:{$i["remote_port"]} v" . ($i["proxy_protocol"] ?? "-") . "\n";
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if (str_starts_with($data, "info ")) {
        $i = $s->getClientInfo((int)substr($data, 5));
        $s->send($fd, json_encode([$i["remote_ip"], $i["remote_port"]]) . "\n");
        return;
    }
    $keys = ["remote_ip", "remote_port", "proxy_protocol", "proxy_ip", "proxy_port", "proxy_dst_ip", "proxy_dst_port"];
    $i = array_intersect_key($s->getClientInfo($fd), array_flip($keys));
    $s->send($fd, json_encode(["fd" => $fd, "data" => $data] + $i) . "\n");
});
$s->start();
');

/** Reads one reply line; shows it with this client\'s own port replaced by LOCAL. */
function reply($c): array
{
    $line = fgets($c);
    if ($line === false) {
        echo "no reply\n";
        return [];
    }
    $r = json_decode($line, true);
    $shown = $r;
    unset($shown["fd"]);
    foreach (["remote_port", "proxy_port"] as $k) {
        if (isset($shown[$k]) && $shown[$k] === local_port($c)) {
            $shown[$k] = "LOCAL";
        }
    }
    echo json_encode($shown), "\n";
    return $r;
}

echo "-- v1 TCP4, header and data in one write (kept open)\n";
$c1 = nodelay_client($h['port']);
fwrite($c1, "PROXY TCP4 203.0.113.7 192.0.2.1 40001 443\r\nhello\n");
$first = reply($c1);

echo "-- v1 TCP6, data in a later write\n";
$c = nodelay_client($h['port']);
fwrite($c, "PROXY TCP6 2001:db8::7 2001:db8::1 40002 8443\r\n");
usleep(50000);
fwrite($c, "later\n");
reply($c);
fclose($c);

echo "-- v1 header in three pieces\n";
$c = nodelay_client($h['port']);
foreach (["PROXY TC", "P4 198.51.100.9 19", "8.51.100.1 65535 80\r", "\npieces\n"] as $piece) {
    fwrite($c, $piece);
    usleep(30000);
}
reply($c);
fclose($c);

echo "-- v2 INET, two packets in the same write (the second looks like a header)\n";
$c = nodelay_client($h['port']);
fwrite($c, pp2_inet("10.1.2.3", "10.3.2.1", 12345, 80) . "a\nPROXY TCP4 1.1.1.1 2.2.2.2 1 2\n");
reply($c);
reply($c);
fclose($c);

echo "-- v2 INET6 with TLVs, one byte per write\n";
$c = nodelay_client($h['port']);
$msg = pp2_inet("2001:db8::42", "::1", 5000, 9000, pp2_tlv(0x04, "\0\0\0") . pp2_tlv(0x02, "example.com")) . "bytes\n";
foreach (str_split($msg) as $byte) {
    fwrite($c, $byte);
    usleep(2000);
}
reply($c);
fclose($c);

echo "-- v2 UNIX\n";
$c = nodelay_client($h['port']);
fwrite($c, pp2(1, 0x31, str_pad("/run/client.sock", 108, "\0") . str_pad("/run/haproxy.sock", 108, "\0")) . "unix\n");
reply($c);
fclose($c);

echo "-- v2 LOCAL (a health check): the socket's own address\n";
$c = nodelay_client($h['port']);
fwrite($c, pp2(0, 0x00, "") . "local\n");
reply($c);
fclose($c);

echo "-- v1 UNKNOWN: the socket's own address\n";
$c = nodelay_client($h['port']);
fwrite($c, "PROXY UNKNOWN\r\nunknown\n");
reply($c);

echo "-- the first session's address, asked on another connection (maybe another worker)\n";
fwrite($c, "info {$first['fd']}\n");
echo fgets($c);
fclose($c);
fwrite($c1, "still\n");
reply($c1);
fclose($c1);
show_server($h);
?>
--EXPECTF--
-- v1 TCP4, header and data in one write (kept open)
{"data":"hello\n","remote_port":40001,"remote_ip":"203.0.113.7","proxy_protocol":1,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"192.0.2.1","proxy_dst_port":443}
-- v1 TCP6, data in a later write
{"data":"later\n","remote_port":40002,"remote_ip":"2001:db8::7","proxy_protocol":1,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"2001:db8::1","proxy_dst_port":8443}
-- v1 header in three pieces
{"data":"pieces\n","remote_port":65535,"remote_ip":"198.51.100.9","proxy_protocol":1,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"198.51.100.1","proxy_dst_port":80}
-- v2 INET, two packets in the same write (the second looks like a header)
{"data":"a\n","remote_port":12345,"remote_ip":"10.1.2.3","proxy_protocol":2,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"10.3.2.1","proxy_dst_port":80}
{"data":"PROXY TCP4 1.1.1.1 2.2.2.2 1 2\n","remote_port":12345,"remote_ip":"10.1.2.3","proxy_protocol":2,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"10.3.2.1","proxy_dst_port":80}
-- v2 INET6 with TLVs, one byte per write
{"data":"bytes\n","remote_port":5000,"remote_ip":"2001:db8::42","proxy_protocol":2,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"::1","proxy_dst_port":9000}
-- v2 UNIX
{"data":"unix\n","remote_port":0,"remote_ip":"\/run\/client.sock","proxy_protocol":2,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"\/run\/haproxy.sock","proxy_dst_port":0}
-- v2 LOCAL (a health check): the socket's own address
{"data":"local\n","remote_port":"LOCAL","remote_ip":"127.0.0.1","proxy_protocol":2,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL"}
-- v1 UNKNOWN: the socket's own address
{"data":"unknown\n","remote_port":"LOCAL","remote_ip":"127.0.0.1","proxy_protocol":1,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL"}
-- the first session's address, asked on another connection (maybe another worker)
["203.0.113.7",40001]
{"data":"still\n","remote_port":40001,"remote_ip":"203.0.113.7","proxy_protocol":1,"proxy_ip":"127.0.0.1","proxy_port":"LOCAL","proxy_dst_ip":"192.0.2.1","proxy_dst_port":443}
--- server exit 0 ---
connect 203.0.113.7:40001 v1
connect 2001:db8::7:40002 v1
connect 198.51.100.9:65535 v1
connect 10.1.2.3:12345 v2
connect 2001:db8::42:5000 v2
connect /run/client.sock:0 v2
connect 127.0.0.1:%d v2
connect 127.0.0.1:%d v1
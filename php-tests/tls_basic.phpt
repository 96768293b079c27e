--TEST--
TLS (SWOOLE_SSL): handshake before onConnect, echo, EOF framing, large send, sendfile, close, getClientInfo, verified by the client against the CA
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
file_put_contents("$d/blob.bin", random_bytes(300000));
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
var_dump($s->ssl, $s->type);
$s->set([
    "ssl_cert_file" => "' . $d . '/server-chain.pem",
    "ssl_key_file" => "' . $d . '/server.key",
    "open_eof_split" => true,
    "package_eof" => "\n",
]);
$s->on("Connect", function ($s, $fd) { echo "Connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $cmd = rtrim($data);
    if ($cmd === "big") {
        $s->send($fd, str_repeat("x", 1 << 20) . "\n");
    } elseif ($cmd === "file") {
        var_dump($s->sendfile($fd, "' . $d . '/blob.bin"));
        var_dump($s->sendfile($fd, "' . $d . '/blob.bin", 100, 50));
    } elseif ($cmd === "info") {
        $i = $s->getClientInfo($fd);
        echo $i["remote_ip"], " ", isset($i["ssl_client_cert"]) ? "cert" : "no cert", "\n";
        $s->send($fd, "info done\n");
    } elseif ($cmd === "bye") {
        $s->send($fd, "bye\n");
        $s->close($fd);
    } else {
        $s->send($fd, "echo:$cmd\n");
    }
});
$s->on("Close", function ($s, $fd) { echo "Close $fd\n"; });
$s->start();
');
// The client checks the chain against the test CA and the host name.
$c = tls_client($h['port'], ['verify_peer' => true, 'verify_peer_name' => true, 'peer_name' => 'localhost', 'cafile' => "$d/ca.pem"]);
var_dump($c !== false);
fwrite($c, "one\ntwo\nthr");
fwrite($c, "ee\n");
echo fgets($c), fgets($c), fgets($c);
fwrite($c, "big\n");
$line = fgets($c, (1 << 20) + 10);
var_dump(strlen($line));
fwrite($c, "file\n");
$blob = file_get_contents("$d/blob.bin");
var_dump(recv_exact($c, strlen($blob) + 50) === $blob . substr($blob, 100, 50));
fwrite($c, "info\n");
echo fgets($c);
fwrite($c, "bye\n");
echo fgets($c);
var_dump(sees_eof($c));
show_server($h);
?>
--EXPECT--
bool(true)
echo:one
echo:two
echo:three
int(1048577)
bool(true)
info done
bye
bool(true)
--- server exit 0 ---
bool(true)
int(1)
Connect 1
bool(true)
bool(true)
127.0.0.1 no cert
Close 1

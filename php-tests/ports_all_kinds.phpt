--TEST--
Ports: one server with a TCP port, a UDP port, a TLS port and a PROXY-protocol port serves each, with its own callbacks and settings; a TLS port behind a PROXY header (header, then handshake)
--FILE--
<?php
require __DIR__ . '/_tls.php';
require __DIR__ . '/_proxy.php';
$d = make_certs();
$udp = free_port(); $tls = free_port(); $pp = free_port(); $pptls = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["open_eof_split" => true, "package_eof" => "\n"]);
$u = $s->listen("127.0.0.1", ' . $udp . ', SWOOLE_SOCK_UDP);
$t = $s->listen("127.0.0.1", ' . $tls . ', SWOOLE_SOCK_TCP | SWOOLE_SSL);
$t->set(["ssl_cert_file" => "' . $d . '/server-chain.pem", "ssl_key_file" => "' . $d . '/server.key"]);
$p = $s->listen("127.0.0.1", ' . $pp . ', SWOOLE_SOCK_TCP);
$p->set(["open_proxy_protocol" => true]);
$pt = $s->listen("127.0.0.1", ' . $pptls . ', SWOOLE_SOCK_TCP | SWOOLE_SSL);
$pt->set(["open_proxy_protocol" => true, "ssl_cert_file" => "' . $d . '/server.pem", "ssl_key_file" => "' . $d . '/server.key"]);
var_dump($s->ssl, $u->ssl, $t->ssl, $p->ssl, $pt->ssl, count($s->ports));
$reply = function ($s, $fd, $rid, $data) {
    $i = $s->getClientInfo($fd);
    $kind = $i["server_port"] === $s->port ? "tcp" : ($i["server_port"] === ' . $tls . ' ? "tls" : ($i["server_port"] === ' . $pp . ' ? "proxy" : "proxy+tls"));
    $cert = isset($i["ssl_client_cert"]) ? "cert" : "nocert";
    $s->send($fd, "$kind {$i["remote_ip"]}:{$i["remote_port"]} " . rtrim($data) . "\n");
};
$s->on("Receive", $reply);
$u->on("Packet", function ($s, $data, $ci) { $s->sendto($ci["address"], $ci["port"], "udp $data"); });
$s->start();
');
$c = client($h['port']);
fwrite($c, "hello\n");
echo str_replace(':' . local_port($c) . ' ', ':LOCAL ', fgets($c));

$u = stream_socket_client("udp://127.0.0.1:$udp", $errno, $errstr, 2);
fwrite($u, "ping");
stream_set_timeout($u, 5);
echo fread($u, 100), "\n";

$t = tls_client($tls, ['cafile' => "$d/ca.pem", 'verify_peer' => true, 'peer_name' => 'localhost', 'capture_peer_cert' => true]);
fwrite($t, "secret\n");
echo str_replace(':' . local_port($t) . ' ', ':LOCAL ', fgets($t)), peer_cn($t), "\n";

$x = nodelay_client($pp);
fwrite($x, "PROXY TCP4 198.51.100.9 127.0.0.1 41000 $pp\r\nbehind\n");
echo fgets($x);

// PROXY header in clear, then the TLS handshake on the same socket.
$raw = nodelay_client($pptls);
fwrite($raw, pp2_inet('198.51.100.10', '127.0.0.1', 42000, 443));
stream_context_set_option($raw, 'ssl', 'verify_peer', false);
stream_context_set_option($raw, 'ssl', 'verify_peer_name', false);
var_dump(stream_socket_enable_crypto($raw, true, STREAM_CRYPTO_METHOD_TLS_CLIENT));
fwrite($raw, "both\n");
echo fgets($raw);

// Plain text on the TLS port costs only that connection.
$bad = client($tls);
fwrite($bad, "not tls\n");
var_dump(sees_eof($bad));
fwrite($c, "still\n");
echo str_replace(':' . local_port($c) . ' ', ':LOCAL ', fgets($c));
show_server($h);
?>
--EXPECT--
tcp 127.0.0.1:LOCAL hello
udp ping
tls 127.0.0.1:LOCAL secret
localhost
proxy 198.51.100.9:41000 behind
bool(true)
proxy+tls 198.51.100.10:42000 both
bool(true)
tcp 127.0.0.1:LOCAL still
--- server exit 0 ---
bool(false)
bool(false)
bool(true)
bool(false)
bool(true)
int(5)

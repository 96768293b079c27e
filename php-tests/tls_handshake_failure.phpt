--TEST--
TLS: a failed handshake (plain-text client, TLS 1.2 client on a TLS 1.3-only port, a client that never speaks) costs that connection only: no onConnect/onClose, counted in stats()['ssl_handshake_fail_count'] and getMetrics(), bounded by ssl_handshake_timeout; max_connection counts handshakes in progress
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set([
    "ssl_cert_file" => "' . $d . '/server.pem",
    "ssl_key_file" => "' . $d . '/server.key",
    "ssl_protocols" => SWOOLE_SSL_TLSv1_3,
    "ssl_handshake_timeout" => 0.5,
    "max_connection" => 3,
]);
$s->on("Connect", function ($s, $fd) { echo "Connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "stats") {
        $st = $s->stats();
        $s->send($fd, "fails=" . $st["ssl_handshake_fail_count"] . " conns=" . $st["connection_num"] . " accepted=" . $st["accept_count"] . " aborted=" . $st["abort_count"]
            . " metric=" . (preg_match("/^swoole_tls_handshake_failures_total (\\d+)$/m", $s->getMetrics(), $m) ? $m[1] : "none"));
    } else {
        $s->send($fd, "echo:$data");
    }
});
$s->on("Close", function ($s, $fd) { echo "Close $fd\n"; });
$s->start();
');
$good = tls_client($h['port']);
fwrite($good, "first");
var_dump(fread($good, 100));

// 1. Plain text: the server answers with a TLS alert (or nothing) and closes.
$plain = client($h['port']);
fwrite($plain, "GET / HTTP/1.0\r\n\r\n");
var_dump(sees_eof($plain));

// 2. A TLS 1.2-only client on a TLS 1.3-only port.
$out = s_client($h['port'], '-tls1_2', "hello\n");
var_dump(str_contains($out, 'alert protocol version') || str_contains($out, 'no protocols available') || str_contains($out, 'handshake failure'));

// 3. Connects and says nothing: closed once ssl_handshake_timeout passes.
$silent = client($h['port']);
$t = microtime(true);
var_dump(sees_eof($silent, 5.0));
$took = microtime(true) - $t;
var_dump($took > 0.3 && $took < 4.0);

// The established session never noticed.
fwrite($good, "stats");
var_dump(fread($good, 100));

// 4. max_connection 3: one session + two sockets in their handshake = 3, so a fourth is refused.
$s1 = client($h['port']);
$s2 = client($h['port']);
usleep(100000);
var_dump(tls_client($h['port'], [], 2.0));
var_dump(sees_eof($s1, 5.0), sees_eof($s2, 5.0));
fwrite($good, "stats");
var_dump(fread($good, 100));
fclose($good);
show_server($h);
?>
--EXPECTF--
string(10) "echo:first"
bool(true)
bool(true)
bool(true)
bool(true)
string(45) "fails=3 conns=1 accepted=1 aborted=0 metric=3"
bool(false)
bool(true)
bool(true)
string(45) "fails=5 conns=1 accepted=1 aborted=1 metric=5"
--- server exit 0 ---
Connect 1

Warning: Swoole\Server::start(): Too many connections [now: 3, of which 2 in a TLS handshake], max_connection is 3 in %s on line %d
Close 1

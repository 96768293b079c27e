--TEST--
TLS: ssl_sni_certs serves the certificate for the host name the client asks for, the listener's own otherwise
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set([
    "ssl_cert_file" => "' . $d . '/server.pem",
    "ssl_key_file" => "' . $d . '/server.key",
    "ssl_sni_certs" => [
        "Other.Test" => ["ssl_cert_file" => "' . $d . '/other.pem", "ssl_key_file" => "' . $d . '/other.key"],
        "rsa.test" => ["ssl_cert_file" => "' . $d . '/rsa.pem", "ssl_key_file" => "' . $d . '/rsa.key"],
    ],
]);
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "echo:$data"); });
$s->start();
');
foreach (['other.test', 'localhost', 'rsa.test', 'unknown.test'] as $name) {
    $c = tls_client($h['port'], ['peer_name' => $name, 'capture_peer_cert' => true]);
    fwrite($c, 'x');
    $key = openssl_pkey_get_details(openssl_pkey_get_public(stream_context_get_params($c)['options']['ssl']['peer_certificate']));
    echo "$name => ", peer_cn($c), ' ', $key['type'] === OPENSSL_KEYTYPE_RSA ? 'RSA' : 'EC', ' ', fread($c, 10), "\n";
    fclose($c);
}
stop_server($h);
?>
--EXPECT--
other.test => other.test EC echo:x
localhost => localhost EC echo:x
rsa.test => localhost RSA echo:x
unknown.test => localhost EC echo:x

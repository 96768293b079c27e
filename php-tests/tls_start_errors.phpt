--TEST--
TLS: a missing, unreadable, garbage or mismatching certificate/key is a Swoole\Exception at start() naming the file; bad ssl_* values and SSL on non-TCP sockets fail clearly
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
file_put_contents("$d/garbage.pem", "not a certificate\n");
file_put_contents("$d/unreadable.pem", file_get_contents("$d/server.pem"));
chmod("$d/unreadable.pem", 0);
$cases = [
    'no cert option' => ['ssl_key_file' => "$d/server.key"],
    'missing cert' => ['ssl_cert_file' => "$d/nope.pem", 'ssl_key_file' => "$d/server.key"],
    'missing key' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/nope.key"],
    'garbage cert' => ['ssl_cert_file' => "$d/garbage.pem", 'ssl_key_file' => "$d/server.key"],
    'garbage key' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/garbage.pem"],
    'mismatch' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/other.key"],
    'bad cipher' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key", 'ssl_ciphers' => 'ECDHE-RSA-AES128-SHA256'],
    'old protocols only' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key", 'ssl_protocols' => SWOOLE_SSL_TLSv1 | SWOOLE_SSL_TLSv1_1],
    'verify without CA' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key", 'ssl_verify_peer' => true],
    'bad curve' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key", 'ssl_ecdh_curve' => 'brainpoolP256r1'],
    'sni missing' => ['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key", 'ssl_sni_certs' => ['a.test' => ['ssl_cert_file' => "$d/nope.pem", 'ssl_key_file' => "$d/other.key"]]],
];
if (is_readable("$d/unreadable.pem")) {
    // root reads any file: make the case by a directory instead.
    $cases['unreadable'] = ['ssl_cert_file' => $d, 'ssl_key_file' => "$d/server.key"];
} else {
    $cases['unreadable'] = ['ssl_cert_file' => "$d/unreadable.pem", 'ssl_key_file' => "$d/server.key"];
}
foreach ($cases as $name => $opts) {
    $s = new Swoole\Server('127.0.0.1', 0, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
    $s->set($opts);
    $s->on('Receive', function () {});
    $s->on('WorkerStart', function ($s) { echo "STARTED\n"; $s->shutdown(); });
    try {
        $s->start();
        echo "$name: started\n";
    } catch (Swoole\Exception $e) {
        echo "$name: ", $e->getCode(), ' ', str_replace($d, 'DIR', $e->getMessage()), "\n";
    }
}
foreach ([SWOOLE_SOCK_UNIX_STREAM, SWOOLE_SOCK_UDP] as $t) {
    try {
        new Swoole\Server("$d/sock", 0, SWOOLE_BASE, $t | SWOOLE_SSL);
    } catch (Swoole\Exception $e) {
        echo $e->getCode(), ' ', $e->getMessage(), "\n";
    }
}
try {
    (new Swoole\Server('127.0.0.1', 0, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL))->set(['ssl_verify_peer' => 'yes']);
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    (new Swoole\Server('127.0.0.1', 0, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL))->set(['ssl_sni_certs' => ['a.test' => ['ssl_cert_file' => 'x']]]);
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
// ssl_* on a plain server: a warning, and it serves plain TCP.
$s = new Swoole\Server('127.0.0.1', 0);
$s->set(['ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key"]);
$s->on('Receive', function () {});
$s->on('WorkerStart', function ($s) { $s->shutdown(); });
var_dump($s->start());
?>
--EXPECTF--
no cert option: 1019 failed to create the SSL context: SWOOLE_SSL needs 'ssl_cert_file' and 'ssl_key_file' in set(); 'ssl_cert_file' is missing
missing cert: 1019 failed to create the SSL context: ssl_cert_file [DIR/nope.pem] not found
missing key: 1019 failed to create the SSL context: ssl_key_file [DIR/nope.key] not found
garbage cert: 1019 failed to create the SSL context: ssl_cert_file [DIR/garbage.pem] contains no PEM certificate (-----BEGIN CERTIFICATE-----)
garbage key: 1019 failed to create the SSL context: ssl_key_file [DIR/garbage.pem] contains no PEM private key (PKCS#8, RSA or EC)
mismatch: 1019 failed to create the SSL context: ssl_key_file [DIR/other.key] does not match the certificate in ssl_cert_file [DIR/server.pem] (key values mismatch)
bad cipher: 1019 failed to create the SSL context: ssl_ciphers: cipher 'ECDHE-RSA-AES128-SHA256' is not available in rustls; it has ECDHE-ECDSA-AES256-GCM-SHA384, ECDHE-RSA-AES256-GCM-SHA384, ECDHE-ECDSA-CHACHA20-POLY1305, ECDHE-RSA-CHACHA20-POLY1305, ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256 (TLS 1.2) and TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256 (TLS 1.3)
old protocols only: 1019 failed to create the SSL context: ssl_protocols: rustls supports only TLS 1.2 and TLS 1.3 (SWOOLE_SSL_TLSv1_2, SWOOLE_SSL_TLSv1_3); SSLv2, TLS 1.0, TLS 1.1 and DTLS are not available
verify without CA: 1019 failed to create the SSL context: ssl_verify_peer needs the CA certificates client certificates are checked against: set 'ssl_client_cert_file' (or 'ssl_cafile' / 'ssl_capath')
bad curve: 1019 failed to create the SSL context: ssl_ecdh_curve: curve 'brainpoolP256r1' is not available in rustls (it has X25519, prime256v1, secp384r1)
sni missing: 1019 failed to create the SSL context: ssl_sni_certs['a.test']: ssl_cert_file [DIR/nope.pem] not found
unreadable: 1019 failed to create the SSL context: ssl_cert_file [DIR%S] cannot be read: %s
%d SWOOLE_SSL is supported on SWOOLE_SOCK_TCP and SWOOLE_SOCK_TCP6 listeners only by swoole-rs (not on socket type 5: no DTLS, no TLS over unix sockets)
%d SWOOLE_SSL is supported on SWOOLE_SOCK_TCP and SWOOLE_SOCK_TCP6 listeners only by swoole-rs (not on socket type 2: no DTLS, no TLS over unix sockets)
TypeError: Swoole\Server::set(): option 'ssl_verify_peer' expects bool, string given
TypeError: Swoole\Server::set(): option 'ssl_sni_certs': entry 'a.test' needs a string 'ssl_key_file'

Warning: Swoole\Server::start(): ssl_cert_file is set but no port was created with SWOOLE_SSL (e.g. SWOOLE_SOCK_TCP | SWOOLE_SSL): it serves plain TCP in %s on line %d
bool(true)

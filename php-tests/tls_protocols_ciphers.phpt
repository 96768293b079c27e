--TEST--
TLS: ssl_protocols, ssl_ciphers (OpenSSL names and keywords, TLS 1.3 names), ssl_prefer_server_ciphers, RSA (PKCS#1) and ECDSA keys, checked with openssl s_client
--SKIPIF--
<?php if (!is_executable('/usr/bin/openssl')) die('skip needs /usr/bin/openssl'); ?>
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
function serve(string $d, array $opts, string $cert = 'server'): array
{
    $opts += ['ssl_cert_file' => "$d/$cert.pem", 'ssl_key_file' => "$d/$cert.key"];
    return start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set(' . var_export($opts, true) . ');
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "echo:$data"); });
$s->start();
');
}
function probe(array $h, string $args): string
{
    $out = s_client($h['port'], $args, "ping\n");
    if (!preg_match('/New, (TLSv1\.\d), Cipher is (\S+)/', $out, $m) || $m[2] === '(NONE)') {
        return 'handshake failed';
    }
    return "$m[1] $m[2]" . (str_contains($out, 'echo:ping') ? ' echo' : ' no echo');
}
$cases = [
    'defaults' => [[], ['-tls1_3', '-tls1_2', '-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305']],
    'TLSv1_2 only' => [['ssl_protocols' => SWOOLE_SSL_TLSv1_2], ['', '-tls1_3']],
    'TLSv1_3 only' => [['ssl_protocols' => SWOOLE_SSL_TLSv1_3], ['', '-tls1_2']],
    'one cipher' => [['ssl_ciphers' => 'ECDHE-ECDSA-AES128-GCM-SHA256'], ['-tls1_2', '-tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384']],
    'keywords' => [['ssl_ciphers' => 'HIGH:!AESGCM'], ['-tls1_2']],
    'server order' => [['ssl_ciphers' => 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256'],
        ['-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305']],
    'client order' => [['ssl_ciphers' => 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256', 'ssl_prefer_server_ciphers' => false],
        ['-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305']],
    'TLS 1.3 suite' => [['ssl_ciphers' => 'TLS_CHACHA20_POLY1305_SHA256:HIGH'], ['-tls1_3', '-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256']],
    'curve' => [['ssl_ecdh_curve' => 'secp384r1'], ['-tls1_3 -groups secp384r1', '-tls1_3 -groups X25519']],
];
foreach ($cases as $name => [$opts, $probes]) {
    $h = serve($d, $opts);
    foreach ($probes as $p) {
        echo str_pad("$name [$p]", 92), probe($h, $p), "\n";
    }
    stop_server($h);
}
$h = serve($d, [], 'rsa');
echo str_pad("RSA-2048 PKCS#1 key [-tls1_2]", 92), probe($h, '-tls1_2'), "\n";
echo str_pad("RSA-2048 PKCS#1 key [-tls1_3]", 92), probe($h, '-tls1_3'), "\n";
stop_server($h);
?>
--EXPECT--
defaults [-tls1_3]                                                                          TLSv1.3 TLS_AES_256_GCM_SHA384 echo
defaults [-tls1_2]                                                                          TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 echo
defaults [-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305]                                    handshake failed
TLSv1_2 only []                                                                             TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 echo
TLSv1_2 only [-tls1_3]                                                                      handshake failed
TLSv1_3 only []                                                                             TLSv1.3 TLS_AES_256_GCM_SHA384 echo
TLSv1_3 only [-tls1_2]                                                                      handshake failed
one cipher [-tls1_2]                                                                        TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 echo
one cipher [-tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384]                                  handshake failed
keywords [-tls1_2]                                                                          TLSv1.2 ECDHE-ECDSA-CHACHA20-POLY1305 echo
server order [-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305]  TLSv1.2 ECDHE-ECDSA-CHACHA20-POLY1305 echo
client order [-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305]  TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 echo
TLS 1.3 suite [-tls1_3]                                                                     TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 echo
TLS 1.3 suite [-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256]                                handshake failed
curve [-tls1_3 -groups secp384r1]                                                           TLSv1.3 TLS_AES_256_GCM_SHA384 echo
curve [-tls1_3 -groups X25519]                                                              handshake failed
RSA-2048 PKCS#1 key [-tls1_2]                                                               TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 echo
RSA-2048 PKCS#1 key [-tls1_3]                                                               TLSv1.3 TLS_AES_256_GCM_SHA384 echo

--TEST--
TLS: ssl_verify_peer + ssl_client_cert_file requires a client certificate from that CA; ssl_allow_self_signed; a self-signed certificate listed as CA; ssl_verify_depth; getClientInfo()['ssl_client_cert'] is the client's PEM
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
function serve(string $d, array $extra): array
{
    $opts = $extra + [
        'ssl_cert_file' => "$d/server.pem", 'ssl_key_file' => "$d/server.key",
        'ssl_verify_peer' => true, 'ssl_client_cert_file' => "$d/ca.pem",
    ];
    return start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set(' . var_export($opts, true) . ');
$s->on("Connect", function ($s, $fd) {
    $pem = $s->getClientInfo($fd)["ssl_client_cert"] ?? "";
    echo "Connect $fd ", openssl_x509_parse($pem)["subject"]["CN"] ?? "no cert", "\n";
    file_put_contents(' . var_export("$d/seen-", true) . ' . $fd, $pem);
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "stats") {
        $s->send($fd, "fails=" . $s->stats()["ssl_handshake_fail_count"]);
    } else {
        $s->send($fd, "echo:$data");
    }
});
$s->start();
');
}
/** Whether an exchange works with this client certificate (null: none). */
function try_cert(array $h, string $d, ?string $cert, ?string $key = null): string
{
    $ssl = $cert === null ? [] : ['local_cert' => "$d/$cert", 'local_pk' => "$d/" . ($key ?? str_replace('.pem', '.key', $cert))];
    $c = tls_client($h['port'], $ssl, 2.0);
    if ($c === false) {
        return 'refused at handshake';
    }
    // With TLS 1.3 the server judges the client certificate after the client's last flight:
    // a refused client learns it on its first read.
    @fwrite($c, 'hi');
    $r = @fread($c, 100);
    fclose($c);
    return $r === 'echo:hi' ? 'accepted' : 'refused';
}
$h = serve($d, []);
echo "no cert: ", try_cert($h, $d, null), "\n";
echo "CA-signed: ", try_cert($h, $d, 'client.pem'), "\n";
echo "self-signed: ", try_cert($h, $d, 'selfsigned.pem'), "\n";
echo "depth 2 chain: ", try_cert($h, $d, 'deep-chain.pem', 'deep.key'), "\n";
$c = tls_client($h['port']);
$c === false ?: fclose($c);
$c = tls_client($h['port'], ['local_cert' => "$d/client.pem", 'local_pk' => "$d/client.key"]);
fwrite($c, 'stats');
echo fread($c, 100), "\n";
fclose($c);
$out = stop_server($h);
echo $out;
var_dump(file_get_contents("$d/seen-1") === file_get_contents("$d/client.pem"));

$h = serve($d, ['ssl_allow_self_signed' => true, 'ssl_verify_depth' => 1]);
echo "allow_self_signed, self-signed: ", try_cert($h, $d, 'selfsigned.pem'), "\n";
echo "allow_self_signed, no cert: ", try_cert($h, $d, null), "\n";
echo "verify_depth 1, depth 2 chain: ", try_cert($h, $d, 'deep-chain.pem', 'deep.key'), "\n";
echo "verify_depth 1, CA-signed: ", try_cert($h, $d, 'client.pem'), "\n";
echo stop_server($h);

// A self-signed client certificate listed as the CA is trusted as it is (as OpenSSL does).
$h = serve($d, ['ssl_client_cert_file' => "$d/selfsigned.pem"]);
echo "pinned self-signed: ", try_cert($h, $d, 'selfsigned.pem'), "\n";
echo "pinned, CA-signed: ", try_cert($h, $d, 'client.pem'), "\n";
echo stop_server($h);
?>
--EXPECT--
no cert: refused
CA-signed: accepted
self-signed: refused
depth 2 chain: accepted
fails=3
Connect 1 client
Connect 2 deep
Connect 3 client
bool(true)
allow_self_signed, self-signed: accepted
allow_self_signed, no cert: refused
verify_depth 1, depth 2 chain: refused
verify_depth 1, CA-signed: accepted
Connect 1 selfsigned
Connect 2 client
pinned self-signed: accepted
pinned, CA-signed: refused
Connect 1 selfsigned

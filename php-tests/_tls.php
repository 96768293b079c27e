<?php
/**
 * TLS test support: certificates made by the test itself with /usr/bin/openssl in a temp dir
 * (nothing private is committed), and TLS clients built on PHP's own stream sockets.
 */
require_once __DIR__ . '/_helper.php';

function openssl_run(string $args): void
{
    exec('openssl ' . $args . ' 2>&1', $out, $rc);
    if ($rc !== 0) {
        throw new RuntimeException("openssl $args failed: " . implode("\n", $out));
    }
}

/**
 * A temp dir with: ca.pem/ca.key (a P-256 CA), server.pem/server.key (CN=localhost, signed by
 * the CA, SAN localhost + 127.0.0.1), client.pem/client.key (CN=client, signed by the CA),
 * selfsigned.pem/selfsigned.key (a self-signed client certificate, CN=selfsigned),
 * other.pem/other.key (CN=other.test, for SNI and reloads), deep-chain.pem/deep.key (CN=deep,
 * under the intermediate CA inter.pem), rsa.pem/rsa.key (RSA-2048,
 * PKCS#1 key, CN=localhost), and the chain file server-chain.pem (server + CA).
 */
function make_certs(): string
{
    $d = sys_get_temp_dir() . '/swrs-tls-' . getmypid() . '-' . bin2hex(random_bytes(3));
    mkdir($d);
    register_shutdown_function(function () use ($d) {
        foreach (glob("$d/*") as $f) {
            @unlink($f);
        }
        @rmdir($d);
    });
    $ec = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
    openssl_run("req -x509 $ec -keyout $d/ca.key -out $d/ca.pem -days 2 -subj /CN=swrs-test-ca");
    file_put_contents("$d/leaf.ext", "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1,DNS:other.test\n");
    foreach (['server' => 'localhost', 'client' => 'client', 'other' => 'other.test'] as $name => $cn) {
        openssl_run("req $ec -keyout $d/$name.key -out $d/$name.csr -subj /CN=$cn");
        openssl_run("x509 -req -in $d/$name.csr -CA $d/ca.pem -CAkey $d/ca.key -CAcreateserial -days 2 -extfile $d/leaf.ext -out $d/$name.pem");
    }
    // An intermediate CA and a client certificate under it (chain depth 2).
    file_put_contents("$d/ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    openssl_run("req $ec -keyout $d/inter.key -out $d/inter.csr -subj /CN=swrs-test-intermediate");
    openssl_run("x509 -req -in $d/inter.csr -CA $d/ca.pem -CAkey $d/ca.key -CAcreateserial -days 2 -extfile $d/ca.ext -out $d/inter.pem");
    openssl_run("req $ec -keyout $d/deep.key -out $d/deep.csr -subj /CN=deep");
    openssl_run("x509 -req -in $d/deep.csr -CA $d/inter.pem -CAkey $d/inter.key -CAcreateserial -days 2 -extfile $d/leaf.ext -out $d/deep.pem");
    file_put_contents("$d/deep-chain.pem", file_get_contents("$d/deep.pem") . file_get_contents("$d/inter.pem"));
    openssl_run("req -x509 $ec -keyout $d/selfsigned.key -out $d/selfsigned.pem -days 2 -subj /CN=selfsigned -addext basicConstraints=CA:FALSE");
    openssl_run("req -x509 -newkey rsa:2048 -nodes -keyout $d/rsa.p8 -out $d/rsa.pem -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1");
    openssl_run("pkey -in $d/rsa.p8 -traditional -out $d/rsa.key");
    file_put_contents("$d/server-chain.pem", file_get_contents("$d/server.pem") . file_get_contents("$d/ca.pem"));
    return $d;
}

/** A TLS client (PHP's OpenSSL streams). `$ssl` are `ssl` context options. */
function tls_client(int $port, array $ssl = [], float $timeout = 5.0)
{
    $ssl += ['verify_peer' => false, 'verify_peer_name' => false];
    $ctx = stream_context_create(['ssl' => $ssl]);
    $c = @stream_socket_client("tls://127.0.0.1:$port", $errno, $errstr, $timeout, STREAM_CLIENT_CONNECT, $ctx);
    if (!$c) {
        return false;
    }
    stream_set_timeout($c, (int)$timeout);
    return $c;
}

/** The CN of the certificate the server presented (needs 'capture_peer_cert' => true). */
function peer_cn($c): string
{
    $cert = stream_context_get_params($c)['options']['ssl']['peer_certificate'] ?? null;
    return $cert ? (openssl_x509_parse($cert)['subject']['CN'] ?? '?') : 'none';
}

/**
 * Runs `openssl s_client` with $args and sends $input; keeps its stdin open until the output
 * contains $until (the server's reply) or s_client exits on its own (a failed handshake), so
 * a slow machine cannot cut the exchange short. Returns its stdout+stderr.
 */
function s_client(int $port, string $args, string $input = "", string $until = 'echo:', float $timeout = 8.0): string
{
    $cmd = "exec timeout $timeout openssl s_client -connect 127.0.0.1:$port $args 2>&1";
    $p = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $pipes);
    fwrite($pipes[0], $input);
    stream_set_blocking($pipes[1], false);
    $out = '';
    $deadline = microtime(true) + $timeout;
    while (microtime(true) < $deadline && !str_contains($out, $until)) {
        $r = [$pipes[1]];
        $w = $e = null;
        if (@stream_select($r, $w, $e, 0, 50000)) {
            $chunk = fread($pipes[1], 65536);
            if ($chunk === '' || $chunk === false) {
                if (feof($pipes[1])) {
                    break;
                }
            } else {
                $out .= $chunk;
            }
        }
    }
    fclose($pipes[0]);
    stream_set_blocking($pipes[1], true);
    $out .= stream_get_contents($pipes[1]);
    proc_close($p);
    return $out;
}

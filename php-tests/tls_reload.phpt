--TEST--
TLS (beyond Swoole): reload() re-reads the certificate files, so new connections get a renewed certificate without a restart; open sessions keep theirs; a broken renewal keeps the previous one with a warning (single process and worker_num = 2)
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
function install(string $d, string $name): void
{
    // Replaced by rename, as certbot and friends do.
    copy("$d/$name.pem", "$d/live.pem.tmp");
    copy("$d/$name.key", "$d/live.key.tmp");
    rename("$d/live.pem.tmp", "$d/live.pem");
    rename("$d/live.key.tmp", "$d/live.key");
}
function cn(int $port): string
{
    $c = tls_client($port, ['capture_peer_cert' => true]);
    if ($c === false) {
        return 'connect failed';
    }
    fwrite($c, 'ping');
    $r = fread($c, 100);
    $cn = peer_cn($c);
    fclose($c);
    return "$cn ($r)";
}
function control(int $port, string $cmd): string
{
    $c = tls_client($port);
    fwrite($c, $cmd);
    $r = fread($c, 100);
    fclose($c);
    return $r;
}
foreach ([1, 2] as $workers) {
    echo "== worker_num $workers\n";
    install($d, 'server');
    @unlink("$d/started");
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set(["worker_num" => ' . $workers . ', "ssl_cert_file" => "' . $d . '/live.pem", "ssl_key_file" => "' . $d . '/live.key"]);
$s->on("WorkerStart", function ($s, $id) { file_put_contents("' . $d . '/started", "x", FILE_APPEND); });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "reload") {
        $s->send($fd, var_export($s->reload(), true));
    } else {
        $s->send($fd, "pong");
    }
});
$s->start();
');
    $wait_restarted = function (int $n) use ($d) {
        $deadline = microtime(true) + 10;
        while (strlen(@file_get_contents("$d/started")) < $n && microtime(true) < $deadline) {
            usleep(20000);
        }
    };
    $wait_restarted($workers);
    echo "before: ", cn($h['port']), "\n";
    $open = tls_client($h['port'], ['capture_peer_cert' => true]);
    install($d, 'other');
    echo "not yet reloaded: ", cn($h['port']), "\n";
    echo "reload(): ", control($h['port'], 'reload'), "\n";
    if ($workers > 1) {
        $wait_restarted(2 * $workers);
    }
    echo "after: ", cn($h['port']), "\n";
    if ($workers === 1) {
        // The session opened before the reload keeps working.
        fwrite($open, 'ping');
        echo "open session: ", peer_cn($open), ' ', fread($open, 10), "\n";
    }
    fclose($open);
    // A broken renewal: the key does not match the certificate.
    copy("$d/server.pem", "$d/live.pem");
    echo "broken reload(): ", control($h['port'], 'reload'), "\n";
    if ($workers > 1) {
        $wait_restarted(3 * $workers);
    }
    echo "still: ", cn($h['port']), "\n";
    $out = stop_server($h);
    $out = preg_replace('/^\[[^\n]*INFO\tServer is reloading all workers now\n/m', '', $out);
    echo preg_replace('/ in \S+ on line \d+/', '', str_replace($d, 'DIR', $out));
}
?>
--EXPECT--
== worker_num 1
before: localhost (pong)
not yet reloaded: localhost (pong)
reload(): true
after: other.test (pong)
open session: localhost pong
broken reload(): false
still: other.test (pong)

Warning: Swoole\Server::reload(): SSL certificates not reloaded, still serving the previous ones: ssl_key_file [DIR/live.key] does not match the certificate in ssl_cert_file [DIR/live.pem] (key values mismatch)
== worker_num 2
before: localhost (pong)
not yet reloaded: localhost (pong)
reload(): true
after: other.test (pong)
broken reload(): true
still: other.test (pong)

Warning: Swoole\Server::start(): SSL certificates not reloaded, still serving the previous ones: ssl_key_file [DIR/live.key] does not match the certificate in ssl_cert_file [DIR/live.pem] (key values mismatch)

Warning: Swoole\Server::start(): SSL certificates not reloaded, still serving the previous ones: ssl_key_file [DIR/live.key] does not match the certificate in ssl_cert_file [DIR/live.pem] (key values mismatch)

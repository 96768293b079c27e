--TEST--
SWOOLE_PROCESS with SWOOLE_SSL: the master runs the TLS handshake and holds the TLS state; a TLS client gets its echo; a plain-text client on the TLS port gets no onConnect and counts in ssl_handshake_fail_count; an extra plain port beside it works; reload() re-reads the certificates in the master; a verify_peer TLS port reports the client certificate in getClientInfo(); a worker SIGKILLed while a TLS client is connected: the client stays connected and the replacement answers it
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
copy("$d/server.pem", "$d/live.pem");
copy("$d/server.key", "$d/live.key");
$dir = sys_get_temp_dir() . '/pm_ssl_' . getmypid();
@mkdir($dir);
$p2 = free_port(); $p3 = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set([
    "worker_num" => 2,
    "ssl_cert_file" => "' . $d . '/live.pem",
    "ssl_key_file" => "' . $d . '/live.key",
    "ssl_handshake_timeout" => 1.0,
]);
$plain = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$verify = $s->listen("127.0.0.1", ' . $p3 . ', SWOOLE_SOCK_TCP | SWOOLE_SSL);
$verify->set([
    "ssl_cert_file" => "' . $d . '/server.pem",
    "ssl_key_file" => "' . $d . '/server.key",
    "ssl_verify_peer" => true,
    "ssl_client_cert_file" => "' . $d . '/ca.pem",
]);
$s->on("WorkerStart", function ($s, $id) { file_put_contents("' . $dir . '/w$id", getmypid()); });
$s->on("Connect", function ($s, $fd) { file_put_contents("' . $dir . '/connects", "$fd\n", FILE_APPEND | LOCK_EX); });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "cert") {
        $pem = $s->getClientInfo($fd)["ssl_client_cert"] ?? "";
        $s->send($fd, "cert:" . (openssl_x509_parse($pem)["subject"]["CN"] ?? "none"));
        return;
    }
    if ($data === "reload") {
        $s->send($fd, "reload:" . var_export($s->reload(), true));
        return;
    }
    if ($data === "stats") {
        $st = $s->stats();
        $s->send($fd, "fails=" . $st["ssl_handshake_fail_count"] . " conns=" . $st["connection_num"]);
        return;
    }
    $s->send($fd, $s->worker_id . " " . getmypid() . " echo:$data");
});
$s->on("Close", function ($s, $fd) { file_put_contents("' . $dir . '/closes", "$fd\n", FILE_APPEND | LOCK_EX); });
$s->start();
');
$port = $h['port'];
$deadline = microtime(true) + 10;
while ((!is_file("$dir/w0") || !is_file("$dir/w1")) && microtime(true) < $deadline) usleep(10000);
$lines = fn($f) => array_filter(explode("\n", (string)@file_get_contents("$dir/$f")));

// 1. A TLS client: its echo.
$tls = tls_client($port);
var_dump($tls !== false);
fwrite($tls, "hello");
[$wid, $pid, $echo] = explode(' ', (string)fread($tls, 200), 3);
echo "tls: $echo\n";
usleep(100000);
echo "connects: ", count($lines('connects')), "\n";

// 2. Plain text on the TLS port: closed, no onConnect, counted.
$bad = client($port);
fwrite($bad, "GET / HTTP/1.0\r\n\r\n");
var_dump(sees_eof($bad));
usleep(200000);
echo "connects after the plain client: ", count($lines('connects')), "\n";
fwrite($tls, "stats");
echo "tls: ", fread($tls, 200), "\n";

// 3. The extra plain port beside the TLS one.
$c = client($p2);
fwrite($c, "plain");
echo "plain: ", explode(' ', (string)fread($c, 200), 3)[2], "\n";
fclose($c);

// 3b. A TLS port with ssl_verify_peer: the client's certificate in getClientInfo().
$v = tls_client($p3, ['local_cert' => "$d/client.pem", 'local_pk' => "$d/client.key"]);
fwrite($v, "cert");
echo "verified port: ", fread($v, 200), "\n";
fclose($v);
fwrite($tls, "cert");
echo "tls port: ", fread($tls, 200), "\n";

// 4. SIGKILL the worker serving the TLS client: the master keeps the TLS session.
kill_pid((int)$pid, 9);
$deadline = microtime(true) + 10;
while (((int)@file_get_contents("$dir/w$wid") === (int)$pid) && microtime(true) < $deadline) usleep(10000);
$new = (int)@file_get_contents("$dir/w$wid");
echo "replacement: ", var_export($new > 0 && $new !== (int)$pid, true), "\n";
fwrite($tls, "again");
[$wid2, $pid2, $echo2] = explode(' ', (string)fread($tls, 200), 3);
echo "tls after the kill: $echo2, same worker id: ", var_export($wid2 === $wid, true), ", by the replacement: ", var_export((int)$pid2 === $new, true), "\n";
echo "tls eof: ", var_export(feof($tls), true), "\n";

// 5. reload() with renewed certificate files: the master re-reads them for new handshakes;
// the open TLS session keeps going across the workers' restart.
$cn = peer_cn($c1 = tls_client($port, ['capture_peer_cert' => true]));
fclose($c1);
copy("$d/other.pem", "$d/live.pem");
copy("$d/other.key", "$d/live.key");
fwrite($tls, "reload");
echo "tls: ", fread($tls, 200), "\n";
$deadline = microtime(true) + 10;
do {
    usleep(100000);
    $c2 = tls_client($port, ['capture_peer_cert' => true]);
    $cn2 = $c2 ? peer_cn($c2) : 'failed';
    if ($c2) fclose($c2);
} while ($cn2 !== 'other.test' && microtime(true) < $deadline);
echo "certificate before: $cn, after reload(): $cn2\n";
fwrite($tls, "after");
echo "tls after the reload: ", explode(' ', (string)fread($tls, 200), 3)[2] ?? 'nothing', "\n";
fclose($tls);
usleep(200000);
$out = stop_server($h);
echo "exit {$h['exit']}\n";
echo "connects: ", count($lines('connects')), ", closes: ", count($lines('closes')), ", equal: ", var_export(count($lines('connects')) === count($lines('closes')), true), "\n";
// The only output: the manager's report of the kill, and of the reload.
$ol = array_values(array_filter(explode("\n", trim($out))));
echo "server output: ", count($ol), " lines, ", preg_match('/abnormal exit, status=0, signal=9$/', $ol[0] ?? ''),
    preg_match('/INFO\tServer is reloading all workers now$/', $ol[1] ?? ''), "\n";
if (count($ol) !== 2) echo $out;
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECTF--
bool(true)
tls: echo:hello
connects: 1
bool(true)
connects after the plain client: 1
tls: fails=1 conns=1
plain: echo:plain
verified port: cert:client
tls port: cert:none
replacement: true
tls after the kill: echo:again, same worker id: true, by the replacement: true
tls eof: false
tls: reload:true
certificate before: localhost, after reload(): other.test
tls after the reload: echo:after
exit 0
connects: %d, closes: %d, equal: true
server output: 2 lines, 11

--TEST--
TLS with worker_num = 2: sessions on both workers, a send() to another worker's TLS session is forwarded and encrypted by its owner; close() from another worker
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set(["worker_num" => 2, "ssl_cert_file" => "' . $d . '/server.pem", "ssl_key_file" => "' . $d . '/server.key",
    "open_eof_split" => true, "package_eof" => "\n"]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $cmd = rtrim($data);
    if ($cmd === "who") {
        $s->send($fd, "worker " . $s->worker_id . "\n");
    } elseif ($cmd === "broadcast") {
        foreach ($s->connections as $other) {
            $s->send($other, "to $other from worker " . $s->worker_id . ": " . str_repeat("b", 5000) . "\n");
        }
    } elseif (str_starts_with($cmd, "kick ")) {
        var_dump($s->close((int)substr($cmd, 5)));
    }
});
$s->start();
');
// Open clients until both workers hold one (a worker holding more than its share + 4 leaves
// new connections to the other, so this takes at most about a dozen).
$clients = [];
$workers = [];
for ($i = 0; $i < 40 && count($workers) < 2; $i++) {
    $c = tls_client($h['port']);
    fwrite($c, "who\n");
    $w = trim(fgets($c));
    $clients[] = $c;
    $workers[$w][] = count($clients) - 1;
}
echo "workers with sessions: ", count($workers), "\n";
fwrite($clients[0], "broadcast\n");
$ok = 0;
foreach ($clients as $i => $c) {
    $line = fgets($c, 10000);
    $ok += preg_match('/^to \d+ from worker \d: b{5000}$/', rtrim($line));
}
echo "broadcast received by all: ", var_export($ok === count($clients), true), "\n";
// The last client is on the other worker than client 0 if the first two landed apart.
$other = $workers[array_key_last($workers)][0];
fwrite($clients[0], "kick " . ($other + 1) . "\n");
var_dump(sees_eof($clients[$other]));
stop_server($h);
?>
--EXPECT--
workers with sessions: 2
broadcast received by all: true
bool(true)

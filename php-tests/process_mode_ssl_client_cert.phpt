--TEST--
SWOOLE_PROCESS, ssl_verify_peer: getClientInfo()['ssl_client_cert'] answers in every worker (dispatch_mode 1 sends no Connect to any), in a task worker, and in the replacement of the worker that ran onConnect after a SIGKILL
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
$code = function (array $set) use ($d) {
    return '
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set(' . var_export($set, true) . ' + [
    "ssl_cert_file" => "' . $d . '/server.pem",
    "ssl_key_file" => "' . $d . '/server.key",
    "ssl_verify_peer" => true,
    "ssl_client_cert_file" => "' . $d . '/ca.pem",
    "log_level" => SWOOLE_LOG_ERROR,
]);
function cn($s, $fd) { return openssl_x509_parse($s->getClientInfo($fd)["ssl_client_cert"] ?? "")["subject"]["CN"] ?? "none"; }
$s->on("WorkerStart", function ($s, $id) { echo "ready $id\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "task") {
        $s->send($fd, "task:" . $s->taskwait($fd, 5));
        return;
    }
    $s->send($fd, "cert:" . cn($s, $fd) . " w" . $s->getWorkerId() . " " . getmypid() . "\n");
});
$s->on("Task", function ($s, $tid, $src, $fd) { return cn($s, $fd); });
$s->start();
';
};
function ask($c, string $what): string { fwrite($c, $what); return trim((string)fread($c, 1000)); }

// dispatch_mode 1: round robin, no Connect or Close reaches any worker.
$h = start_server($code(["worker_num" => 2, "task_worker_num" => 1, "dispatch_mode" => 1]), ['no_wait' => true]);
var_dump(wait_for_output($h, "ready 0") && wait_for_output($h, "ready 1") && wait_for_output($h, "ready 2"));
$c = tls_client($h['port'], ['local_cert' => "$d/client.pem", 'local_pk' => "$d/client.key"]);
$seen = [];
for ($i = 0; $i < 4; $i++) {
    [$cn, $w] = explode(' ', substr(ask($c, "cert"), 5));
    $seen["$cn $w"] = 1;
}
ksort($seen);
echo implode(', ', array_keys($seen)), "\n";
echo ask($c, "task"), "\n";
stop_server($h);

// dispatch_mode 2: the worker that ran onConnect is SIGKILLed; its replacement answers.
$h = start_server($code(["worker_num" => 1]), ['no_wait' => true]);
var_dump(wait_for_output($h, "ready 0"));
$c = tls_client($h['port'], ['local_cert' => "$d/client.pem", 'local_pk' => "$d/client.key"]);
[$cn, $w, $pid] = explode(' ', substr(ask($c, "cert"), 5));
echo "before: $cn $w\n";
kill_pid((int)$pid, 9);
$deadline = microtime(true) + 5;
do {
    usleep(50000);
    $r = ask($c, "cert");
} while ((str_ends_with($r, " $pid") || $r === '') && microtime(true) < $deadline);
[$cn2, $w2, $pid2] = explode(' ', substr($r, 5)) + ['', '', ''];
echo "after: $cn2 $w2 ", $pid2 !== $pid ? "new pid" : "same pid", "\n";
stop_server($h);
?>
--EXPECT--
bool(true)
client w0, client w1
task:client
bool(true)
before: client w0
after: client w0 new pid

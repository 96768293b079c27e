--TEST--
SWOOLE_PROCESS with datagram listeners: the master reads a UDP extra port (its own onPacket) and a UDP primary port, and dispatches each datagram to a worker chosen by its sender (so one client's datagrams stay on one worker); the worker's onPacket gets the client info and answers with sendto() on the same socket; a TCP port of the same server keeps working
--FILE--
<?php
require __DIR__ . '/_helper.php';
$udp = free_port(); $tcp = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS);
$s->set(["worker_num" => 2, "reactor_num" => 2]);
$u = $s->listen("127.0.0.1", ' . $udp . ', SWOOLE_SOCK_UDP);
$s->on("Receive", function ($s, $fd, $rid, $d) { $s->send($fd, "tcp $d"); });
$u->on("Packet", function ($s, $data, $ci) use ($u) {
    $ok = $ci["server_port"] === $u->port && $ci["address"] === "127.0.0.1" && $ci["port"] > 0 ? "info-ok" : json_encode($ci);
    $s->sendto($ci["address"], $ci["port"], "w" . $s->worker_id . " $ok $data", $ci["server_socket"]);
});
$s->start();
');
$c = client($h['port']);
fwrite($c, "hi");
echo fread($c, 100), "\n";
$byClient = [];
$bad = 0;
for ($k = 0; $k < 8; $k++) {
    $u = stream_socket_client("udp://127.0.0.1:$udp", $errno, $errstr, 2);
    stream_set_timeout($u, 3);
    for ($i = 0; $i < 5; $i++) {
        fwrite($u, "ping $k $i");
        $r = fread($u, 200);
        [$w, $ok, $p, $kk, $ii] = explode(' ', $r) + [null, null, null, null, null];
        if ($ok !== 'info-ok' || "$p $kk $ii" !== "ping $k $i") { $bad++; echo "bad: $r\n"; }
        $byClient[$k][$w] = 1;
    }
    fclose($u);
}
echo "bad answers: $bad\n";
echo "clients served by one worker each: ", count(array_filter($byClient, fn($ws) => count($ws) === 1)), " of ", count($byClient), "\n";
$all = []; foreach ($byClient as $ws) $all += $ws;
ksort($all);
echo "workers seen: ", implode(',', array_keys($all)), "\n";
echo "server output: [", trim(stop_server($h)), "]\n";

// A UDP primary port in PROCESS mode.
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS, SWOOLE_SOCK_UDP);
$s->set(["worker_num" => 1]);
$s->on("WorkerStart", function () { echo "ready\n"; });
$s->on("Packet", function ($s, $data, $ci) { $s->sendto($ci["address"], $ci["port"], "echo $data"); });
$s->start();
', ['no_wait' => true]);
wait_for_output($h, "ready");
$u = stream_socket_client("udp://127.0.0.1:{$h['port']}", $errno, $errstr, 2);
stream_set_timeout($u, 3);
fwrite($u, "primary");
echo fread($u, 100), "\n";
show_server($h);
?>
--EXPECT--
tcp hi
bad answers: 0
clients served by one worker each: 8 of 8
workers seen: w0,w1
server output: []
echo primary
--- server exit 0 ---
ready

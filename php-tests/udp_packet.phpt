--TEST--
UDP: SWOOLE_SOCK_UDP and SWOOLE_SOCK_UDP6 primary ports, onPacket($server, $data, $clientInfo) with Swoole's keys, datagrams up to 64 KiB, two workers share the socket, stats count packets; no onPacket is Swoole's fatal error
--FILE--
<?php
require __DIR__ . '/_helper.php';
$port = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_UDP);
$s->set(["worker_num" => 2]);
var_dump($s->type, $s->ports[0]->type);
$s->on("WorkerStart", function ($s, $id) { echo "ready $id\n"; });
$s->on("Packet", function ($s, $data, $ci) {
    if ($data === "info") {
        $keys = array_keys($ci);
        $ok = $ci["server_port"] === $s->port && $ci["server_socket"] === $s->ports[0]->sock && $ci["address"] === "127.0.0.1"
            && is_int($ci["port"]) && is_float($ci["dispatch_time"]) && abs($ci["dispatch_time"] - microtime(true)) < 5;
        $s->sendto($ci["address"], $ci["port"], json_encode([$keys, $ok]));
        return;
    }
    if ($data === "stats") {
        // The client sends this after the last "slow" reply, but the other worker counts that
        // request only once its callback returns (after its sendto): give it up to 2 s.
        for ($i = 0; $i < 2000 && $s->stats()["request_count"] < 103; $i++) usleep(1000);
        $st = $s->stats();
        $s->sendto($ci["address"], $ci["port"], json_encode([$st["request_count"], $st["total_recv_bytes"] > 65507]));
        return;
    }
    if (str_starts_with($data, "slow")) {
        usleep(3000);
        $s->sendto($ci["address"], $ci["port"], "w" . $s->getWorkerId());
        return;
    }
    $s->sendto($ci["address"], $ci["port"], strlen($data) . ":" . md5($data));
});
$s->start();
', ['port' => $port, 'no_wait' => true]);
var_dump(wait_for_output($h, "ready 0") && wait_for_output($h, "ready 1"));
$c = udp_client($port);
fwrite($c, "info");
echo fread($c, 65536), "\n";
$big = random_bytes(65507);
fwrite($c, $big);
var_dump(fread($c, 65536) === "65507:" . md5($big));
fwrite($c, "\0bin\0");
var_dump(fread($c, 65536) === "5:" . md5("\0bin\0"));
for ($i = 0; $i < 100; $i++) fwrite($c, "slow$i");
$seen = [];
for ($i = 0; $i < 100; $i++) { $r = fread($c, 100); if ($r === '' || $r === false) break; $seen[$r] = ($seen[$r] ?? 0) + 1; }
ksort($seen);
echo "replies: ", array_sum($seen), " workers: ", implode(",", array_keys($seen)), "\n";
fwrite($c, "stats");
echo fread($c, 100), "\n";
show_server($h);

$h = start_server('
$s = new Swoole\Server("::1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_UDP6);
$s->on("WorkerStart", function ($s) { echo "ready\n"; });
$s->on("Packet", function ($s, $data, $ci) { $s->sendto($ci["address"], $ci["port"], "v6 " . $ci["address"] . " " . $data); });
$s->start();
', ['no_wait' => true]);
var_dump(wait_for_output($h, "ready"));
$c = udp_client($h['port'], '::1');
fwrite($c, "hello");
echo fread($c, 100), "\n";
stop_server($h);

$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE, SWOOLE_SOCK_UDP);
$s->on("Receive", function () {});
$s->start();
', ['no_wait' => true]);
wait_server($h);
show_server($h);
?>
--EXPECTF--
bool(true)
[["server_socket","dispatch_time","server_port","address","port"],true]
bool(true)
bool(true)
replies: 100 workers: w0,w1
[103,true]
--- server exit 0 ---
int(2)
int(2)
ready %d
ready %d
bool(true)
v6 ::1 hello
--- server exit 255 ---

Fatal error: Swoole\Server::start(): require onPacket callback in SERVER on line %d

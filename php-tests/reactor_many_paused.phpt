--TEST--
reactor (both backends): 600 paused connections with data waiting do not starve a live one (no receive buffers held for readers that do not read); resume() delivers every byte in order
--FILE--
<?php
require __DIR__ . '/_helper.php';
const N = 600;
$h = start_server('
$got = [];
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->set(["max_connection" => 2000]);
$s->on("Receive", function ($s, $fd, $rid, $data) use (&$got) {
    if ($data === "pause") { $s->pause($fd); $s->send($fd, "paused"); return; }
    if ($data === "resume all") {
        for ($i = 1; $i < $fd; $i++) { $s->resume($i); }
        $s->send($fd, "resumed");
        return;
    }
    if (str_starts_with($data, "ping")) { $s->send($fd, "pong"); return; }
    $got[$fd] = ($got[$fd] ?? "") . $data;
    if (strlen($got[$fd]) === 3000) { $s->send($fd, md5($got[$fd])); }
});
$s->start();
');
$cs = [];
for ($i = 0; $i < N; $i++) {
    $c = client($h['port'], 10);
    fwrite($c, "pause");
    if (recv_exact($c, 6) !== "paused") { echo "not paused: $i\n"; break; }
    $cs[] = $c;
}
$body = [];
foreach ($cs as $i => $c) {
    $body[$i] = str_repeat(chr(65 + $i % 26), 1000) . sprintf("%02000d", $i);
    fwrite($c, $body[$i]);
}
usleep(300000);
// Every paused connection has data waiting; a live connection is still served.
$b = client($h['port'], 10);
$ok = 0;
for ($i = 0; $i < 100; $i++) { fwrite($b, "ping$i"); if (recv_exact($b, 4) === "pong") $ok++; }
echo "pongs: $ok\n";
fwrite($b, "resume all");
var_dump(recv_exact($b, 7));
$right = 0;
foreach ($cs as $i => $c) { if (recv_exact($c, 32) === md5($body[$i])) $right++; }
echo "delivered whole after resume: $right of ", N, "\n";
show_server($h);
?>
--EXPECT--
pongs: 100
string(7) "resumed"
delivered whole after resume: 600 of 600
--- server exit 0 ---

--TEST--
reactor (both backends): a paused connection with lots of incoming data neither starves others nor spins the loop; resume() delivers all of it in order
--FILE--
<?php
require __DIR__ . '/_helper.php';
const N = 6 << 20;
function payload(): string { return (new Random\Randomizer(new Random\Engine\Mt19937(77)))->getBytes(N); }
$h = start_server('
$got = []; $ctx = [];
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->on("Receive", function ($s, $fd, $rid, $data) use (&$got, &$ctx) {
    if ($data === "pause") { $s->pause($fd); $s->send($fd, "paused"); return; }
    if (str_starts_with($data, "resume ")) { $s->resume((int)substr($data, 7)); return; }
    if (str_starts_with($data, "ping")) { $s->send($fd, "pong"); return; }
    $ctx[$fd] ??= hash_init("md5");
    $got[$fd] = ($got[$fd] ?? 0) + strlen($data);
    hash_update($ctx[$fd], $data);
    if ($got[$fd] === ' . N . ') { $s->send($fd, hash_final($ctx[$fd])); }
});
$s->start();
');
$pid = proc_get_status($h['proc'])['pid'];
$data = payload();
$a = client($h['port'], 10);
fwrite($a, "pause");
var_dump(recv_exact($a, 6));
// Fill the paused connection: write until the kernel takes no more for 300 ms.
stream_set_blocking($a, false);
$off = 0; $idle = microtime(true);
while ($off < N && microtime(true) - $idle < 0.3) {
    $n = fwrite($a, substr($data, $off, 65536));
    if ($n > 0) { $off += $n; $idle = microtime(true); } else { usleep(5000); }
}
echo "written while paused: ", $off > 0 && $off < N ? "some" : $off, "\n";
// The server is idle apart from the paused connection: it must not spin.
$cpu = function () use ($pid) {
    $st = explode(' ', substr(strrchr(file_get_contents("/proc/$pid/stat"), ')'), 2));
    return (int)$st[11] + (int)$st[12];
};
$t0 = $cpu(); usleep(500000); $ticks = $cpu() - $t0;
echo "cpu ticks in 0.5 s idle: ", $ticks <= 10 ? "few" : $ticks, "\n";
// Another connection is served at once.
$b = client($h['port']);
$t = microtime(true);
$ok = 0;
for ($i = 0; $i < 200; $i++) { fwrite($b, "ping$i"); if (recv_exact($b, 4) === "pong") $ok++; }
echo "pongs: $ok, fast: ", microtime(true) - $t < 3 ? "yes" : "no", "\n";
fwrite($b, "resume 1");
stream_set_blocking($a, true);
while ($off < N) { $off += fwrite($a, substr($data, $off, 1 << 20)); }
var_dump(recv_exact($a, 32) === md5($data));
show_server($h);
?>
--EXPECT--
string(6) "paused"
written while paused: some
cpu ticks in 0.5 s idle: few
pongs: 200, fast: yes
bool(true)
--- server exit 0 ---

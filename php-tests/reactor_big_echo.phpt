--TEST--
reactor (both backends): 8 MiB echoed through a slow reader, with onBufferFull pausing and onBufferEmpty resuming the connection, arrives whole and in order
--FILE--
<?php
require __DIR__ . '/_helper.php';
const N = 8 << 20;
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->set(["buffer_high_watermark" => 1 << 20, "buffer_low_watermark" => 256 << 10]);
$full = 0;
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if (!$s->send($fd, $data)) echo "send failed\n";
});
$s->on("BufferFull", function ($s, $fd) use (&$full) { $full++; $s->pause($fd); });
$s->on("BufferEmpty", function ($s, $fd) { $s->resume($fd); });
$s->on("Close", function ($s, $fd) use (&$full) { echo "Close $fd, buffer full seen: ", $full > 0 ? "yes" : "no", "\n"; });
$s->start();
');
$data = (new Random\Randomizer(new Random\Engine\Mt19937(5)))->getBytes(N);
$c = client($h['port'], 20);
stream_set_blocking($c, false);
$off = 0; $got = ''; $deadline = microtime(true) + 30;
while (strlen($got) < N && microtime(true) < $deadline) {
    $r = [$c]; $w = $off < N ? [$c] : []; $e = null;
    if (stream_select($r, $w, $e, 1) === 0) continue;
    if ($w && $off < N) { $n = fwrite($c, substr($data, $off, 256 << 10)); if ($n > 0) $off += $n; }
    if ($r) {
        // A slow reader: small reads with pauses.
        $got .= fread($c, 32768);
        usleep(300);
    }
}
var_dump(strlen($got), $got === $data);
fclose($c);
var_dump(wait_for_output($h, "Close 1"));
show_server($h);
?>
--EXPECT--
int(8388608)
bool(true)
bool(true)
--- server exit 0 ---
Close 1, buffer full seen: yes

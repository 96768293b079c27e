--TEST--
SWOOLE_PROCESS: a 5 MiB packet reaches the worker whole and a 16 MiB send() reaches the client (chunked over the channel); a worker that stalls fills its bounded queue: the client is not read meanwhile, nothing is dropped, stats() counts dispatch_queue_full
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 1, 'open_length_check' => true, 'package_length_type' => 'N',
    'package_length_offset' => 0, 'package_body_offset' => 4, 'package_max_length' => 8 << 20]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $body = substr($data, 4);
    if ($body === 'big') {
        $out = str_repeat(md5('x', true), 1 << 20); // 16 MiB
        $s->send($fd, pack('N', strlen($out)) . $out);
    } elseif ($body === 'stall') {
        usleep(1500000);
        $s->send($fd, pack('N', 5) . 'ready');
    } elseif ($body === 'stats') {
        $st = $s->stats();
        $s->send($fd, pack('N', 20) . sprintf('%-20s', ($st['dispatch_queue_full'] > 0 ? 'counted' : 'zero')));
    } elseif (strlen($body) < 16) {
        $s->send($fd, pack('N', strlen($body)) . $body);
    } else {
        $r = strlen($body) . ' ' . md5($body);
        $s->send($fd, pack('N', strlen($r)) . $r);
    }
});
$s->start();
PHP);
function msg($c, string $body): void { fwrite($c, pack('N', strlen($body)) . $body); }
function reply($c): string { $n = unpack('N', recv_exact($c, 4))[1]; return recv_exact($c, $n); }
$c = client($h['port'], 20);
$big = random_bytes(5 << 20);
msg($c, $big);
echo reply($c) === (5 << 20) . ' ' . md5($big) ? "5 MiB packet arrived whole\n" : "5 MiB packet mangled\n";
msg($c, 'big');
$r = reply($c);
echo strlen($r) === 16 << 20 && $r === str_repeat(md5('x', true), 1 << 20) ? "16 MiB reply intact\n" : "16 MiB reply: " . strlen($r) . " bytes\n";
// Stall the worker, then send 30,000 small packets: more than the channel and the queue hold.
msg($c, 'stall');
$n = 30000;
stream_set_blocking($c, false);
$out = '';
for ($i = 0; $i < $n; $i++) { $out .= pack('N', 8) . sprintf('%08d', $i); }
$in = '';
$written = 0;
$deadline = microtime(true) + 30;
$expect = 4 + 5 + $n * 12;
while (strlen($in) < $expect && microtime(true) < $deadline) {
    $r = [$c]; $w = $written < strlen($out) ? [$c] : []; $e = null;
    if (stream_select($r, $w, $e, 1) < 1) continue;
    if ($w) { $written += (int)fwrite($c, substr($out, $written, 65536)); }
    if ($r) { $in .= (string)fread($c, 65536); }
}
stream_set_blocking($c, true);
$ok = substr($in, 0, 9) === pack('N', 5) . 'ready';
$pos = 9;
for ($i = 0; $i < $n && $ok; $i++, $pos += 12) {
    $ok = substr($in, $pos, 12) === pack('N', 8) . sprintf('%08d', $i);
}
echo "all $n answered in order: ", var_export($ok && $pos === strlen($in), true), "\n";
msg($c, 'stats');
echo trim(reply($c)), "\n";
fclose($c);
stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
5 MiB packet arrived whole
16 MiB reply intact
all 30000 answered in order: true
counted
exit 0

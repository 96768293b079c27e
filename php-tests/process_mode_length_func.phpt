--TEST--
SWOOLE_PROCESS package_length_func: called with the buffered bytes in the master (not in a worker); a packet written in pieces, and several packets in one write, each reach onReceive whole in a worker (worker_num 2); 0 means "need more" (asked again only once new bytes arrive), a known length is not asked again; a negative answer closes only that connection (onClose once) while another keeps working
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$master = getmypid();
$s->set([
    'worker_num' => 2,
    'open_length_check' => true,
    'package_max_length' => 1 << 20,
    // A decimal length, a colon, then that many bytes ("5:hello").
    'package_length_func' => function (string $data) use (&$master) {
        $colon = strpos($data, ':');
        $digits = $colon === false ? $data : substr($data, 0, $colon);
        if (!preg_match('/^[0-9]{0,7}$/', $digits)) {
            $n = -1;
        } else {
            $n = $colon === false ? 0 : $colon + 1 + (int)$digits;
        }
        $where = getmypid() === $master ? 'master' : 'NOT THE MASTER';
        $shown = strlen($data) > 100 ? substr($data, 0, 7) . '...' : $data;
        // One write per line: the master and the workers print into the same output.
        echo "lf in $where: " . strlen($data) . " bytes " . json_encode($shown) . " -> $n\n";
        return $n;
    },
]);
$s->on('Receive', function ($s, $fd, $rid, $data) use (&$master) {
    $where = getmypid() === $master ? ' IN THE MASTER' : '';
    echo "receive fd=$fd worker={$s->worker_id}$where len=" . strlen($data) . "\n";
    $s->send($fd, "w{$s->worker_id} " . strlen($data) . ' ' . substr($data, 0, 12) . "\n");
});
$s->on('Close', function ($s, $fd, $rid) { echo "close fd=$fd\n"; });
$s->start();
PHP);
$a = client_nodelay($h['port']);
// The length's first bytes: each gets 0, and is asked about once more bytes came.
foreach (['1', '2', ':'] as $i => $piece) {
    fwrite($a, $piece);
    wait_for_output($h, 'lf in master: ' . ($i + 1) . ' bytes');
}
// The length is known: the body's pieces are not asked about.
write_in_pieces($a, 'hello world!', 3, 20000);
echo fgets($a);
echo "-- several packets in one write\n";
fwrite($a, "3:abc4:defg2:hi");
echo fgets($a), fgets($a), fgets($a);
echo "-- 300 KB, in 64 KiB writes\n";
write_in_pieces($a, '300000:' . str_repeat('x', 300000), 65536, 1000);
echo fgets($a);
echo "-- a second connection, then malformed data on it\n";
$b = client($h['port']);
fwrite($b, "4:ping");
echo fgets($b);
fwrite($b, "zz:oops");
echo "eof: ", var_export(sees_eof($b), true), "\n";
echo "-- the first connection still works\n";
fwrite($a, "2:ok");
echo fgets($a);
fclose($a);
wait_for_output($h, 'close fd=1');
$out = stop_server($h);
echo "-- master\n";
preg_match_all('/^lf .*$/m', $out, $m);
echo implode("\n", $m[0]), "\n";
echo "-- workers, by session (each in its order; the two sessions' lines may interleave)\n";
preg_match_all('/^(receive|close) fd=(\d+).*$/m', $out, $m);
$lines = $m[0];
usort($lines, fn($x, $y) => (int)substr($x, strpos($x, 'fd=') + 3) <=> (int)substr($y, strpos($y, 'fd=') + 3));
echo implode("\n", $lines), "\n";
echo "-- framing warning\n";
preg_match_all('/\tWARNING\t(.*)$/m', $out, $m);
echo implode("\n", $m[1]), "\n";
?>
--EXPECTF--
w1 15 12:hello wor
-- several packets in one write
w1 5 3:abc
w1 6 4:defg
w1 4 2:hi
-- 300 KB, in 64 KiB writes
w1 300007 300000:xxxxx
-- a second connection, then malformed data on it
w0 6 4:ping
eof: true
-- the first connection still works
w1 4 2:ok
-- master
lf in master: 1 bytes "1" -> 0
lf in master: 2 bytes "12" -> 0
lf in master: 3 bytes "12:" -> 15
lf in master: 15 bytes "3:abc4:defg2:hi" -> 5
lf in master: 10 bytes "4:defg2:hi" -> 6
lf in master: 4 bytes "2:hi" -> 4
lf in master: %d bytes "300000:..." -> 300007
lf in master: 6 bytes "4:ping" -> 6
lf in master: 7 bytes "zz:oops" -> -1
lf in master: 4 bytes "2:ok" -> 4
-- workers, by session (each in its order; the two sessions' lines may interleave)
receive fd=1 worker=1 len=15
receive fd=1 worker=1 len=5
receive fd=1 worker=1 len=6
receive fd=1 worker=1 len=4
receive fd=1 worker=1 len=300007
receive fd=1 worker=1 len=4
close fd=1
receive fd=2 worker=0 len=6
close fd=2
-- framing warning
connection#2 closed (ERRNO 1204): received 7 bytes of malformed data, remote_addr=127.0.0.1:%d

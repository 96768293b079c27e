--TEST--
io_uring backend: the DEFER_TASKRUN ring (this kernel has it) and the COOP_TASKRUN ring older kernels fall back to (SWOOLE_RS_TEST_IO_URING_NO_DEFER) each say which they are at debug level and serve 50 clients of ping-pong and a 1 MiB echo
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach ([false, true] as $no_defer) {
    putenv($no_defer ? 'SWOOLE_RS_TEST_IO_URING_NO_DEFER=1' : 'SWOOLE_RS_TEST_IO_URING_NO_DEFER');
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->set(["reactor_type" => "io_uring", "log_level" => SWOOLE_LOG_DEBUG]);
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, $data); });
$s->start();
');
    $cs = [];
    for ($i = 0; $i < 50; $i++) $cs[] = client($h['port']);
    $ok = 0;
    for ($round = 0; $round < 20; $round++) {
        foreach ($cs as $i => $c) fwrite($c, "p$i.$round;");
        foreach ($cs as $i => $c) $ok += recv_exact($c, strlen("p$i.$round;")) === "p$i.$round;";
    }
    echo "ping-pong answers: $ok\n";
    $big = random_bytes(1 << 20);
    $c = $cs[0];
    $got = '';
    stream_set_blocking($c, false);
    $off = 0; $deadline = microtime(true) + 20;
    while (strlen($got) < strlen($big) && microtime(true) < $deadline) {
        $r = [$c]; $w = $off < strlen($big) ? [$c] : []; $e = null;
        if (stream_select($r, $w, $e, 1) === 0) continue;
        if ($w) { $n = fwrite($c, substr($big, $off, 65536)); if ($n > 0) $off += $n; }
        if ($r) $got .= fread($c, 65536);
    }
    echo "1 MiB echo: ", var_export($got === $big, true), "\n";
    $out = stop_server($h);
    preg_match('/io_uring: (\w+) ring/', $out, $m);
    echo "ring: ", $m[1] ?? 'none', "\n";
}
?>
--EXPECT--
ping-pong answers: 1000
1 MiB echo: true
ring: DEFER_TASKRUN
ping-pong answers: 1000
1 MiB echo: true
ring: COOP_TASKRUN

--TEST--
max_idle_time (BASE and PROCESS): a connection that neither receives nor sends anything for that long is closed (one onClose, reactor id >= 0), also one whose peer stopped reading while the server's output is stuck; a connection with traffic either way is kept (Swoole 6.1.7 closes every connection max_idle_time after its connect, even an active one), so is a protect()ed one; Port::set() sets it per port; a negative value is refused
--FILE--
<?php
require __DIR__ . '/_helper.php';
const T = 1.5;
try { (new Swoole\Server('127.0.0.1', 0))->set(['max_idle_time' => -1]); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
foreach (['SWOOLE_BASE', 'SWOOLE_PROCESS'] as $mode) {
    $p2 = free_port();
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, ' . $mode . ');
$s->set(["max_idle_time" => ' . T . ', "worker_num" => 1, "log_level" => SWOOLE_LOG_WARNING]);
// A second port without it.
$s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP)->set(["max_idle_time" => 0]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    foreach (explode("\n", trim($data)) as $line) {
        if ($line === "push") Swoole\Timer::tick(100, function ($id) use ($s, $fd) { if (!$s->exists($fd) || !$s->send($fd, "p")) Swoole\Timer::clear($id); });
        if ($line === "protect") $s->protect($fd);
        if ($line === "echo") $s->send($fd, "e");
        if ($line === "flood") $s->send($fd, str_repeat("x", 16 << 20));
    }
});
$s->on("Close", function ($s, $fd, $rid) { echo "close $fd reactor ", $rid >= 0 ? ">= 0" : $rid, "\n"; });
$s->start();
');
    $open = [];
    // One at a time, so that their session ids are known (1..6, then 7 on the second port).
    foreach (['idle' => '', 'push' => "push\n", 'talk' => '', 'protected' => "protect\n", 'echo' => '', 'stalled' => "flood\n"] as $name => $first) {
        $c = client($h['port']);
        if ($first !== '') fwrite($c, $first);
        stream_set_blocking($c, false);
        $open[$name] = $c;
        usleep(20000);
    }
    $c = client($p2); stream_set_blocking($c, false); $open['other port, idle'] = $c;
    $t0 = microtime(true);
    $last = 0.0;
    $closed = [];
    // 'stalled' never reads: its 16 MiB stay stuck in the kernel's buffers and the server's queue.
    while (microtime(true) - $t0 < T * 2.5) {
        if (microtime(true) - $last > 0.1) {
            if (isset($open['talk'])) @fwrite($open['talk'], "hi\n");
            if (isset($open['echo'])) @fwrite($open['echo'], "echo\n");
            $last = microtime(true);
        }
        $r = array_values(array_diff_key($open, ['stalled' => 1])); $w = $e = null;
        if ($r && @stream_select($r, $w, $e, 0, 20000) > 0) {
            foreach ($r as $c) {
                $name = array_search($c, $open, true);
                $d = fread($c, 65536);
                if ($d === '' && feof($c)) { $closed[$name] = microtime(true) - $t0; unset($open[$name]); }
            }
        }
    }
    // The stalled connection: reading now shows whether the server closed it (after its
    // buffered bytes, EOF).
    stream_set_blocking($open['stalled'], true);
    stream_set_timeout($open['stalled'], 5);
    $n = 0;
    while (($d = fread($open['stalled'], 1 << 20)) !== '' && $d !== false) $n += strlen($d);
    if (feof($open['stalled'])) { $closed['stalled'] = true; unset($open['stalled']); }
    echo "$mode\n";
    foreach ($closed as $name => $at) {
        echo "  closed: $name", is_float($at) ? ($at >= T * 0.5 ? "" : sprintf(" too early (%.2f s)", $at)) : " (read " . ($n < 16 << 20 ? "less than" : "all of") . " its 16 MiB first)", "\n";
    }
    echo "  still open: ", implode(', ', array_keys($open)), "\n";
    foreach ($open as $c) fclose($c);
    usleep(100000);
    $out = stop_server($h);
    $lines = explode("\n", trim($out));
    sort($lines);
    echo "  server: ", implode("; ", $lines), "\n";
}
?>
--EXPECT--
ValueError: Swoole\Server::set(): option 'max_idle_time' must be a non-negative number of seconds
SWOOLE_BASE
  closed: idle
  closed: stalled (read less than its 16 MiB first)
  still open: push, talk, protected, echo, other port, idle
  server: close 1 reactor >= 0; close 2 reactor >= 0; close 3 reactor >= 0; close 4 reactor >= 0; close 5 reactor >= 0; close 6 reactor >= 0; close 7 reactor >= 0
SWOOLE_PROCESS
  closed: idle
  closed: stalled (read less than its 16 MiB first)
  still open: push, talk, protected, echo, other port, idle
  server: close 1 reactor >= 0; close 2 reactor >= 0; close 3 reactor >= 0; close 4 reactor >= 0; close 5 reactor >= 0; close 6 reactor >= 0; close 7 reactor >= 0

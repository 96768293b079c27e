--TEST--
SWOOLE_PROCESS: the master counts a connection's output: crossing buffer_high_watermark runs onBufferFull in the worker that owns the session (once), draining runs onBufferEmpty; while more than socket_buffer_size is held, a worker's send() is refused as in BASE mode (warning 1009, false); nothing accepted is dropped; getClientInfo()['send_queued_bytes'] shows what the master holds
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'socket_buffer_size' => 1 << 20]);
$events = [];
$s->on('BufferFull', function ($s, $fd) use (&$events) { $events[] = "full $fd in worker {$s->worker_id}"; });
$s->on('BufferEmpty', function ($s, $fd) use (&$events) { $events[] = "empty $fd in worker {$s->worker_id}"; });
$s->on('Receive', function ($s, $fd, $rid, $data) use (&$events) {
    $cmd = trim($data);
    if ($cmd === 'flood') {
        // One send is accepted whole (as BASE: the bound applies to what is held already).
        $events[] = 'flood ' . var_export($s->send($fd, str_repeat('a', 32 << 20)), true);
    } elseif ($cmd === 'more') {
        // getClientInfo() from a worker reads the master's count of what it holds.
        $events[] = 'queued over the bound: ' . var_export($s->getClientInfo($fd)['send_queued_bytes'] > (1 << 20), true);
        $msgs = [];
        set_error_handler(function ($no, $msg) use (&$msgs) { $msgs[] = $msg; return true; });
        $r = $s->send($fd, 'bbbb');
        restore_error_handler();
        $events[] = 'more ' . var_export($r, true) . ($r ? '' : ' ' . swoole_last_error() . ' ' . implode('', $msgs));
    } elseif ($cmd === 'report') {
        $s->send($fd, json_encode($events) . "\n");
        $events = [];
    }
});
$s->start();
PHP);
$c = client($h['port'], 20);
fwrite($c, "flood\n");
usleep(500000); // the master now holds most of the 32 MiB: the kernel buffers hold a few
fwrite($c, "more\n");
usleep(300000);
$got = recv_exact($c, 32 << 20);
echo "32 MiB arrived: ", var_export($got === str_repeat('a', 32 << 20), true), "\n";
fwrite($c, "report\n");
// While the 32 MiB arrive in the master, its queue can drain into the kernel's socket buffers
// (several MiB on loopback) between two chunks and fill up again: each crossing is its own
// full/empty pair. What matters: they alternate, and the connection is full when "more" runs.
$events = json_decode(fgets($c), true);
$first = array_search('full 1 in worker 1', $events, true);
$q = array_search('queued over the bound: true', $events, true);
$between = $first !== false && $q !== false ? array_slice($events, $first, $q - $first) : [];
$alternates = $between && count($between) % 2 === 1;
foreach ($between as $i => $e) $alternates = $alternates && $e === ($i % 2 ? 'empty 1 in worker 1' : 'full 1 in worker 1');
if ($alternates) array_splice($events, $first, $q - $first, ['full 1 in worker 1']);
foreach ($events as $e) echo "$e\n";
// Small sends on a drained connection are accepted again and fire nothing.
fwrite($c, "more\n");
usleep(200000);
echo recv_exact($c, 4), "\n";
fwrite($c, "report\n");
foreach (json_decode(fgets($c), true) as $e) echo "$e\n";
fclose($c);
$out = stop_server($h);
echo "exit {$h['exit']}\n", $out;
?>
--EXPECT--
32 MiB arrived: true
flood true
full 1 in worker 1
queued over the bound: true
more false 1009 Swoole\Server::send(): connection#1 output buffer overflow: more than socket_buffer_size bytes are queued; wait for onBufferEmpty or raise socket_buffer_size
empty 1 in worker 1
bbbb
queued over the bound: false
more true
exit 0

--TEST--
SWOOLE_PROCESS dispatch_mode 1, 2, 3, 4, 5, 7, 8, 9: which worker gets each packet; Connect/Close only where Swoole sends them (not 1 and 3 unless enable_unsafe_event)
--FILE--
<?php
require __DIR__ . '/_helper.php';

/** Starts a 2-worker PROCESS server with $opts; onReceive answers "<worker id>\n" ("sleep" holds the worker 400 ms; "bind N" binds). */
function mode_server(array $opts): array
{
    $o = var_export($opts + ['worker_num' => 2, 'open_eof_split' => true, 'package_eof' => "\n"], true);
    return start_server(<<<PHP
\$s = new Swoole\Server('127.0.0.1', \$PORT, SWOOLE_PROCESS);
\$s->set($o);
\$s->on('Connect', function (\$s, \$fd) { echo "connect \$fd in {\$s->worker_id}\n"; });
\$s->on('Close', function (\$s, \$fd) { echo "close \$fd in {\$s->worker_id}\n"; });
\$s->on('Receive', function (\$s, \$fd, \$rid, \$data) {
    \$data = trim(\$data);
    if (\$data === 'sleep') { usleep(400000); }
    if (str_starts_with(\$data, 'bind ')) { var_dump(\$s->bind(\$fd, (int)substr(\$data, 5))); }
    \$s->send(\$fd, \$s->worker_id . "\n");
});
\$s->start();
PHP);
}
function ask($c, string $what = 'x'): int { fwrite($c, "$what\n"); return (int)fgets($c); }
function lines(string $out): string { $l = array_filter(explode("\n", trim($out))); sort($l); return implode("\n", $l); }

echo "-- 2 (default): by fd\n";
$h = mode_server([]);
$a = client($h['port']); $b = client($h['port']);
echo ask($a), ask($a), ask($b), ask($b), "\n";
fclose($a); fclose($b); usleep(200000);
echo lines(stop_server($h)), "\n";

echo "-- 1: round robin per packet, no Connect/Close (Swoole's start_check warning)\n";
$h = mode_server(['dispatch_mode' => 1]);
$a = client($h['port']);
$seq = [ask($a), ask($a), ask($a), ask($a)];
echo $seq[0] !== $seq[1] && $seq[1] !== $seq[2] && $seq[2] !== $seq[3] ? "alternates\n" : implode(',', $seq) . "\n";
fclose($a); usleep(200000);
echo preg_replace('/^\[.*?\]\t/m', '', lines(stop_server($h))), "\n";

echo "-- 1 with enable_unsafe_event: Connect/Close are sent\n";
$h = mode_server(['dispatch_mode' => 1, 'enable_unsafe_event' => true]);
$a = client($h['port']); ask($a); fclose($a); usleep(200000);
echo preg_replace('/ in \d/', '', lines(stop_server($h))), "\n";

foreach ([3, 7, 9] as $mode) {
    echo "-- $mode: the idle worker gets the packet\n";
    $h = mode_server(['dispatch_mode' => $mode]);
    $a = client($h['port']); $b = client($h['port']);
    ask($a); // both workers up
    fwrite($a, "sleep\n");
    usleep(100000);
    // While one worker sleeps, every packet of b goes to the other one.
    $other = [ask($b), ask($b), ask($b)];
    $slept = (int)fgets($a);
    echo count(array_unique($other)) === 1 && $other[0] !== $slept ? "all to the idle worker\n" : implode(',', $other) . " (slept in $slept)\n";
    fclose($a); fclose($b); usleep(200000);
    $out = stop_server($h);
    echo $mode === 3 ? "no connect/close: " . var_export(!str_contains($out, 'connect') && !str_contains($out, 'close'), true) . "\n"
        : "connect/close: " . substr_count($out, 'connect') . '/' . substr_count($out, 'close') . "\n";
}

echo "-- 4: by client IP\n";
$h = mode_server(['dispatch_mode' => 4]);
$ctx = fn($ip) => stream_context_create(['socket' => ['bindto' => "$ip:0"]]);
$r = [];
foreach (['127.0.0.1', '127.0.0.2', '127.0.0.1', '127.0.0.2'] as $ip) {
    $c = stream_socket_client("tcp://127.0.0.1:{$h['port']}", $e, $es, 5, STREAM_CLIENT_CONNECT, $ctx($ip));
    $r[] = "$ip:" . ask($c) . ask($c);
    fclose($c);
}
echo implode(' ', $r), "\n";
stop_server($h);

echo "-- 5: by the uid given to bind()\n";
$h = mode_server(['dispatch_mode' => 5]);
$a = client($h['port']);
echo "fd 1 unbound: ", ask($a), "\n";
fwrite($a, "bind 4\n"); echo "bind in ", (int)fgets($a), "\n";
usleep(50000);
echo "after bind(1, 4): ", ask($a), ask($a), "\n";
fclose($a); usleep(200000);
echo lines(stop_server($h)), "\n";

echo "-- 8: each connection to the worker holding fewer connections\n";
$h = mode_server(['dispatch_mode' => 8]);
$cs = []; $per = [0, 0];
for ($i = 0; $i < 6; $i++) { $cs[$i] = client($h['port']); $per[ask($cs[$i])]++; }
echo "connections per worker: ", implode('/', $per), "\n";
echo "sticky: ", var_export(ask($cs[0]) === ask($cs[0]), true), "\n";
stop_server($h);
?>
--EXPECT--
-- 2 (default): by fd
1100
close 1 in 1
close 2 in 0
connect 1 in 1
connect 2 in 0
-- 1: round robin per packet, no Connect/Close (Swoole's start_check warning)
alternates
WARNING	Server::start_check() (ERRNO 9015): cannot set 'onClose' event when using dispatch_mode=1
WARNING	Server::start_check() (ERRNO 9015): cannot set 'onConnect' event when using dispatch_mode=1
-- 1 with enable_unsafe_event: Connect/Close are sent
close 1
connect 1
-- 3: the idle worker gets the packet
all to the idle worker
no connect/close: true
-- 7: the idle worker gets the packet
all to the idle worker
connect/close: 2/2
-- 9: the idle worker gets the packet
all to the idle worker
connect/close: 2/2
-- 4: by client IP
127.0.0.1:11 127.0.0.2:00 127.0.0.1:11 127.0.0.2:00
-- 5: by the uid given to bind()
fd 1 unbound: 1
bind in 1
after bind(1, 4): 00
bool(true)
close 1 in 0
connect 1 in 1
-- 8: each connection to the worker holding fewer connections
connections per worker: 3/3
sticky: true

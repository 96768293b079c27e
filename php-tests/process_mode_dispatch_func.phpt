--TEST--
SWOOLE_PROCESS dispatch_func (dispatch_mode 6): runs in the master for every Connect (type 5), packet (type 0, at most 8 KiB of data) and Close (type 4); its worker id is used; -1 drops the packet, -2 closes (on Connect: the session never reaches a worker), -3 falls back to fd modulo worker_num, and so does every bad answer (out of range, not an int, an exception) with a warning; sessions open at shutdown still get their Close through it
--FILE--
<?php
require __DIR__ . '/_helper.php';

$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set([
    'worker_num' => 3,
    'open_eof_split' => true,
    'package_eof' => "\n",
    'dispatch_mode' => 1, // dispatch_func wins
    'dispatch_func' => function (Swoole\Server $s, int $fd, int $type, ?string $data = null) {
        $word = explode(' ', trim((string)$data))[0];
        echo "df fd=$fd type=$type len=" . strlen((string)$data) . " word=" . substr($word, 0, 8) . " in_master=" . var_export(getmypid() === $s->getMasterPid(), true) . "\n";
        if ($type === 5) { return $fd === 2 ? -2 : 2; }
        if ($type === 4) { return 1; }
        return match ($word) {
            'to' => (int)substr(trim($data), 3),
            'str' => '2',
            'drop' => -1,
            'close' => -2,
            'fallback' => -3,
            'big' => 99,
            'neg' => -7,
            'null' => null,
            'arr' => [0],
            'throw' => throw new RuntimeException('no worker for you'),
            default => 0,
        };
    },
]);
$s->on('Connect', function ($s, $fd, $rid) { echo "connect $fd in {$s->worker_id}\n"; });
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd in {$s->worker_id} rid=" . ($rid >= 0 ? 'reactor' : $rid) . "\n"; });
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $s->send($fd, "w{$s->worker_id} len=" . strlen($data) . "\n");
});
$s->start();
PHP);
function ask($c, string $what): string { fwrite($c, "$what\n"); return trim((string)fgets($c)); }

$a = client($h['port']);
foreach (['to 0', 'to 1', 'to 2', 'str', 'fallback', 'big', 'neg', 'null', 'arr', 'throw'] as $w) {
    echo str_pad($w, 9), ask($a, $w), "\n";
}
echo "long     ", ask($a, 'L' . str_repeat('x', 19999)), "\n";
fwrite($a, "drop\n");
echo "after drop: ", ask($a, 'to 0'), "\n";
$b = client($h['port']);
echo "refused at connect: eof=", var_export(sees_eof($b), true), "\n";
fwrite($a, "close\n");
echo "close: eof=", var_export(sees_eof($a), true), "\n";
// The master asks dispatch_func about the Close after the socket is closed: let that land
// before the next client's Connect is asked about, or the two swap in the log.
wait_for_output($h, 'df fd=1 type=4');
$c = client($h['port']);
echo "third client: ", ask($c, 'to 1'), "\n";
fclose($c);
wait_for_output($h, 'close 3 in');
$d = client($h['port']);
echo "open at shutdown: ", ask($d, 'to 2'), "\n";
$out = stop_server($h);
echo "-- master, in order\n";
preg_match_all('/^(df .*|Warning: .*dispatch_func.*|Warning: Uncaught RuntimeException: no worker for you)/m', $out, $m);
echo preg_replace('/ in \/\S+ on line \d+/', '', implode("\n", $m[0])), "\n";
echo "-- workers\n";
preg_match_all('/^(connect|close) .*$/m', $out, $m);
sort($m[0]);
echo implode("\n", $m[0]), "\n";

echo "-- dispatch_mode 6 without a dispatch_func, and a dispatch_func that is not callable\n";
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'dispatch_func' => 'no_such_function']);
$s->set(['dispatch_mode' => 6]);
$s->on('Receive', function ($s, $fd, $rid, $data) { $s->send($fd, "$fd {$s->worker_id}\n"); });
$s->start();
PHP);
// Session ids are not fixed here (start_server's readiness probe may take id 1): check
// that each client's worker is its fd modulo worker_num.
$a = client($h['port']); $b = client($h['port']);
$by_fd = [];
foreach ([$a, $b] as $c) {
    fwrite($c, 'x');
    [$fd, $w] = array_map('intval', explode(' ', trim((string)fgets($c))));
    $by_fd[] = $w === $fd % 2 ? 'fd % 2' : "fd $fd on w$w";
}
echo "two clients: ", implode(', ', $by_fd), "\n";
fclose($a); fclose($b);
echo preg_replace('/ in \/\S+ on line \d+/', '', implode("\n", array_filter(explode("\n", trim(stop_server($h)))))), "\n";
?>
--EXPECT--
to 0     w0 len=5
to 1     w1 len=5
to 2     w2 len=5
str      w2 len=4
fallback w1 len=9
big      w1 len=4
neg      w1 len=4
null     w1 len=5
arr      w1 len=4
throw    w1 len=6
long     w0 len=20001
after drop: w0 len=5
refused at connect: eof=true
close: eof=true
third client: w1 len=5
open at shutdown: w2 len=5
-- master, in order
df fd=1 type=5 len=0 word= in_master=true
df fd=1 type=0 len=5 word=to in_master=true
df fd=1 type=0 len=5 word=to in_master=true
df fd=1 type=0 len=5 word=to in_master=true
df fd=1 type=0 len=4 word=str in_master=true
df fd=1 type=0 len=9 word=fallback in_master=true
df fd=1 type=0 len=4 word=big in_master=true
Warning: Swoole\Server::start(): dispatch_func returned 99 for fd 1, not a worker id (0 to 2) nor -1, -2 or -3; dispatching to worker 1 (fd modulo worker_num)
df fd=1 type=0 len=4 word=neg in_master=true
Warning: Swoole\Server::start(): dispatch_func returned -7 for fd 1, not a worker id (0 to 2) nor -1, -2 or -3; dispatching to worker 1 (fd modulo worker_num)
df fd=1 type=0 len=5 word=null in_master=true
Warning: Swoole\Server::start(): dispatch_func returned null for fd 1, not a worker id (0 to 2) nor -1, -2 or -3; dispatching to worker 1 (fd modulo worker_num)
df fd=1 type=0 len=4 word=arr in_master=true
Warning: Swoole\Server::start(): dispatch_func returned array for fd 1, not a worker id (0 to 2) nor -1, -2 or -3; dispatching to worker 1 (fd modulo worker_num)
df fd=1 type=0 len=6 word=throw in_master=true
Warning: Swoole\Server::start(): dispatch_func (fd 1) threw an uncaught exception; the server keeps running (details follow)
Warning: Uncaught RuntimeException: no worker for you
Warning: Swoole\Server::start(): dispatch_func threw for fd 1; dispatching to worker 1 (fd modulo worker_num)
df fd=1 type=0 len=8192 word=Lxxxxxxx in_master=true
df fd=1 type=0 len=5 word=drop in_master=true
df fd=1 type=0 len=5 word=to in_master=true
df fd=2 type=5 len=0 word= in_master=true
df fd=1 type=0 len=6 word=close in_master=true
df fd=1 type=4 len=0 word= in_master=true
df fd=3 type=5 len=0 word= in_master=true
df fd=3 type=0 len=5 word=to in_master=true
df fd=3 type=4 len=0 word= in_master=true
df fd=4 type=5 len=0 word= in_master=true
df fd=4 type=0 len=5 word=to in_master=true
df fd=4 type=4 len=0 word= in_master=true
-- workers
close 1 in 1 rid=-1
close 3 in 1 rid=reactor
close 4 in 1 rid=-1
connect 1 in 2
connect 3 in 2
connect 4 in 2
-- dispatch_mode 6 without a dispatch_func, and a dispatch_func that is not callable
two clients: fd % 2, fd % 2
Warning: Swoole\Server::set(): function 'no_such_function' is not callable
Warning: Swoole\Server::start(): dispatch_mode 6 needs a callable dispatch_func; dispatching by fd (dispatch_mode 2)

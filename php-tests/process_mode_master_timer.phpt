--TEST--
SWOOLE_PROCESS: timers created in onStart fire in the master while it serves; there send(), getClientList(), stats() work; an exception in one warns and the timer goes on; none is left at onShutdown; they fire beside dispatch_func and package_length_func (one PHP thread answers both)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2]);
$s->on('Start', function ($s) {
    $n = 0;
    Swoole\Timer::after(150, function ($what) use ($s) {
        echo "after($what) in the master: " . var_export(getmypid() === $s->getMasterPid(), true) . "\n";
    }, 'x');
    Swoole\Timer::tick(100, function ($id) use ($s, &$n) {
        if (++$n === 3) { throw new RuntimeException('boom in a master timer'); }
        foreach ($s->getClientList() ?: [] as $fd) {
            $s->send($fd, "tick from pid " . getmypid() . ", connections: " . $s->stats()['connection_num'] . "\n");
        }
    });
});
$s->on('Receive', function ($s, $fd, $rid, $data) { $s->send($fd, "echo $data"); });
$s->on('Shutdown', function ($s) { echo "onShutdown: timers left: ", count(Swoole\Timer::list()), "\n"; });
$s->start();
PHP);
$master = server_pid($h);
$c = client($h['port']);
fwrite($c, "hi\n");
$lines = [];
while (count($lines) < 6 && ($l = fgets($c)) !== false) { $lines[] = $l; }
echo "echo from a worker: ", var_export(in_array("echo hi\n", $lines, true), true), "\n";
$ticks = array_values(array_filter($lines, fn ($l) => str_starts_with($l, 'tick')));
echo "ticks received: ", var_export(count($ticks) >= 5, true), "\n";
echo "all from the master: ", var_export(array_unique($ticks) === ["tick from pid $master, connections: 1\n"], true), "\n";
fclose($c);
usleep(200000);
echo stop_server($h);

echo "-- with dispatch_func and package_length_func\n";
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'dispatch_func' => fn ($s, $fd, $type, $data) => 1,
    'open_length_check' => true, 'package_length_func' => fn ($data) => strlen($data) < 1 ? 0 : 1 + ord($data[0])]);
$s->on('Start', function ($s) {
    Swoole\Timer::tick(50, function () use ($s) {
        foreach ($s->getClientList() ?: [] as $fd) { $s->send($fd, "tick\n"); }
    });
});
$s->on('Receive', function ($s, $fd, $rid, $data) { $s->send($fd, "worker {$s->worker_id}: " . substr($data, 1) . "\n"); });
$s->start();
PHP);
$c = client($h['port']);
$got = [];
for ($i = 0; $i < 20; $i++) {
    usleep(15000); // 300 ms in all: a few ticks fall between the answers
    fwrite($c, chr(5) . "hello");
    while (($l = fgets($c)) !== false) { $got[] = $l; if ($l !== "tick\n") { break; } }
}
$ticks = count(array_filter($got, fn ($l) => $l === "tick\n"));
echo "answers: ", count(array_filter($got, fn ($l) => $l === "worker 1: hello\n")), ", ticks meanwhile: ", var_export($ticks >= 1, true), "\n";
usleep(300000);
while (count($got) < 100) { $r = [$c]; $w = $e = null; if (!stream_select($r, $w, $e, 0, 100000)) break; $got[] = fgets($c); }
echo "ticks go on: ", var_export(count($got) > 21, true), "\n";
fclose($c);
echo stop_server($h);
?>
--EXPECTF--
echo from a worker: true
ticks received: true
all from the master: true
after(x) in the master: true

Warning: Swoole\Server::start(): timer #%d callback threw an uncaught exception; the server keeps running (details follow) in %s on line %d

Warning: Uncaught RuntimeException: boom in a master timer in %s:%d
Stack trace:
#0 [internal function]: {closure}(%d)
%A
  thrown in %s on line %d
onShutdown: timers left: 0
-- with dispatch_func and package_length_func
answers: 20, ticks meanwhile: true
ticks go on: true

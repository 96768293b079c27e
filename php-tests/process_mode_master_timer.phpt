--TEST--
SWOOLE_PROCESS: timers created in onStart fire in the master while it serves; there send(), getClientList(), stats() work; an exception in one warns and the timer goes on; none is left at onShutdown
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2]);
$s->on('Start', function ($s) {
    $n = 0;
    Swoole\Timer::after(150, function ($what) use ($s) {
        echo "after($what) in the master: ", var_export(getmypid() === $s->getMasterPid(), true), "\n";
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

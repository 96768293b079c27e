--TEST--
2000 idle connections are held and every one of them is answered; onClose fires exactly once each
--SKIPIF--
<?php if ((int)shell_exec('ulimit -n') < 4200) die('skip needs ulimit -n >= 4200'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$s->set(['backlog' => 4096]);
$connects = 0; $closes = [];
$s->on('Connect', function ($s, $fd) use (&$connects) { $connects++; });
$s->on('Receive', function ($s, $fd, $rid, $data) {
    if ($data === 'stats') { $s->send($fd, (string)$s->stats()['connection_num']); return; }
    $s->send($fd, "pong");
});
$s->on('Close', function ($s, $fd) use (&$closes) { $closes[$fd] = ($closes[$fd] ?? 0) + 1; });
$s->on('Shutdown', function ($s) use (&$connects, &$closes) {
    echo "connects=$connects closes=", count($closes), " max per fd=", max($closes), "\n";
});
$s->start();
PHP);
$n = 2000;
$conns = [];
for ($i = 0; $i < $n; $i++) {
    $conns[] = client($h['port']);
}
usleep(300000);
$probe = client($h['port']);
fwrite($probe, 'stats');
echo "connection_num seen by a new client: ", fread($probe, 10), "\n";
fclose($probe);
$answered = 0;
foreach ($conns as $c) {
    fwrite($c, 'ping');
}
foreach ($conns as $c) {
    if (recv_exact($c, 4) === 'pong') $answered++;
}
echo "answered: $answered\n";
foreach ($conns as $c) fclose($c);
usleep(500000);
show_server($h);
?>
--EXPECT--
connection_num seen by a new client: 2001
answered: 2000
--- server exit 0 ---
connects=2001 closes=2001 max per fd=1

--TEST--
Robustness: out of file descriptors (EMFILE) warns once per 10 s instead of every 100 ms, other connections keep working, accepting resumes when descriptors free up
--SKIPIF--
<?php if (!is_executable('/usr/bin/prlimit')) die('skip prlimit (util-linux) not found'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "Server: $data"); });
$s->start();
', ['prefix' => ['/usr/bin/prlimit', '--nofile=48']]);
$first = client($h['port']);
fwrite($first, "a"); echo fread($first, 100), "\n";
// Far more connections than the server has descriptors: the kernel still completes them
// (they wait in the backlog), the server cannot accept them.
$many = [];
for ($i = 0; $i < 80; $i++) { $many[] = client($h['port']); }
usleep(1500000);
// An accepted connection is unaffected.
fwrite($first, "b"); echo fread($first, 100), "\n";
// Free descriptors: the waiting connections get accepted and served.
foreach (array_slice($many, 0, 60) as $c) fclose($c);
$many = array_slice($many, 60);
usleep(300000);
$ok = 0;
foreach ($many as $c) { fwrite($c, "x"); if (fread($c, 100) === "Server: x") $ok++; }
echo "served after recovery: $ok of ", count($many), "\n";
$out = stop_server($h);
echo "accept warnings: ", substr_count($out, "accept() failed: Too many open files"), "\n";
?>
--EXPECT--
Server: a
Server: b
served after recovery: 20 of 20
accept warnings: 1

--TEST--
SWOOLE_PROCESS: sendfile() from a worker: the master sends the file (8 MiB, to a slow reader, in order between send()s, without holding up other connections), a part of it, the same argument errors as BASE mode; a client that leaves mid-file costs nothing (no fd leak, the server goes on); sendwait() is refused as in Swoole
--FILE--
<?php
require __DIR__ . '/_helper.php';
$file = tempnam(sys_get_temp_dir(), 'swrsf');
$data = random_bytes(8 << 20);
file_put_contents($file, $data);
$h = start_server(str_replace('FILE', var_export($file, true), <<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'reactor_num' => 1]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $f = FILE;
    foreach (explode("\n", trim($data)) as $cmd) {
        if ($cmd === 'ping') {
            $s->send($fd, "pong\n");
        } elseif ($cmd === 'file') {
            $s->send($fd, "HEAD");
            $ok = $s->sendfile($fd, $f);
            $s->send($fd, "TAIL" . ($ok ? 'ok' : 'no'));
        } elseif ($cmd === 'part') {
            $s->sendfile($fd, $f, 100, 50);
            $s->sendfile($fd, $f, (8 << 20) - 10, 1000);
        } elseif ($cmd === 'errors') {
            $msgs = [];
            set_error_handler(function ($no, $msg) use (&$msgs) { $msgs[] = $msg; return true; });
            $r = [
                $s->sendfile($fd, '/nonexistent/file'), swoole_last_error(),
                $s->sendfile($fd, sys_get_temp_dir()), swoole_last_error(),
                $s->sendfile($fd, $f, 8 << 20), swoole_last_error(),
                $s->sendfile($fd, $f, -1), swoole_last_error(),
                $s->sendfile(9999, $f), swoole_last_error(),
                $s->sendwait($fd, 'x'), swoole_last_error(),
            ];
            restore_error_handler();
            $s->send($fd, json_encode([$r, $msgs]) . "\n");
        }
    }
});
$s->start();
PHP));
$master = server_pid($h);
// A slow reader of HEAD + 8 MiB + TAIL; meanwhile another connection is served at once.
$c = client($h['port'], 20);
fwrite($c, "file\n");
$other = client($h['port']);
usleep(200000);
$got = '';
$worst = 0;
for ($i = 0; $i < 10; $i++) {
    $got .= fread($c, 8192);
    $t = microtime(true);
    fwrite($other, "ping\n");
    $pong = fgets($other);
    $worst = max($worst, microtime(true) - $t);
    usleep(50000);
}
echo "other connection served while the file waits: ", var_export($pong === "pong\n" && $worst < 0.5, true), "\n";
$got .= recv_exact($c, 4 + (8 << 20) + 6 - strlen($got));
echo "file intact between the sends: ", var_export($got === 'HEAD' . $data . 'TAILok', true), " (", strlen($got), " bytes)\n";
fwrite($c, "part\n");
echo "part: ", var_export(recv_exact($c, 60) === substr($data, 100, 50) . substr($data, -10), true), "\n";
fwrite($c, "errors\n");
[$r, $msgs] = json_decode(fgets($c), true);
echo json_encode($r), "\n";
foreach ($msgs as $m) echo "  $m\n";
// Clients that leave mid-file: no descriptor kept in the master, nothing else disturbed.
$fds = fn() => count(scandir("/proc/$master/fd"));
$before = $fds();
for ($i = 0; $i < 5; $i++) {
    $x = client($h['port']);
    fwrite($x, "file\n");
    recv_exact($x, 100000);
    fclose($x);
}
$deadline = microtime(true) + 5;
while ($fds() > $before && microtime(true) < $deadline) usleep(20000);
echo "master fds back to ", $fds() <= $before ? "before" : "more ({$fds()} > $before)", "\n";
fwrite($other, "ping\n");
echo fgets($other);
fclose($c);
fclose($other);
@unlink($file);
$out = stop_server($h);
echo "exit {$h['exit']}\n", $out;
?>
--EXPECT--
other connection served while the file waits: true
file intact between the sends: true (8388618 bytes)
part: true
[false,502,false,9013,false,502,false,505,false,1005,false,503]
  Swoole\Server::sendfile(): sendfile(): stat(/nonexistent/file) failed: No such file or directory (os error 2)
  Swoole\Server::sendfile(): sendfile(): /tmp is not a regular file
  Swoole\Server::sendfile(): sendfile(): file[offset=8388608] is empty
  Swoole\Server::sendfile(): sendfile(): offset and length must not be negative (-1, 0 given)
  Swoole\Server::sendfile(): sendfile(): session#9999 does not exist in this worker
  Swoole\Server::sendwait(): can only be used with base mode and must be within worker process
master fds back to before
pong
exit 0

--TEST--
SWOOLE_PROCESS: sendfile() from a worker confined by `chroot` (and `user`): the master sends the file the worker named inside its chroot, not the one of that name outside it
--SKIPIF--
<?php if (trim((string)shell_exec('id -u')) !== '0') die('skip needs root'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$root = sys_get_temp_dir() . '/swrs-chroot-sf-' . getmypid();
@mkdir("$root/www", 0755, true);
chmod($root, 0755);
file_put_contents("$root/www/page.txt", "inside the chroot\n");
// The same name outside the chroot, relative to the real root, must not be what is sent.
$outside = "/tmp/swrs-sf-outside-" . getmypid();
@mkdir($outside);
file_put_contents("$outside/page.txt", "OUTSIDE\n");
$inner = "$outside/page.txt";
$h = start_server(str_replace(['ROOT', 'INNER'], [var_export($root, true), var_export($inner, true)], <<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 1, 'reactor_num' => 1, 'chroot' => ROOT, 'user' => 'nobody']);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $cmd = trim($data);
    if ($cmd === 'page') {
        $s->sendfile($fd, '/www/page.txt');
    } elseif ($cmd === 'relative') {
        chdir('/www');
        $s->sendfile($fd, 'page.txt');
    } elseif ($cmd === 'outside') {
        // Exists outside the chroot only: the worker cannot see it, so it is refused here.
        $r = @$s->sendfile($fd, INNER);
        $s->send($fd, var_export($r, true) . ' ' . swoole_last_error() . "\n");
    }
});
$s->start();
PHP));
$c = client($h['port']);
fwrite($c, "page\n");
echo "absolute: ", fgets($c);
fwrite($c, "relative\n");
echo "relative: ", fgets($c);
fwrite($c, "outside\n");
echo "outside: ", fgets($c);
fclose($c);
show_server($h);
unlink("$root/www/page.txt"); rmdir("$root/www"); rmdir($root);
unlink("$outside/page.txt"); rmdir($outside);
?>
--EXPECT--
absolute: inside the chroot
relative: inside the chroot
outside: false 502
--- server exit 0 ---

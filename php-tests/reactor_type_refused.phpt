--TEST--
reactor_type: when the kernel refuses io_uring (SWOOLE_RS_TEST_IO_URING_ERRNO), auto falls back to epoll with an info line, an explicit io_uring warns and falls back; the default (epoll) does not probe
--FILE--
<?php
require __DIR__ . '/_helper.php';
$code = '
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->set(OPTS);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, $s->stats()["reactor_type"] . " " . $data);
});
$s->start();
';
foreach (['["reactor_type" => "auto"]', '["reactor_type" => "io_uring"]', '["reactor_type" => "io_uring", "worker_num" => 2]', '[]'] as $opts) {
    $h = start_server("const OPTS = $opts;\n" . $code, ['prefix' => ['env', '-u', 'SWOOLE_RS_REACTOR_TYPE', 'SWOOLE_RS_TEST_IO_URING_ERRNO=1']]);
    $c = client($h['port']);
    fwrite($c, "ping");
    echo "$opts: ", fread($c, 100), "\n";
    fclose($c);
    echo str_replace($h['file'], 'SERVER', stop_server($h));
}
$info = shell_exec('SWOOLE_RS_TEST_IO_URING_ERRNO=38 ' . escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg(realpath(SWOOLE_RS_SO)) . ' --ri swoole');
foreach (explode("\n", $info) as $line) {
    if (str_starts_with($line, 'io_uring')) echo $line, "\n";
}
?>
--EXPECTF--
["reactor_type" => "auto"]: epoll ping
[%s *%d.0]	INFO	reactor_type 'auto': the kernel refused io_uring (Operation not permitted (os error 1); errno 1): using epoll
["reactor_type" => "io_uring"]: epoll ping

Warning: Swoole\Server::start(): reactor_type 'io_uring': the kernel refused io_uring (Operation not permitted (os error 1); errno 1): falling back to epoll in SERVER on line %d
["reactor_type" => "io_uring", "worker_num" => 2]: epoll ping

Warning: Swoole\Server::start(): reactor_type 'io_uring': the kernel refused io_uring (Operation not permitted (os error 1); errno 1): falling back to epoll in SERVER on line %d
[]: epoll ping
io_uring => unavailable: Function not implemented (os error 38) (errno 38); epoll is used

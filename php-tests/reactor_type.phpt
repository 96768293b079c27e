--TEST--
reactor_type: auto picks io_uring where the kernel allows it, epoll when asked; stats() and php --ri show it; the default is epoll and SWOOLE_RS_REACTOR_TYPE changes it; a bad value is a ValueError
--SKIPIF--
<?php
if (trim((string)@file_get_contents('/proc/sys/kernel/io_uring_disabled')) > '0') die('skip io_uring disabled by the kernel');
?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$code = '
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->set(["log_level" => SWOOLE_LOG_NOTICE, "worker_num" => WORKERS] + OPTS);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, $s->stats()["reactor_type"] . " " . $data);
});
$s->start();
';
function run(string $code, string $opts, int $workers, array $prefix = []): void
{
    $h = start_server("const OPTS = $opts; const WORKERS = $workers;\n" . $code, ['prefix' => $prefix]);
    $c = client($h['port']);
    fwrite($c, "ping");
    echo "$opts workers=$workers ", implode(' ', $prefix), ": ", fread($c, 100), "\n";
    fclose($c);
    echo stop_server($h);
}
run($code, '["reactor_type" => "auto"]', 1);
run($code, '["reactor_type" => "io_uring"]', 2);
run($code, '["reactor_type" => "epoll"]', 1);
run($code, '["reactor_type" => "epoll"]', 2);
run($code, '[]', 1, ['env', '-u', 'SWOOLE_RS_REACTOR_TYPE']);
run($code, '[]', 1, ['env', 'SWOOLE_RS_REACTOR_TYPE=epoll']);
run($code, '[]', 1, ['env', 'SWOOLE_RS_REACTOR_TYPE=auto']);

$s = new Swoole\Server('127.0.0.1', 0);
foreach (['kqueue', 42] as $bad) {
    try {
        $s->set(['reactor_type' => $bad]);
        echo "no error\n";
    } catch (Throwable $e) {
        echo get_class($e), ": ", $e->getMessage(), "\n";
    }
}
var_dump($s->set(['reactor_type' => 'IO_URING']));

$info = shell_exec(escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg(realpath(SWOOLE_RS_SO)) . ' --ri swoole');
foreach (explode("\n", $info) as $line) {
    if (preg_match('/^(reactor|io_uring)/', $line)) echo $line, "\n";
}
?>
--EXPECT--
["reactor_type" => "auto"] workers=1 : io_uring ping
["reactor_type" => "io_uring"] workers=2 : io_uring ping
["reactor_type" => "epoll"] workers=1 : epoll ping
["reactor_type" => "epoll"] workers=2 : epoll ping
[] workers=1 env -u SWOOLE_RS_REACTOR_TYPE: epoll ping
[] workers=1 env SWOOLE_RS_REACTOR_TYPE=epoll: epoll ping
[] workers=1 env SWOOLE_RS_REACTOR_TYPE=auto: io_uring ping
ValueError: Swoole\Server::set(): option 'reactor_type' must be 'auto', 'io_uring' or 'epoll', "kqueue" given
TypeError: Swoole\Server::set(): option 'reactor_type' expects string, int given
bool(true)
reactor => epoll (tokio), io_uring (plain TCP / unix stream, BASE mode)
reactor_type default => epoll (SWOOLE_RS_REACTOR_TYPE overrides)
io_uring => available

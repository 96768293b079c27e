--TEST--
Swoole\Process on its own: start() forks and runs the callback with the process object (pid, name()), write()/read() on the pipe both ways, exit($code) and wait() report code and signal, kill() (0 probes), exportSocket() throws a clear error; start() inside a running server warns
--FILE--
<?php
$p = new Swoole\Process(function (Swoole\Process $p) {
    $p->name("swrs-child");
    $got = $p->read();
    $p->write("child got: $got pid=" . ($p->pid === getmypid() ? "self" : "?"));
    $p->exit(3);
});
$pid = $p->start();
var_dump($pid === $p->pid, $pid > 0);
$p->write("hello");
var_dump($p->read());
$w = Swoole\Process::wait();
var_dump($w['pid'] === $pid, $w['code'], $w['signal']);
var_dump(Swoole\Process::wait(false));
var_dump(Swoole\Process::kill($pid, 0));
try { $p->exportSocket(); } catch (Error $e) { echo $e->getMessage(), "\n"; }
$q = new Swoole\Process(function () { sleep(10); });
$qp = $q->start();
var_dump(Swoole\Process::kill($qp, SIGKILL));
var_dump(Swoole\Process::wait()['signal']);
var_dump(@Swoole\Process::signal(SIGUSR1, function () {}), Swoole\Process::alarm(0));
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("WorkerStart", function ($s) { $p = new Swoole\Process(function () {}); var_dump($p->start()); });
$s->on("Receive", function () {});
$s->start();
');
wait_for_output($h, "bool(false)", 5);
show_server($h);
?>
--EXPECTF--
bool(true)
bool(true)
string(25) "child got: hello pid=self"
bool(true)
int(3)
int(0)
bool(false)
bool(false)
Swoole\Process->exportSocket() needs coroutines, which swoole-rs does not implement yet; use write()/read()
bool(true)
int(9)
bool(false)
bool(true)
--- server exit 0 ---

Warning: Swoole\Process::start(): Swoole\Process->start() cannot be used inside a running server: forking a process that runs an event loop is unsafe; use Server->addProcess() before start() in %s on line %d
bool(false)

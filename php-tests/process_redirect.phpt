--TEST--
Swoole\Process with redirect_stdin_and_stdout: the child's echo reaches the parent's read(), the parent's write() is the child's stdin
--FILE--
<?php
$p = new Swoole\Process(function ($p) { echo "hello from child\n"; $line = fgets(STDIN); echo "child read: $line"; }, true);
$pid = $p->start();
echo "parent got: ", $p->read();
$p->write("ping\n");
usleep(200000);
echo "parent got: ", $p->read();
var_dump(Swoole\Process::wait(true)['pid'] === $pid);
?>
--EXPECT--
parent got: hello from child
parent got: child read: ping
bool(true)

--TEST--
Swoole\Atomic (unsigned 32-bit: add/sub/get/set/cmpset wrap, wait/wakeup as a futex across processes) and Swoole\Atomic\Long (signed 64-bit), shared with forked children
--SKIPIF--
<?php if (!function_exists('pcntl_fork')) die('skip pcntl needed'); ?>
--FILE--
<?php
$a = new Swoole\Atomic();
var_dump($a->get(), $a->add(), $a->add(5), $a->sub(2), $a->sub(10));
$a->set(-1); var_dump($a->get());
$a->set(5); var_dump($a->cmpset(5, 7), $a->get(), $a->cmpset(5, 8), $a->get());
var_dump((new Swoole\Atomic(-2))->get());
$a->set(0);
$t = microtime(true);
var_dump($a->wait(0.05), microtime(true) - $t >= 0.04);
var_dump($a->wakeup(), $a->get(), $a->wait(), $a->get());
$l = new Swoole\Atomic\Long(-5);
var_dump($l->get(), $l->add(10), $l->sub(100), $l->cmpset(-95, PHP_INT_MAX), $l->add(1), $l->get());
$l->set(0);

// Shared with forked processes: four children add 10000 each; one more sleeps in wait()
// until the parent calls wakeup().
$kids = [];
for ($i = 0; $i < 4; $i++) {
    if (($pid = pcntl_fork()) === 0) {
        for ($j = 0; $j < 10000; $j++) { $a->add(); $l->sub(); }
        exit(0);
    }
    $kids[] = $pid;
}
foreach ($kids as $k) pcntl_waitpid($k, $st);
var_dump($a->get(), $l->get());
$flag = new Swoole\Atomic(0);
$done = new Swoole\Atomic(0);
if (($pid = pcntl_fork()) === 0) {
    $done->set($flag->wait(30) ? 1 : 2);
    exit(0);
}
usleep(100000);
var_dump($done->get());
$flag->wakeup();
pcntl_waitpid($pid, $st);
var_dump($done->get());
?>
--EXPECT--
int(0)
int(1)
int(6)
int(4)
int(4294967290)
int(4294967295)
bool(true)
int(7)
bool(false)
int(7)
int(4294967294)
bool(false)
bool(true)
bool(true)
int(1)
bool(true)
int(0)
int(-5)
int(5)
int(-95)
bool(true)
int(-9223372036854775808)
int(-9223372036854775808)
int(40000)
int(-40000)
int(0)
int(1)

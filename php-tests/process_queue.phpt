--TEST--
Swoole\Process message queue: useQueue()/push()/pop() between parent and child (binary-safe, blocking pop waits for a later push), statQueue(), IPC_NOWAIT (pop on an empty queue is false with last error 42, as Swoole), too big a message, no queue, freeQueue(), useQueue(0) keyed by the script's path
--FILE--
<?php
$key = 0x53520000 + getmypid() % 0xffff;
$p = new Swoole\Process(function (Swoole\Process $w) {
    // Blocks until the parent pushes (100 ms later).
    $d = $w->pop();
    $w->push("reply:" . strlen($d) . ":" . bin2hex($d));
});
var_dump($p->useQueue($key), Swoole\Process::IPC_NOWAIT, SWOOLE_MSGQUEUE_BALANCE);
register_shutdown_function(fn() => @$p->freeQueue());
$p->start();
usleep(100000);
var_dump($p->push("a\0b"));
Swoole\Process::wait();
var_dump($p->pop());
foreach (["one", "two", "three"] as $m) $p->push($m);
var_dump($p->statQueue());
var_dump($p->pop(), $p->pop(2), $p->pop());

$q = new Swoole\Process(function () {});
var_dump($q->useQueue($key, SWOOLE_MSGQUEUE_BALANCE | Swoole\Process::IPC_NOWAIT));
var_dump($q->pop(), swoole_last_error());
var_dump($q->push(str_repeat("x", 65537)));
// The kernel's own limit per message (kernel.msgmax, 8192 by default) is lower than Swoole's.
$max = (int)file_get_contents('/proc/sys/kernel/msgmax');
var_dump($q->push(str_repeat("x", $max)), strlen($q->pop()) === $max);
var_dump($q->push(str_repeat("x", $max + 1)));
var_dump($q->freeQueue());
var_dump($q->statQueue());
var_dump($p->freeQueue());

$r = new Swoole\Process(function () {});
var_dump($r->push("x"), $r->pop());
var_dump($r->useQueue());
register_shutdown_function(fn() => @$r->freeQueue());
var_dump($r->push("keyed by the script's path"), $r->pop(), $r->freeQueue());
?>
--EXPECTF--
bool(true)
int(256)
int(2)
bool(true)
string(14) "reply:3:610062"
array(2) {
  ["queue_num"]=>
  int(3)
  ["queue_bytes"]=>
  int(11)
}
string(3) "one"
string(2) "tw"
string(5) "three"
bool(true)
bool(false)
int(42)

Warning: Swoole\Process::push(): the data to push is too big in %s on line %d
bool(false)
bool(true)
bool(true)

Warning: Swoole\Process::push(): the data to push is %d bytes, more than the kernel takes in one message (kernel.msgmax = %d) in %s on line %d
bool(false)
bool(true)

Warning: Swoole\Process::statQueue(): no queue, can't get stats of the queue in %s on line %d
bool(false)

Warning: Swoole\Process::freeQueue(): msgctl(IPC_RMID) failed: Invalid argument (os error 22) in %s on line %d
bool(false)

Warning: Swoole\Process::push(): no msgqueue, cannot use push() in %s on line %d

Warning: Swoole\Process::pop(): no msgqueue, cannot use pop() in %s on line %d
bool(false)
bool(false)
bool(true)
bool(true)
string(26) "keyed by the script's path"
bool(true)

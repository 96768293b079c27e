--TEST--
Swoole\Lock: SWOOLE_MUTEX/RWLOCK/SPINLOCK and Lock::MUTEX/RWLOCK/SPINLOCK; lock/unlock, LOCK_NB (EBUSY), timeout (ETIMEDOUT), self-deadlock (EDEADLK) instead of hanging, LOCK_SH read locks shared, unknown type throws; process-shared mutual exclusion; a process SIGKILLed holding the lock does not wedge the others
--SKIPIF--
<?php if (!function_exists('pcntl_fork')) die('skip pcntl needed'); ?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
use Swoole\Lock;
var_dump([SWOOLE_MUTEX, SWOOLE_RWLOCK, SWOOLE_SPINLOCK], [Lock::MUTEX, Lock::RWLOCK, Lock::SPINLOCK]);
try { new Lock(2); } catch (Swoole\Exception $e) { echo get_class($e), ": ", $e->getMessage(), " ", $e->getCode(), "\n"; }
foreach ([SWOOLE_MUTEX, SWOOLE_SPINLOCK, SWOOLE_RWLOCK] as $type) {
    $l = new Lock($type);
    echo "type $type: ";
    echo json_encode([$l->errCode, $l->lock(), $l->lock(LOCK_EX | LOCK_NB), $l->errCode, $l->lock(LOCK_EX, 0.05), $l->errCode, $l->unlock(), $l->lock(LOCK_EX | LOCK_NB), $l->unlock()]), "\n";
}
$rw = new Lock(SWOOLE_RWLOCK);
echo "rwlock: ", json_encode([$rw->lock(LOCK_SH), $rw->lock(LOCK_SH | LOCK_NB), $rw->lock(LOCK_EX | LOCK_NB), $rw->errCode, $rw->unlock(), $rw->unlock(), $rw->lock(LOCK_EX | LOCK_NB), $rw->lock(LOCK_SH | LOCK_NB), $rw->unlock()]), "\n";

// Mutual exclusion across processes: a read-modify-write through a Table row is only
// exact under the lock.
$t = new Swoole\Table(64); $t->column("n", Swoole\Table::TYPE_INT); $t->create();
$m = new Lock();
$kids = [];
for ($i = 0; $i < 3; $i++) {
    if (($pid = pcntl_fork()) === 0) {
        for ($j = 0; $j < 2000; $j++) { $m->lock(); $v = (int)$t->get("x", "n"); $t->set("x", ["n" => $v + 1]); $m->unlock(); }
        exit(0);
    }
    $kids[] = $pid;
}
foreach ($kids as $k) pcntl_waitpid($k, $st);
var_dump($t->get("x", "n"));

// A child takes each kind of lock and is SIGKILLed while holding it.
foreach ([SWOOLE_MUTEX, SWOOLE_SPINLOCK, SWOOLE_RWLOCK] as $type) {
    foreach ($type === SWOOLE_RWLOCK ? [LOCK_EX, LOCK_SH] : [LOCK_EX] as $op) {
        $l = new Lock($type);
        $held = new Swoole\Atomic(0);
        if (($pid = pcntl_fork()) === 0) { $l->lock($op); $held->set(1); while (true) usleep(100000); }
        register_shutdown_function(fn() => pcntl_waitpid($pid, $st, WNOHANG) === 0 && kill_pid($pid, 9));
        while ($held->get() === 0) usleep(1000);
        $before = $l->lock(LOCK_EX | LOCK_NB);
        kill_pid($pid, 9);
        pcntl_waitpid($pid, $st);
        echo "type $type op $op: held elsewhere ", json_encode(!$before), ", after the holder was killed: ", json_encode($l->lock(LOCK_EX, 10)), "\n";
        $l->unlock();
    }
}
?>
--EXPECT--
array(3) {
  [0]=>
  int(3)
  [1]=>
  int(1)
  [2]=>
  int(5)
}
array(3) {
  [0]=>
  int(3)
  [1]=>
  int(1)
  [2]=>
  int(5)
}
Swoole\Exception: lock type[2] is not support 2
type 3: [0,true,false,16,false,35,true,true,true]
type 5: [0,true,false,16,false,35,true,true,true]
type 1: [0,true,false,16,false,35,true,true,true]
rwlock: [true,true,false,16,true,true,true,false,true]
int(6000)
type 3 op 2: held elsewhere true, after the holder was killed: true
type 5 op 2: held elsewhere true, after the holder was killed: true
type 1 op 2: held elsewhere true, after the holder was killed: true
type 1 op 1: held elsewhere true, after the holder was killed: true

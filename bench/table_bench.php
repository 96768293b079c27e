<?php
/**
 * Swoole\Table operations per second, for bench/table_bench.py (runs it against swoole-rs and
 * against real Swoole 6.1.7, never both loaded at once).
 *
 *   php table_bench.php <set|get|incr> <ops per process> <processes>
 *
 * Prints one number: total operations per second over all processes. The table (4096 rows,
 * an int, a float and a 32-byte string column) is created before forking, filled with the
 * 1000 keys the loop cycles over, and shared by the forked processes, as workers share it.
 */
[$_, $op, $n, $procs] = $argv + [1 => 'get', 2 => 1000000, 3 => 1];
$n = (int)$n; $procs = (int)$procs;
$t = new Swoole\Table(4096);
$t->column('id', Swoole\Table::TYPE_INT);
$t->column('score', Swoole\Table::TYPE_FLOAT);
$t->column('name', Swoole\Table::TYPE_STRING, 32);
$t->create();
$keys = [];
for ($i = 0; $i < 1000; $i++) {
    $keys[] = "user:$i";
    $t->set("user:$i", ['id' => $i, 'score' => $i / 2, 'name' => "name $i"]);
}
$go = new Swoole\Atomic(0);
$run = function () use ($t, $op, $n, $keys) {
    $row = ['id' => 1, 'score' => 1.5, 'name' => 'somebody'];
    switch ($op) {
        case 'set':
            for ($i = 0; $i < $n; $i++) $t->set($keys[$i % 1000], $row);
            break;
        case 'get':
            for ($i = 0; $i < $n; $i++) $t->get($keys[$i % 1000]);
            break;
        case 'incr':
            for ($i = 0; $i < $n; $i++) $t->incr($keys[$i % 1000], 'id');
            break;
    }
};
$kids = [];
for ($p = 0; $p < $procs; $p++) {
    if (($pid = pcntl_fork()) === 0) {
        while ($go->get() === 0) usleep(100);
        $run();
        exit(0);
    }
    $kids[] = $pid;
}
usleep(50000);
$start = microtime(true);
$go->set(1);
foreach ($kids as $k) pcntl_waitpid($k, $st);
$elapsed = microtime(true) - $start;
printf("%.0f\n", $n * $procs / $elapsed);

<?php
/**
 * Online users counted across workers with Swoole\Table, Swoole\Atomic and Swoole\Lock.
 *
 *   php -d extension=target/release/libswoole.so examples/tableServer.php 9501
 *   printf 'login alice\n' | nc 127.0.0.1 9501      # "welcome alice, 1 online"
 *   printf 'who\n' | nc 127.0.0.1 9501              # lists everyone, whichever worker answers
 *
 * Protocol (one line per command): "login <name>", "who", "logout". Everything shared is
 * created before start(), so the forked workers inherit the same shared memory.
 */
$port = (int)($argv[1] ?? 9501);

// fd => user; 1024 rows (more users than that need a bigger table).
$users = new Swoole\Table(1024);
$users->column('name', Swoole\Table::TYPE_STRING, 32);
$users->column('worker', Swoole\Table::TYPE_INT);
$users->column('since', Swoole\Table::TYPE_FLOAT);
$users->create();
$logins = new Swoole\Atomic();          // total logins since start
$lock = new Swoole\Lock(SWOOLE_MUTEX); // "who" sees no login/logout half-done

$server = new Swoole\Server('127.0.0.1', $port);
$server->set(['worker_num' => 2, 'open_eof_split' => true, 'package_eof' => "\n"]);

$server->on('Receive', function (Swoole\Server $s, int $fd, int $rid, string $data) use ($users, $logins, $lock) {
    [$cmd, $arg] = explode(' ', trim($data), 2) + [1 => ''];
    switch ($cmd) {
        case 'login':
            $lock->lock();
            $users->set((string)$fd, ['name' => $arg, 'worker' => $s->getWorkerId(), 'since' => microtime(true)]);
            $logins->add();
            $lock->unlock();
            $s->send($fd, "welcome $arg, " . count($users) . " online\n");
            break;
        case 'who':
            $lock->lock();
            $names = [];
            foreach ($users as $ufd => $u) {
                $names[] = "{$u['name']}@worker{$u['worker']}";
            }
            $total = $logins->get();
            $lock->unlock();
            sort($names);
            $s->send($fd, count($names) . " online ($total logins): " . implode(' ', $names) . "\n");
            break;
        case 'logout':
            $users->del((string)$fd);
            $s->send($fd, "bye\n");
            break;
        default:
            $s->send($fd, "unknown command\n");
    }
});
$server->on('Close', function (Swoole\Server $s, int $fd) use ($users) {
    $users->del((string)$fd);
});
$server->start();

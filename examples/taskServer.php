<?php
// A TCP server that hands slow work to task workers.
//   php -d extension=target/release/libswoole.so examples/taskServer.php
//   then: echo hello | nc 127.0.0.1 9503      (prints "HELLO (task 0, by task worker 2)")
$port = (int)($argv[1] ?? 9503);
$server = new Swoole\Server('127.0.0.1', $port);
$server->set(['worker_num' => 2, 'task_worker_num' => 2]);

$server->on('Receive', function (Swoole\Server $server, int $fd, int $reactorId, string $data) {
    // task() returns at once; the result comes back to this worker in the callback (or onFinish).
    $server->task(['fd' => $fd, 'text' => trim($data)], -1, function (Swoole\Server $server, int $taskId, array $result) {
        $server->send($result['fd'], "{$result['text']} (task $taskId, by task worker {$result['by']})\n");
    });
});

// Runs in a task worker: the slow part (a database write, an HTTP call, a mail...).
$server->on('Task', function (Swoole\Server $server, int $taskId, int $srcWorkerId, array $job) {
    usleep(10000);
    return ['fd' => $job['fd'], 'text' => strtoupper($job['text']), 'by' => $server->worker_id];
});

// Results of task() calls without their own callback arrive here.
$server->on('Finish', function (Swoole\Server $server, int $taskId, $result) {});

// Workers can also message each other (event and task workers alike).
$server->on('PipeMessage', function (Swoole\Server $server, int $srcWorkerId, $message) {
    echo "worker {$server->worker_id} got a message from worker $srcWorkerId: $message\n";
});
$server->on('WorkerStart', function (Swoole\Server $server, int $workerId) {
    if ($workerId === 0) {
        $server->sendMessage('hello from worker 0', 1);
        echo "taskServer listening on 127.0.0.1:{$server->port}\n";
    }
});

$server->start();

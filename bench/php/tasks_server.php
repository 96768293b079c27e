<?php
// Task round-trip benchmark, the same script for swoole-rs and Swoole 6.1.7 (see bench/tasks.sh).
// One event worker, task_worker_num task workers. Worker 0, once started:
//  1. round trips: task(64 B) -> onTask -> return -> onFinish, WINDOW tasks in flight, for SECONDS;
//  2. taskwait latency: N sequential taskwait(64 B) calls, p50/p99 in microseconds.
// Prints one JSON line and shuts the server down.
$taskWorkers = (int)($argv[1] ?? 2);
$seconds = (float)($argv[2] ?? 3);
$window = (int)($argv[3] ?? 64);
$waits = (int)($argv[4] ?? 5000);
$s = new Swoole\Server('127.0.0.1', 0, SWOOLE_BASE);
$s->set(['worker_num' => 1, 'task_worker_num' => $taskWorkers, 'log_level' => 5, 'enable_coroutine' => false]);
$s->on('Receive', function () {});
$s->on('Task', function ($s, $id, $src, $data) { return $data; });
$payload = str_repeat('x', 64);
$state = ['done' => 0, 'until' => 0.0, 'start' => 0.0];
$s->on('Finish', function ($s, $id, $data) use (&$state, $payload, $waits) {
    $state['done']++;
    $now = microtime(true);
    if ($now < $state['until']) {
        $s->task($payload);
        return;
    }
    if (isset($state['rate'])) return;
    $state['rate'] = $state['done'] / ($now - $state['start']);
    // Let the window drain, then measure taskwait.
    Swoole\Timer::after(200, function () use ($s, &$state, $payload, $waits) {
        $lat = [];
        for ($i = 0; $i < $waits; $i++) {
            $t = hrtime(true);
            $r = $s->taskwait($payload, 1.0);
            $lat[] = (hrtime(true) - $t) / 1000;
            if ($r !== $payload) { $state['errors'] = ($state['errors'] ?? 0) + 1; }
        }
        sort($lat);
        echo json_encode([
            'impl' => class_exists('Swoole\Coroutine') ? 'swoole 6.1.7' : 'swoole-rs',
            'task_workers' => (int)$s->setting['task_worker_num'],
            'tasks_per_s' => round($state['rate']),
            'taskwait_p50_us' => round($lat[(int)(count($lat) * 0.5)], 1),
            'taskwait_p99_us' => round($lat[(int)(count($lat) * 0.99)], 1),
            'taskwait_errors' => $state['errors'] ?? 0,
        ]), "\n";
        $s->shutdown();
    });
});
$s->on('WorkerStart', function ($s, $wid) use (&$state, $payload, $window, $seconds) {
    if ($wid !== 0) return;
    Swoole\Timer::after(500, function () use ($s, &$state, $payload, $window, $seconds) {
        $state['start'] = microtime(true);
        $state['until'] = $state['start'] + $seconds;
        for ($i = 0; $i < $window; $i++) $s->task($payload);
    });
});
$s->start();

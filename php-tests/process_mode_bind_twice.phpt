--TEST--
SWOOLE_PROCESS: a session is bound once (a second bind() from any worker is false, without a warning, and the first uid keeps deciding), uid 0 binds nothing, a negative uid is kept as a u32, an out-of-range uid warns; in other dispatch modes bind() records the uid
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach ([5, 2] as $mode) {
    echo "-- dispatch_mode $mode\n";
    $h = start_server("\$MODE = $mode;\n" . <<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$s->set(['worker_num' => 2, 'dispatch_mode' => $MODE]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $a = explode(' ', trim($data));
    $r = match ($a[0]) {
        'bind' => var_export($s->bind(count($a) > 2 ? (int)$a[2] : $fd, (int)$a[1]), true) . ' error ' . $s->getLastError(),
        'uid' => json_encode($s->getClientInfo(count($a) > 1 ? (int)$a[1] : $fd)['uid'] ?? 'none'),
        default => '',
    };
    $s->send($fd, "$r (worker {$s->worker_id})\n");
});
$s->start();
PHP);
    $ask = function ($c, $what) { fwrite($c, "$what\n"); return "$what: " . fgets($c); };
    // One round trip each before the next connects: sessions 1, 2, 3 in this order.
    $a = client($h['port']); // session 1: worker 1 until bound
    echo $ask($a, 'uid');
    $b = client($h['port']); // session 2: worker 0
    echo $ask($b, 'uid');
    $c = client($h['port']); // session 3: worker 1 until bound
    echo $ask($c, 'uid');
    echo $ask($a, 'bind 4'), $ask($a, 'who');
    echo $ask($a, 'bind 4'), $ask($a, 'bind 5'), $ask($a, 'who');
    echo $ask($b, 'bind 5 1'), $ask($b, 'uid 1'), $ask($a, 'who');
    echo $ask($c, 'bind 0'), $ask($c, 'who'), $ask($c, 'bind -2'), $ask($c, 'who'), $ask($c, 'uid');
    echo $ask($c, 'bind 3'), $ask($c, 'bind 5000000000 2'), $ask($b, 'uid');
    fclose($a); fclose($b); fclose($c);
    echo stop_server($h);
}
?>
--EXPECTF--
-- dispatch_mode 5
uid: 0 (worker 1)
uid: 0 (worker 0)
uid: 0 (worker 1)
bind 4: true error 0 (worker 1)
who:  (worker 0)
bind 4: false error 0 (worker 0)
bind 5: false error 0 (worker 0)
who:  (worker 0)
bind 5 1: false error 0 (worker 0)
uid 1: 4 (worker 0)
who:  (worker 0)
bind 0: true error 0 (worker 1)
who:  (worker 1)
bind -2: true error 0 (worker 1)
who:  (worker 0)
uid: 4294967294 (worker 0)
bind 3: false error 0 (worker 0)
bind 5000000000 2: false error 503 (worker 0)
uid: 0 (worker 0)

Warning: Swoole\Server::bind(): uid can not be greater than 4294967295 or less than -2147483648 in %s on line %d
-- dispatch_mode 2
uid: "none" (worker 1)
uid: "none" (worker 0)
uid: "none" (worker 1)
bind 4: true error 0 (worker 1)
who:  (worker 1)
bind 4: false error 0 (worker 1)
bind 5: false error 0 (worker 1)
who:  (worker 1)
bind 5 1: false error 0 (worker 0)
uid 1: 4 (worker 0)
who:  (worker 1)
bind 0: true error 0 (worker 1)
who:  (worker 1)
bind -2: true error 0 (worker 1)
who:  (worker 1)
uid: 4294967294 (worker 1)
bind 3: false error 0 (worker 1)
bind 5000000000 2: false error 503 (worker 1)
uid: "none" (worker 0)

Warning: Swoole\Server::bind(): uid can not be greater than 4294967295 or less than -2147483648 in %s on line %d

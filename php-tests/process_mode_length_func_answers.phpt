--TEST--
SWOOLE_PROCESS package_length_func answers as in BASE mode, run side by side: a numeric string or an integral float is a length; an exception (reported, naming the fd), null or an array (a warning naming the fd and what came back) close that connection with the malformed-data warning; a length above package_max_length, and 0 until package_max_length bytes are buffered, give the too-large warning; every closed connection gets one onClose; the master keeps serving
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach (['SWOOLE_BASE', 'SWOOLE_PROCESS'] as $mode) {
    echo "== $mode\n";
    $h = start_server(str_replace('MODE', $mode, <<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT, MODE);
$s->set([
    'worker_num' => 2,
    'open_length_check' => true,
    'package_max_length' => 65536,
    // Packets are 12 bytes; the first two say how the function answers.
    'package_length_func' => function (string $data) {
        return match (substr($data, 0, 2)) {
            'ST' => '12',
            'FL' => 12.0,
            'TH' => throw new RuntimeException('no length here'),
            'NU' => null,
            'AR' => [12],
            'BI' => 65537,
            'ZE' => 0,
            default => 12,
        };
    },
]);
$s->on('Receive', function ($s, $fd, $rid, $data) { $s->send($fd, "got $data\n"); });
$s->on('Close', function ($s, $fd, $rid) { echo "close $fd\n"; });
$s->start();
PHP));
    $fds = [];
    foreach (['ST', 'FL', 'TH', 'NU', 'AR', 'BI', 'ZE', 'OK'] as $i => $what) {
        $c = client($h['port']);
        $fds[$i + 1] = $what;
        if ($what === 'ZE') {
            // Never a length: the buffer fills up to package_max_length (65536 bytes).
            fwrite($c, 'ZE' . str_repeat('z', 65534));
        } else {
            fwrite($c, $what . str_repeat('x', 10));
        }
        $reply = fgets($c);
        echo "$what: ", $reply !== false ? trim($reply) : (sees_eof($c) ? 'closed' : 'no reply, still open'), "\n";
        fclose($c);
        wait_for_output($h, "close " . ($i + 1) . "\n");
    }
    $out = stop_server($h);
    // BASE reports through PHP warnings, the PROCESS master's reactor threads through its log.
    preg_match_all('/^(?:Warning: Swoole\\\\Server::start\(\): |\[.*\]\tWARNING\tconnection#\d+ closed \(ERRNO \d+\): )(.*?)(?: in \S+ on line \d+)?$/m', $out, $m);
    echo implode("\n", preg_replace('/remote_addr=127\.0\.0\.1:\d+/', 'remote_addr=127.0.0.1:PORT', $m[1])), "\n";
    echo "uncaught: ", preg_match_all('/^Warning: Uncaught RuntimeException: no length here/m', $out), "\n";
    preg_match_all('/^close (\d+)$/m', $out, $m);
    sort($m[1]);
    echo "closes: ", implode(' ', $m[1]), "\n";
}
?>
--EXPECT--
== SWOOLE_BASE
ST: got STxxxxxxxxxx
FL: got FLxxxxxxxxxx
TH: closed
NU: closed
AR: closed
BI: closed
ZE: closed
OK: got OKxxxxxxxxxx
package_length_func (fd 3) threw an uncaught exception; the server keeps running (details follow)
received 12 bytes of malformed data, remote_addr=127.0.0.1:PORT
package_length_func returned null for fd 4, not a length (the packet's total length, 0 for more data, or a negative number for malformed data); closing the connection
received 12 bytes of malformed data, remote_addr=127.0.0.1:PORT
package_length_func returned array for fd 5, not a length (the packet's total length, 0 for more data, or a negative number for malformed data); closing the connection
received 12 bytes of malformed data, remote_addr=127.0.0.1:PORT
the received packet length 65537 is too large (package_max_length is 65536), remote_addr=127.0.0.1:PORT
the received packet length 65536 is too large (package_max_length is 65536), remote_addr=127.0.0.1:PORT
uncaught: 1
closes: 1 2 3 4 5 6 7 8
== SWOOLE_PROCESS
ST: got STxxxxxxxxxx
FL: got FLxxxxxxxxxx
TH: closed
NU: closed
AR: closed
BI: closed
ZE: closed
OK: got OKxxxxxxxxxx
package_length_func (fd 3) threw an uncaught exception; the server keeps running (details follow)
received 12 bytes of malformed data, remote_addr=127.0.0.1:PORT
package_length_func returned null for fd 4, not a length (the packet's total length, 0 for more data, or a negative number for malformed data); closing the connection
received 12 bytes of malformed data, remote_addr=127.0.0.1:PORT
package_length_func returned array for fd 5, not a length (the packet's total length, 0 for more data, or a negative number for malformed data); closing the connection
received 12 bytes of malformed data, remote_addr=127.0.0.1:PORT
the received packet length 65537 is too large (package_max_length is 65536), remote_addr=127.0.0.1:PORT
the received packet length 65536 is too large (package_max_length is 65536), remote_addr=127.0.0.1:PORT
uncaught: 1
closes: 1 2 3 4 5 6 7 8

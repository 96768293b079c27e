--TEST--
SWOOLE_PROCESS package_length_func per port: an extra port's own (Port::set()) frames that port's connections, the server's frames the primary port's, an EOF port beside them needs neither; each is asked only about its own port's bytes, in the master, also with a dispatch_func asked on the same queue
--FILE--
<?php
require __DIR__ . '/_helper.php';
$p2 = free_port();
$p3 = free_port();
$h = start_server(<<<PHP
\$p2 = $p2;
\$p3 = $p3;
PHP . <<<'PHP'

$s = new Swoole\Server('127.0.0.1', $PORT, SWOOLE_PROCESS);
$master = getmypid();
$where = function () use (&$master) { return getmypid() === $master ? 'master' : 'NOT THE MASTER'; };
$s->set([
    'worker_num' => 2,
    'open_length_check' => true,
    // The primary port: a decimal length and a colon ("5:hello").
    'package_length_func' => function (string $data) use ($where) {
        $colon = strpos($data, ':');
        $n = $colon === false ? 0 : $colon + 1 + (int)substr($data, 0, $colon);
        echo "server's lf in " . $where() . ": " . json_encode($data) . " -> $n\n";
        return $n;
    },
    'dispatch_func' => function ($s, $fd, $type, $data) use ($where) {
        if ($type === 0) echo "dispatch_func in " . $where() . ": " . json_encode($data) . "\n";
        return $fd % 2;
    },
]);
// Port 2: a one-byte body length first ("\x05hello").
$s->listen('127.0.0.1', $p2, SWOOLE_SOCK_TCP)->set([
    'open_length_check' => true,
    'package_length_func' => function (string $data) use ($where) {
        $n = 1 + ord($data[0]);
        echo "port 2's lf in " . $where() . ": " . json_encode($data) . " -> $n\n";
        return $n;
    },
]);
// Port 3: lines.
$s->listen('127.0.0.1', $p3, SWOOLE_SOCK_TCP)->set(['open_eof_split' => true, 'package_eof' => "\n"]);
$s->on('Receive', function ($s, $fd, $rid, $data) {
    $port = match ($s->getClientInfo($fd)['server_port']) { $GLOBALS['PORT'] => 1, $GLOBALS['p2'] => 2, $GLOBALS['p3'] => 3 };
    $s->send($fd, "port $port worker {$s->worker_id}: " . json_encode($data) . "\n");
});
$s->start();
PHP);
// Each connects once the previous one was answered: their session ids (1, 2, 3) pick the
// workers (dispatch_func: fd % 2), and connections to different ports made back to back
// may be accepted in either order.
$a = client($h['port']);
fwrite($a, "5:hello3:abc");
echo fgets($a), fgets($a);
$b = client($p2);
fwrite($b, "\x05world\x02hi");
echo fgets($b), fgets($b);
$c = client($p3);
fwrite($c, "line one\nline two\n");
echo fgets($c), fgets($c);
fwrite($b, "\x04");
usleep(100000);
fwrite($b, "more");
echo fgets($b);
$out = stop_server($h);
echo "-- master\n";
preg_match_all('/^(server\'s lf|port 2\'s lf|dispatch_func) .*$/m', $out, $m);
echo implode("\n", $m[0]), "\n";
?>
--EXPECT--
port 1 worker 1: "5:hello"
port 1 worker 1: "3:abc"
port 2 worker 0: "\u0005world"
port 2 worker 0: "\u0002hi"
port 3 worker 1: "line one\n"
port 3 worker 1: "line two\n"
port 2 worker 0: "\u0004more"
-- master
server's lf in master: "5:hello3:abc" -> 7
dispatch_func in master: "5:hello"
server's lf in master: "3:abc" -> 5
dispatch_func in master: "3:abc"
port 2's lf in master: "\u0005world\u0002hi" -> 6
dispatch_func in master: "\u0005world"
port 2's lf in master: "\u0002hi" -> 3
dispatch_func in master: "\u0002hi"
dispatch_func in master: "line one\n"
dispatch_func in master: "line two\n"
port 2's lf in master: "\u0004" -> 5
dispatch_func in master: "\u0004more"

--TEST--
The ports examples work: examples/multiPort.php (line port, length-framed admin port, UDP metrics port) and examples/udpServer.php
--FILE--
<?php
require __DIR__ . '/_helper.php';
$code = str_replace(['<?php', '$argv[1]'], ['', '$PORT'], file_get_contents(__DIR__ . '/../examples/multiPort.php'));
$port = free_port();
while (!@stream_socket_server('tcp://127.0.0.1:' . ($port + 1)) || !@stream_socket_server('udp://127.0.0.1:' . ($port + 2), $e, $es, STREAM_SERVER_BIND)) { $port = free_port(); }
$h = start_server($code, ['port' => $port]);
$c = client($port);
fwrite($c, "hello\n");
echo fgets($c);
$u = udp_client($port + 2);
fwrite($u, "cpu=3\nmem=40");
echo fread($u, 100);
$a = client($port + 1);
fwrite($a, pack('N', 5) . 'stats');
$n = unpack('N', recv_exact($a, 4))[1];
echo recv_exact($a, $n), "\n";
$out = stop_server($h);
echo str_replace([(string)$port, (string)($port + 1), (string)($port + 2)], ['P', 'P+1', 'P+2'], explode("\n", $out)[0]), "\n";

$code = str_replace(['<?php', '$argv[1]'], ['', '$PORT'], file_get_contents(__DIR__ . '/../examples/udpServer.php'));
$h = start_server($code, ['no_wait' => true]);
var_dump(wait_for_output($h, 'worker 0 ready') && wait_for_output($h, 'worker 1 ready'));
$u = udp_client($h['port']);
fwrite($u, "hello");
echo fread($u, 100), "\n";
stop_server($h);
?>
--EXPECT--
echo: hello
ok
{"clients":1,"admins":1,"metrics":{"cpu":"3","mem":"40"}}
clients on P, admin on P+1, metrics (UDP) on P+2
bool(true)
Server: hello

--TEST--
The unchanged tutorial script (examples/tcpServer.php) answers hello with "Server: hello"
--FILE--
<?php
require __DIR__ . '/_helper.php';
$port = free_port();
$code = file_get_contents(__DIR__ . '/../examples/tcpServer.php');
$code = str_replace(['<?php', '9501'], ['', '$PORT'], $code);
$h = start_server($code, ['port' => $port]);
$c = client($port);
fwrite($c, "hello\n");
var_dump(recv_exact($c, 14));
fwrite($c, "again");
var_dump(recv_exact($c, 13));
fclose($c);
usleep(200000);
show_server($h);
?>
--EXPECT--
string(14) "Server: hello
"
string(13) "Server: again"
--- server exit 0 ---
Client: Connect.
Client: Close.

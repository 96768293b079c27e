--TEST--
examples/tlsServer.php works as its header says: greeting after the handshake, line echo, stats with the failed-handshake count, reload
--FILE--
<?php
require __DIR__ . '/_tls.php';
$code = str_replace('<?php', '', file_get_contents(__DIR__ . '/../examples/tlsServer.php'));
$code = str_replace('$argv[1] ?? 9443', '$PORT', $code);
$h = start_server($code);
$plain = client($h['port']);
fwrite($plain, "not tls\n");
var_dump(sees_eof($plain));
$c = tls_client($h['port']);
echo preg_replace('/#\d+/', '#N', fgets($c));
fwrite($c, "hi th");
fwrite($c, "ere\nstats\nreload\n");
echo fgets($c), fgets($c), fgets($c);
fclose($c);
stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
bool(true)
hello over TLS, you are #N
echo: hi there
connections=1 failed_handshakes=1
reload: true
exit 0

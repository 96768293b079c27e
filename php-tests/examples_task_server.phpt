--TEST--
examples/taskServer.php works as its header says: a line sent to it comes back upper-cased by a task worker, and the pipe message reaches worker 1
--FILE--
<?php
require __DIR__ . '/_helper.php';
$code = str_replace('<?php', '', file_get_contents(__DIR__ . '/../examples/taskServer.php'));
$code = str_replace('$argv[1] ?? 9503', '$PORT', $code);
$h = start_server($code);
$c = client($h['port']);
fwrite($c, "hello\n");
echo preg_replace('/task worker \d/', 'task worker N', fgets($c));
fclose($c);
echo wait_for_output($h, 'got a message from worker 0', 5) ? "pipe message delivered\n" : "no pipe message\n";
$out = stop_server($h);
echo "exit {$h['exit']}\n";
?>
--EXPECT--
HELLO (task 0, by task worker N)
pipe message delivered
exit 0

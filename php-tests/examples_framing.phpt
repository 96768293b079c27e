--TEST--
The framing examples (examples/eofServer.php, examples/lengthServer.php) work with their clients
--FILE--
<?php
require __DIR__ . '/_helper.php';
foreach (['eof', 'length'] as $name) {
    $code = str_replace('<?php', '', file_get_contents(__DIR__ . "/../examples/{$name}Server.php"));
    $code = str_replace('$argv[1]', '$PORT', $code);
    $h = start_server($code);
    $client = __DIR__ . "/../examples/{$name}Client.php";
    echo shell_exec(escapeshellarg(PHP_BINARY) . " -n " . escapeshellarg($client) . " " . $h['port']);
    show_server($h);
}
?>
--EXPECT--
HELLO
WORLD
THREE LINES IN ONE WRITE
A LINE SENT IN PIECES
--- server exit 0 ---
got 5 bytes
got 6 bytes
got 100000 bytes
--- server exit 0 ---

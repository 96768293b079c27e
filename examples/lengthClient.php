<?php
// Client for lengthServer.php: two packets in one write, then a large one; reads the framed replies.
$port = (int)($argv[1] ?? 9503);
$c = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 3) or die("connect: $errstr\n");
$packet = fn(string $body) => pack('N', strlen($body)) . $body;
fwrite($c, $packet("first") . $packet("second"));
fwrite($c, $packet(str_repeat("x", 100000)));
for ($i = 0; $i < 3; $i++) {
    $len = unpack('N', stream_get_contents($c, 4))[1];
    echo stream_get_contents($c, $len), "\n";
}

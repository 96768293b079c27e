<?php
// Client for eofServer.php: sends three lines in one write and one line in pieces,
// then reads four answers.
$port = (int)($argv[1] ?? 9502);
$c = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 3) or die("connect: $errstr\n");
fwrite($c, "hello\r\nworld\r\nthree lines in one write\r\n");
foreach (str_split("a line sent in pieces\r\n", 5) as $piece) {
    fwrite($c, $piece);
    usleep(10000);
}
for ($i = 0; $i < 4; $i++) {
    echo fgets($c);
}

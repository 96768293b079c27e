--TEST--
open_length_check: every package_length_type letter, with length offsets and body offsets
--FILE--
<?php
require __DIR__ . '/_helper.php';
// [letter, length_offset, body_offset]: a 2-byte magic before the length field for offset 2;
// body_offset 0 means the length counts the whole packet.
$cases = [['c', 0, 1], ['C', 2, 3], ['s', 0, 2], ['S', 0, 2], ['n', 2, 4], ['v', 0, 2],
          ['l', 0, 4], ['L', 0, 4], ['N', 2, 0], ['V', 0, 4], ['q', 0, 8], ['Q', 0, 8], ['J', 0, 8], ['P', 2, 10]];
foreach ($cases as [$type, $off, $body]) {
    $h = start_server(<<<PHP
\$s = new Swoole\\Server('127.0.0.1', \$PORT);
\$s->set(['open_length_check' => true, 'package_length_type' => '$type',
         'package_length_offset' => $off, 'package_body_offset' => $body]);
\$s->on('Receive', function (\$s, \$fd, \$rid, \$data) { \$s->send(\$fd, strlen(\$data) . ";"); });
\$s->start();
PHP);
    $payloads = ["x", str_repeat("y", 100)];
    $wire = '';
    foreach ($payloads as $p) {
        $header = str_repeat("M", $off);
        $size = strlen(pack($type, 0));
        $total = $off + $size + strlen($p);
        $len = $body === 0 ? $total : $total - $body;
        $wire .= $header . pack($type, $len) . $p;
    }
    $c = client_nodelay($h['port']);
    write_in_pieces($c, $wire, 7, 500);
    $expect = implode('', array_map(fn($p) => ($off + strlen(pack($type, 0)) + strlen($p)) . ';', $payloads));
    $got = recv_exact($c, strlen($expect));
    echo $type, ': ', ($got === $expect ? 'ok' : "got '$got', expected '$expect'"), "\n";
    fclose($c);
    $out = stop_server($h);
    if (trim($out) !== '') echo $out;
}
?>
--EXPECT--
c: ok
C: ok
s: ok
S: ok
n: ok
v: ok
l: ok
L: ok
N: ok
V: ok
q: ok
Q: ok
J: ok
P: ok

--TEST--
open_length_check: one onReceive per whole packet (header included), fragmented or coalesced
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server(<<<'PHP'
$s = new Swoole\Server('127.0.0.1', $PORT);
$s->set(['open_length_check' => true, 'package_length_type' => 'N',
         'package_length_offset' => 0, 'package_body_offset' => 4]);
$n = 0;
$s->on('Receive', function ($s, $fd, $rid, $data) use (&$n) {
    $n++;
    $len = unpack('N', $data)[1];
    if ($len + 4 !== strlen($data)) echo "BAD packet $n\n";
    if ($n <= 3 || $n % 1000 === 3) echo "packet $n: ", strlen($data), " bytes, body ", json_encode(substr($data, 4, 12)), "\n";
    $s->send($fd, pack('N', strlen($data)));
});
$s->start();
PHP);
$pk = fn(string $body) => pack('N', strlen($body)) . $body;
$c = client_nodelay($h['port']);
// 1. header and body split into single bytes.
write_in_pieces($c, $pk("hello"), 1);
var_dump(unpack('N', recv_exact($c, 4))[1]);
// 2. two packets and half of a third in one write, then the rest.
$third = $pk(str_repeat("z", 100));
fwrite($c, $pk("") . $pk("abc") . substr($third, 0, 50));
usleep(50000);
fwrite($c, substr($third, 50));
var_dump(array_values(unpack('N3', recv_exact($c, 12))));
// 3. 1000 packets in one write.
$many = '';
for ($i = 0; $i < 1000; $i++) $many .= $pk("p$i");
fwrite($c, $many);
$replies = recv_exact($c, 4000);
var_dump(strlen($replies));
fclose($c);
show_server($h);
?>
--EXPECT--
int(9)
array(3) {
  [0]=>
  int(4)
  [1]=>
  int(7)
  [2]=>
  int(104)
}
int(4000)
--- server exit 0 ---
packet 1: 9 bytes, body "hello"
packet 2: 4 bytes, body ""
packet 3: 7 bytes, body "abc"
packet 1003: 8 bytes, body "p998"

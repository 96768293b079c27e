--TEST--
reactor (both backends): send() + a 6 MiB sendfile() + sendwait() of 3 MiB to a slow reader arrive whole and in order; sendwait() returns once all is in the kernel
--FILE--
<?php
require __DIR__ . '/_helper.php';
$file = tempnam(sys_get_temp_dir(), 'swrsf');
$fdata = (new Random\Randomizer(new Random\Engine\Mt19937(9)))->getBytes(6 << 20);
file_put_contents($file, $fdata);
$wdata = str_repeat("w", 3 << 20);
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_BASE);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    var_dump($s->send($fd, "head"));
    var_dump($s->sendfile($fd, "' . $file . '"));
    var_dump($s->send($fd, "middle"));
    var_dump($s->sendwait($fd, str_repeat("w", 3 << 20)));
    var_dump($s->stats()["connection_num"]);
    $s->send($fd, "tail");
});
$s->start();
');
$c = client($h['port'], 20);
fwrite($c, "go");
$want = "head" . $fdata . "middle" . $wdata . "tail";
$got = '';
while (strlen($got) < strlen($want)) {
    $chunk = fread($c, 65536);
    if ($chunk === '' || $chunk === false) break;
    $got .= $chunk;
    usleep(200);
}
var_dump(strlen($got) === strlen($want), $got === $want);
fclose($c);
unlink($file);
show_server($h);
?>
--EXPECT--
bool(true)
bool(true)
--- server exit 0 ---
bool(true)
bool(true)
bool(true)
bool(true)
int(1)

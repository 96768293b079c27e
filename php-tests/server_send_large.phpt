--TEST--
Server::send(): 16 MiB in one call arrives whole and in order
--FILE--
<?php
require __DIR__ . '/_helper.php';
function payload(): string
{
    return (new Random\Randomizer(new Random\Engine\Mt19937(1234)))->getBytes(16 << 20);
}
$h = start_server('
function payload(): string
{
    return (new Random\Randomizer(new Random\Engine\Mt19937(1234)))->getBytes(16 << 20);
}
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $p = payload();
    var_dump($s->send($fd, $p));
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
$s->start();
');
$c = client($h['port'], 10);
fwrite($c, "go");
$got = recv_exact($c, 16 << 20);
var_dump(strlen($got));
var_dump(md5($got) === md5(payload()));
fclose($c);
var_dump(wait_for_output($h, "Close 1 0"));
show_server($h);
?>
--EXPECT--
int(16777216)
bool(true)
bool(true)
--- server exit 0 ---
bool(true)
Close 1 0

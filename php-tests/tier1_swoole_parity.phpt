--TEST--
Tier-1 behaviours as Swoole 6.1.7: stats() inside onReceive excludes the current request, getClientList() false cases, PHP's own conversions and TypeErrors, set() while running
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if (trim($data) !== "check") { $s->send($fd, "ok\n"); return; }
    $out = [];
    $out[] = "list " . json_encode($s->getClientList());
    $out[] = "list(0,2) " . json_encode($s->getClientList(0, 2));
    $out[] = "list(1) " . json_encode($s->getClientList(1, 10));
    $out[] = "list(closed 2) " . json_encode($s->getClientList(2, 10));
    $out[] = "list(last 3) " . json_encode($s->getClientList(3, 10));
    $out[] = "list(unknown 100) " . json_encode($s->getClientList(100, 10));
    $out[] = "list(n=101) " . json_encode($s->getClientList(0, 101));
    $st = $s->stats();
    $out[] = "counts " . $st["request_count"] . " " . $st["worker_request_count"] . " " . $st["dispatch_count"];
    $out[] = "send null " . json_encode($s->send(null, "x"));
    $out[] = "send -1 " . json_encode($s->send(-1, "x"));
    $out[] = "send array " . json_encode($s->send($fd, [1]));
    try { $s->send($fd, new stdClass); } catch (Throwable $e) { $out[] = get_class($e) . ": " . $e->getMessage(); }
    foreach (["close", "exists", "getClientInfo", "pause", "resume"] as $m) {
        try { $s->$m("abc"); $out[] = "$m: no error"; } catch (TypeError $e) { $out[] = $e->getMessage(); }
    }
    $out[] = "exists(\"1\") " . json_encode($s->exists("1"));
    $out[] = "set " . json_encode($s->set(["worker_num" => 3])) . " " . json_encode($s->setting);
    $s->send($fd, implode("\n", $out) . "\nEND\n");
});
$s->start();
');
$cs = [];
for ($i = 0; $i < 3; $i++) { $cs[$i] = client($h['port']); fwrite($cs[$i], "hi"); fgets($cs[$i]); }
fclose($cs[1]);
usleep(200000);
fwrite($cs[0], "check");
while (($l = fgets($cs[0])) !== false && $l !== "END\n") { echo $l; }
echo show_server($h);
?>
--EXPECTF--
Arraylist [1,3]
list(0,2) [1,3]
list(1) [3]
list(closed 2) false
list(last 3) false
list(unknown 100) false
list(n=101) false
counts 3 3 3
send null false
send -1 false
send array true
Error: Object of class stdClass could not be converted to string
Swoole\Server::close(): Argument #1 ($fd) must be of type int, string given
Swoole\Server::exists(): Argument #1 ($fd) must be of type int, string given
Swoole\Server::getClientInfo(): Argument #1 ($fd) must be of type int, string given
Swoole\Server::pause(): Argument #1 ($fd) must be of type int, string given
Swoole\Server::resume(): Argument #1 ($fd) must be of type int, string given
exists("1") true
set false null
--- server exit 0 ---

Warning: Swoole\Server::getClientList(): swoole connection list max_find_count=100 in SERVER on line %d

Warning: Swoole\Server::send(): fd can not be null in SERVER on line %d

Warning: Swoole\Server::send(): invalid fd[-1] in SERVER on line %d

Warning: Array to string conversion in SERVER on line %d

Warning: Swoole\Server::set(): server is running, unable to execute Swoole\Server->set in SERVER on line %d

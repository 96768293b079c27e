--TEST--
Ports with worker_num=2: every worker accepts on every port (listeners bound before the fork), each port keeps its framing and callbacks, $port->connections and getClientInfo() of another worker's session are per port
--FILE--
<?php
require __DIR__ . '/_helper.php';
$p2 = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["worker_num" => 2]);
$s->on("WorkerStart", function ($s, $id) { echo "ready $id\n"; });
$lines = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$lines->set(["open_eof_split" => true, "package_eof" => "\n"]);
$lines->on("Receive", function ($s, $fd, $rid, $d) {
    $s->send($fd, "L" . $s->getWorkerId() . ":" . trim($d) . "\n");
});
$s->on("Receive", function ($s, $fd, $rid, $d) use ($lines) {
    if (str_starts_with($d, "count")) {
        $other = (int)substr($d, 6);
        $i = $s->getClientInfo($other);
        $s->send($fd, json_encode([count($s->connections), count($s->ports[0]->connections), count($lines->connections),
            iterator_to_array($lines->connections, false) === array_values(array_filter(iterator_to_array($s->connections, false), fn($x) => $x !== $fd && $s->getClientInfo($x)["server_port"] === $lines->port)),
            $i["server_port"] === $lines->port, isset($lines->connections[$other]), isset($s->ports[0]->connections[$other])]) . "\n");
        return;
    }
    $s->send($fd, "R" . $s->getWorkerId() . "\n");
});
$s->start();
');
// Both workers must be in their loops: one still starting (slow under load) leaves every
// connection to the other.
var_dump(wait_for_output($h, "ready 0") && wait_for_output($h, "ready 1"));
$workers = ['R' => [], 'L' => []];
$keep = [];
for ($i = 0; $i < 40; $i++) {
    $c = client($h['port']);
    fwrite($c, "x");
    $workers['R'][trim(fgets($c))] = 1;
    $l = client($p2);
    fwrite($l, "a\nb\n");
    $r1 = trim(fgets($l)); $r2 = trim(fgets($l));
    $workers['L'][substr($r1, 0, 2)] = 1;
    if (substr($r1, 3) !== 'a' || substr($r2, 3) !== 'b') echo "bad framing $r1 $r2\n";
    $keep[] = $c; $keep[] = $l;
}
ksort($workers['R']); ksort($workers['L']);
echo "primary served by: ", implode(',', array_keys($workers['R'])), "\n";
echo "line port served by: ", implode(',', array_keys($workers['L'])), "\n";
// The last line-port session's fd is the highest.
$probe = client($h['port']);
fwrite($probe, "count 80");
echo trim(fgets($probe)), "\n";
show_server($h);
?>
--EXPECTF--
bool(true)
primary served by: R0,R1
line port served by: L0,L1
[81,41,40,true,true,true,false]
--- server exit 0 ---
ready %d
ready %d

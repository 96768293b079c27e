--TEST--
getClientList()/connection_list() and the $server->connections iterator (foreach, count, isset, offsetGet)
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    if ($data === "again") {
        var_dump($s->getClientList(0, 10), iterator_to_array($s->connections, false));
        var_dump(count($s->connections), isset($s->connections[2]), $s->connections[2]);
        $s->send($fd, "ok");
        return;
    }
    if ($data !== "list") {
        $s->send($fd, "ok");
        return;
    }
    var_dump($s->getClientList(0, 10));
    var_dump($s->connection_list(0, 10) === $s->getClientList(0, 10));
    var_dump($s->getClientList(0, 2));
    var_dump($s->getClientList(1, 10));
    var_dump($s->getClientList(0, 101));
    $ids = [];
    foreach ($s->connections as $conn) {
        $ids[] = $conn;
    }
    var_dump($ids);
    var_dump(count($s->connections), $s->connections instanceof Swoole\Connection\Iterator);
    var_dump(isset($s->connections[2]), isset($s->connections[999]));
    var_dump($s->connections[$fd]["remote_ip"]);
    $s->send($fd, "ok");
});
$s->on("Close", function ($s, $fd, $rid) {
    echo "Close $fd $rid\n";
});
$s->start();
');
$cs = [];
foreach ([1, 2, 3] as $i) {
    $cs[$i] = client($h['port']);
    fwrite($cs[$i], "hi");
    recv_exact($cs[$i], 2);
}
fwrite($cs[3], "list");
var_dump(recv_exact($cs[3], 2));
fclose($cs[2]);
var_dump(wait_for_output($h, "Close 2"));
fwrite($cs[3], "again");
var_dump(recv_exact($cs[3], 2));
show_server($h);
?>
--EXPECTF--
string(2) "ok"
bool(true)
string(2) "ok"
--- server exit 0 ---
array(3) {
  [0]=>
  int(1)
  [1]=>
  int(2)
  [2]=>
  int(3)
}
bool(true)
array(2) {
  [0]=>
  int(1)
  [1]=>
  int(2)
}
array(2) {
  [0]=>
  int(2)
  [1]=>
  int(3)
}

Warning: Swoole\Server::getClientList(): swoole connection list max_find_count=100 in SERVER on line %d
bool(false)
array(3) {
  [0]=>
  int(1)
  [1]=>
  int(2)
  [2]=>
  int(3)
}
int(3)
bool(true)
bool(true)
bool(false)
string(9) "127.0.0.1"
Close 2 0
array(2) {
  [0]=>
  int(1)
  [1]=>
  int(3)
}
array(2) {
  [0]=>
  int(1)
  [1]=>
  int(3)
}
int(2)
bool(false)
bool(false)
Close 1 -1
Close 3 -1

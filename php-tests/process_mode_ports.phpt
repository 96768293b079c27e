--TEST--
SWOOLE_PROCESS with extra ports: the master serves two TCP ports and a unix stream port, each with its own framing (EOF split, length prefix, another EOF) and its own Connect/Receive/Close; a port without callbacks falls back to the server's and inherits its framing; getClientInfo() names the right server_port/server_fd; $port->connections is per port
--FILE--
<?php
require __DIR__ . '/_helper.php';
$dir = sys_get_temp_dir() . '/pm_ports_' . getmypid();
@mkdir($dir);
$path = "$dir/s.sock";
@unlink($path);
$p2 = free_port(); $p4 = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS);
$s->set(["worker_num" => 1, "reactor_num" => 2, "open_eof_split" => true, "package_eof" => "\n"]);
$len = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$len->set(["open_eof_split" => false, "open_length_check" => true, "package_length_type" => "N", "package_length_offset" => 0, "package_body_offset" => 4]);
$unix = $s->listen(' . var_export($path, true) . ', 0, SWOOLE_SOCK_UNIX_STREAM);
$unix->set(["package_eof" => "\r\n"]);
$plain = $s->listen("127.0.0.1", ' . $p4 . ', SWOOLE_SOCK_TCP);
$info = function ($s, $fd) {
    $i = $s->getClientInfo($fd);
    foreach ($s->ports as $k => $p) {
        if ($p->port === $i["server_port"] && $p->sock === $i["server_fd"] && $p->type === $i["socket_type"]) return "port$k";
    }
    return "port? " . json_encode($i);
};
$s->on("Connect", function ($s, $fd) use ($info) { echo "server connect $fd ", $info($s, $fd), "\n"; });
$s->on("Receive", function ($s, $fd, $rid, $d) use ($info) { $s->send($fd, "server " . $info($s, $fd) . " " . json_encode($d) . "\n"); });
$s->on("Close", function ($s, $fd) { echo "server close $fd\n"; });
$len->on("Connect", function ($s, $fd) use ($info) { echo "len connect $fd ", $info($s, $fd), "\n"; });
$len->on("Receive", function ($s, $fd, $rid, $d) use ($info, $len, $unix) {
    $body = substr($d, 4);
    if ($body === "count") {
        $body = json_encode([count($s->connections), count($s->ports[0]->connections), count($len->connections), count($unix->connections)]);
    }
    $r = "len " . $info($s, $fd) . " [$body]";
    $s->send($fd, pack("N", strlen($r)) . $r);
});
$len->on("Close", function ($s, $fd) { echo "len close $fd\n"; });
$unix->on("Receive", function ($s, $fd, $rid, $d) use ($info) { $s->send($fd, "unix " . $info($s, $fd) . " " . json_encode($d) . "\r\n"); });
$unix->on("Close", function ($s, $fd) { echo "unix close $fd\n"; });
$s->start();
');
$wait = function ($port) { $t = microtime(true) + 5; while (!is_listening($port) && microtime(true) < $t) usleep(10000); };
$wait($p2); $wait($p4);
$lenmsg = fn($b) => pack('N', strlen($b)) . $b;
$lenread = function ($c) { $n = unpack('N', recv_exact($c, 4))[1]; return recv_exact($c, $n); };

$a = client($h['port']);
wait_for_output($h, "server connect 1");
fwrite($a, "one\ntw");
echo fgets($a);
fwrite($a, "o\n");
echo fgets($a);

$b = client($p2);
wait_for_output($h, "len connect 2");
// Two packets in one write, the second split across writes.
$x = $lenmsg("abc") . $lenmsg("de\nf");
fwrite($b, $x . substr($lenmsg("ghi"), 0, 5));
echo $lenread($b), "\n", $lenread($b), "\n";
fwrite($b, substr($lenmsg("ghi"), 5));
echo $lenread($b), "\n";

$u = stream_socket_client("unix://$path", $errno, $errstr, 2);
stream_set_timeout($u, 5);
fwrite($u, "x\ny\r\nz\r\n");
echo fgets($u), fgets($u);

$d = client($p4);
wait_for_output($h, "server connect 4");
fwrite($d, "fallback\n");
echo fgets($d);

fwrite($b, $lenmsg("count"));
echo $lenread($b), "\n";

fclose($a); wait_for_output($h, "server close 1");
fclose($b); wait_for_output($h, "len close 2");
fclose($u); wait_for_output($h, "unix close 3");
fclose($d); wait_for_output($h, "server close 4");
show_server($h);
var_dump(file_exists($path));
@rmdir($dir);
?>
--EXPECT--
server port0 "one\n"
server port0 "two\n"
len port1 [abc]
len port1 [de
f]
len port1 [ghi]
unix port2 "x\ny\r\n"
unix port2 "z\r\n"
server port3 "fallback\n"
len port1 [[4,1,1,1]]
--- server exit 0 ---
server connect 1 port0
len connect 2 port1
server connect 3 port2
server connect 4 port3
server close 1
len close 2
unix close 3
server close 4
bool(false)

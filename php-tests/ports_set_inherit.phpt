--TEST--
Ports: Port::set() options apply to that port only, over the server's set() (also one made after it); each port decodes with its own framing; $port->setting; bad option types throw
--FILE--
<?php
require __DIR__ . '/_helper.php';
$s = new Swoole\Server('127.0.0.1', 0);
$p = $s->listen('127.0.0.1', 0, SWOOLE_SOCK_TCP);
var_dump($p->set(['open_eof_check' => true, 'package_eof' => "|"]));
var_dump($p->setting, $s->ports[0]->setting);
try { $p->set(['open_eof_check' => 'yes']); } catch (TypeError $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
try { $p->set(['package_eof' => '']); } catch (ValueError $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
$p->set(['bogus_port_option' => 1]);
$s->set(['worker_num' => 1]);
var_dump($s->ports[0]->setting);

[$p1, $p2, $p3] = [free_port(), free_port(), free_port()];
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["open_eof_split" => true, "package_eof" => "\n"]);
$len = $s->listen("127.0.0.1", ' . $p1 . ', SWOOLE_SOCK_TCP);
$len->set(["open_eof_split" => false, "open_length_check" => true, "package_length_type" => "n", "package_body_offset" => 2]);
$inherit = $s->listen("127.0.0.1", ' . $p2 . ', SWOOLE_SOCK_TCP);
$pipe = $s->listen("127.0.0.1", ' . $p3 . ', SWOOLE_SOCK_TCP);
$pipe->set(["package_eof" => "|"]);
$s->set(["package_max_length" => 10]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $port = $s->getClientInfo($fd)["server_port"];
    $s->send($fd, "[" . bin2hex($data) . "]");
});
$s->on("Close", function ($s, $fd) { echo "close $fd\n"; });
$s->start();
');
$c = client($h['port']);
fwrite($c, "ab\ncd\n");
echo "primary (eof \\n): ", recv_exact($c, 16), "\n";
$c = client($p1);
fwrite($c, pack('n', 2) . "xy" . pack('n', 1) . "z");
echo "length port: ", recv_exact($c, 18), "\n";
$c = client($p2);
fwrite($c, "ef\n");
echo "inheriting port: ", recv_exact($c, 8), "\n";
$c = client($p3);
fwrite($c, "gh|ij\n|");
echo "pipe port: ", recv_exact($c, 18), "\n";
fwrite($c, "0123456789abcdef|");
var_dump(sees_eof($c));
show_server($h);
?>
--EXPECTF--
NULL
array(2) {
  ["open_eof_check"]=>
  bool(true)
  ["package_eof"]=>
  string(1) "|"
}
NULL
TypeError: Swoole\Server\Port::set(): option 'open_eof_check' expects bool, string given
ValueError: Swoole\Server\Port::set(): option 'package_eof' must be 1 to 8 bytes long, 0 given

Warning: Swoole\Server\Port::set(): unsupported option [bogus_port_option] in %s on line %d
array(1) {
  ["worker_num"]=>
  int(1)
}
primary (eof \n): [61620a][63640a]
length port: [00027879][00017a]
inheriting port: [65660a]
pipe port: [67687c][696a0a7c]
bool(true)
--- server exit 0 ---
close 1
close 2
close 3

Warning: Swoole\Server::start(): the received packet length %d is too large (package_max_length is 10), remote_addr=127.0.0.1:%d in SERVER on line %d
close 4

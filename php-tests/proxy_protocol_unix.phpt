--TEST--
open_proxy_protocol on a unix stream server (HAProxy's `server s unix@/path send-proxy-v2`): the header's TCP client becomes remote_ip/remote_port; a bad header from a unix peer is refused with a warning
--FILE--
<?php
require __DIR__ . '/_helper.php';
require __DIR__ . '/_proxy.php';
$dir = sys_get_temp_dir() . '/swrs_pp_unix_' . getmypid();
@mkdir($dir);
$path = "$dir/server.sock";
@unlink($path);
$h = start_server('
$s = new Swoole\Server(' . var_export($path, true) . ', 0, SWOOLE_BASE, SWOOLE_SOCK_UNIX_STREAM);
$s->set(["open_proxy_protocol" => true]);
$s->on("Connect", function ($s, $fd) {
    $i = $s->getClientInfo($fd);
    echo "Connect $fd {$i["remote_ip"]}:{$i["remote_port"]} v{$i["proxy_protocol"]} proxy_ip=", json_encode($i["proxy_ip"]), "\n";
});
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "echo:$data"); });
$s->on("Close", function ($s, $fd) { echo "Close $fd\n"; });
$s->start();
', ['no_wait' => true]);
$c = false;
for ($i = 0; $i < 500 && !$c; $i++) {
    usleep(10000);
    $c = @stream_socket_client("unix://$path", $errno, $errstr, 1);
}
stream_set_timeout($c, 5);
fwrite($c, pp2_inet("192.0.2.33", "192.0.2.1", 2222, 443) . "hello");
var_dump(recv_exact($c, 10));
fclose($c);

$c = stream_socket_client("unix://$path", $errno, $errstr, 1);
stream_set_timeout($c, 5);
fwrite($c, "hello");
var_dump(recv_all($c));
fclose($c);
usleep(200000);
show_server($h);
@unlink($path);
@rmdir($dir);
?>
--EXPECTF--
string(10) "echo:hello"
string(0) ""
--- server exit 0 ---
Connect 1 192.0.2.33:2222 v2 proxy_ip=""
Close 1

Warning: Swoole\Server::start(): open_proxy_protocol: closed the connection from a unix socket peer before onConnect: the connection did not start with a PROXY protocol header in SERVER on line %d

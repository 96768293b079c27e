--TEST--
SWOOLE_PROCESS unix datagrams: SWOOLE_SOCK_UNIX_DGRAM (primary or listen()) read by the master, onPacket in the worker with the peer's path in address (no port key), replies with sendto($path) and send($path); a 64,000-byte datagram crosses the master's channel in chunks and arrives whole; the socket files are removed at shutdown
--SKIPIF--
<?php
exec(escapeshellarg(PHP_BINARY) . ' -n -d extension=sockets -r "echo function_exists(\'socket_create\') ? 1 : 0;"', $o);
if (($o[0] ?? '0') !== '1') die('skip ext/sockets is needed for the unix datagram client');
?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$dir = sys_get_temp_dir() . '/swrs-pudg-' . getmypid();
@mkdir($dir);
$srv = "$dir/server.sock";
$extra = "$dir/extra.sock";
$h = start_server('
$s = new Swoole\Server("' . $srv . '", 0, SWOOLE_PROCESS, SWOOLE_SOCK_UNIX_DGRAM);
$s->set(["worker_num" => 1]);
$p = $s->listen("' . $extra . '", 0, SWOOLE_SOCK_UNIX_DGRAM);
var_dump($s->type, $p->type, $p->host);
$s->on("WorkerStart", function () { echo "ready\n"; });
$s->on("Packet", function ($s, $data, $ci) {
    $s->sendto($ci["address"], 0, "to:" . $ci["address"] . " keys:" . implode(",", array_keys($ci)) . " port:" . $ci["server_port"]);
    $s->send($ci["address"], "send:$data");
});
$p->on("Packet", function ($s, $data, $ci) { $s->sendto($ci["address"], 0, "extra:$data", $ci["server_socket"]); });
$s->start();
', ['no_wait' => true]);
var_dump(wait_for_output($h, "ready"));
$client = "$dir/client.sock";
$code = '
$u = socket_create(AF_UNIX, SOCK_DGRAM, 0);
socket_bind($u, $argv[1]);
socket_set_option($u, SOL_SOCKET, SO_RCVTIMEO, ["sec" => 3, "usec" => 0]);
socket_sendto($u, "hello", 5, 0, $argv[2]);
for ($i = 0; $i < 2; $i++) { socket_recvfrom($u, $buf, 65536, 0, $from); echo $buf, " (from ", basename($from), ")\n"; }
socket_sendto($u, "hi", 2, 0, $argv[3]);
socket_recvfrom($u, $buf, 65536, 0, $from); echo $buf, " (from ", basename($from), ")\n";
$big = str_repeat("z", 64000);
socket_sendto($u, $big, strlen($big), 0, $argv[3]);
socket_recvfrom($u, $buf, 65536, 0, $from); echo strlen($buf), "\n";
';
$o = shell_exec(implode(' ', array_map('escapeshellarg', [PHP_BINARY, '-n', '-d', 'extension=sockets', '-r', $code, $client, $srv, $extra])));
echo str_replace($client, 'CLIENT', $o);
$out = stop_server($h);
echo str_replace($client, 'CLIENT', $out);
var_dump(file_exists($srv), file_exists($extra));
@unlink($client);
@rmdir($dir);
?>
--EXPECTF--
bool(true)
to:CLIENT keys:server_socket,dispatch_time,server_port,address port:0 (from server.sock)
send:hello (from server.sock)
extra:hi (from extra.sock)
64006
int(6)
int(6)
string(%d) "%s/extra.sock"
ready
bool(false)
bool(false)

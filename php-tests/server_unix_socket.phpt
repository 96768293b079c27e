--TEST--
SWOOLE_SOCK_UNIX_STREAM: the server listens on a filesystem path and serves a unix:// client
--FILE--
<?php
require __DIR__ . '/_helper.php';
$dir = sys_get_temp_dir() . '/swrs_unix_' . getmypid();
@mkdir($dir);
$path = "$dir/server.sock";
@unlink($path);
$h = start_server('
$s = new Swoole\Server(' . var_export($path, true) . ', 0, SWOOLE_BASE, SWOOLE_SOCK_UNIX_STREAM);
echo "type ", $s->type, "\n";
$s->on("Connect", function ($s, $fd, $rid) { echo "Connect $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    echo "Receive $fd $data\n";
    $s->send($fd, "echo:$data");
});
$s->on("Close", function ($s, $fd, $rid) { echo "Close $fd $rid\n"; });
var_dump($s->start());
', ['no_wait' => true]);
$c = false;
for ($i = 0; $i < 500 && !$c; $i++) {
    usleep(10000);
    $c = @stream_socket_client("unix://$path", $errno, $errstr, 1);
}
var_dump((bool)$c);
stream_set_timeout($c, 5);
fwrite($c, "hello");
var_dump(recv_exact($c, 10));
fclose($c);
var_dump(wait_for_output($h, "Close 1 0"));
show_server($h);
var_dump(file_exists($path));
@unlink($path);
@rmdir($dir);
?>
--EXPECT--
bool(true)
string(10) "echo:hello"
bool(true)
--- server exit 0 ---
type 5
Connect 1
Receive 1 hello
Close 1 0
bool(true)
bool(false)

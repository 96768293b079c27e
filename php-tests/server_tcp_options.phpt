--TEST--
Server: TCP options and open_cpu_affinity are applied (worker pinned to one CPU); buffer_output_size bounds one send (1203); max_connection refuses with a warning and stats() counts it
--FILE--
<?php
require __DIR__ . '/_helper.php';
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["open_tcp_keepalive" => true, "tcp_keepidle" => 7, "tcp_keepinterval" => 3, "tcp_keepcount" => 4,
    "tcp_user_timeout" => 5000, "tcp_fastopen" => true, "enable_reuse_port" => true, "backlog" => 64,
    "open_cpu_affinity" => true, "buffer_output_size" => 1000, "max_connection" => 1]);
$s->on("WorkerStart", function ($s, $id) {
    preg_match("/Cpus_allowed_list:\s*(\S+)/", file_get_contents("/proc/self/status"), $m);
    echo "cpus ", $m[1], "\n";
});
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $big = $s->send($fd, str_repeat("y", 1001));
    echo "big ", var_export($big, true), " ", $s->getLastError(), "\n";
    $s->send($fd, "small " . $s->stats()["abort_count"] . "\n");
});
$s->start();
');
$c = client($h['port']);
$c2 = @stream_socket_client("tcp://127.0.0.1:" . $h['port'], $e, $es, 5);
var_dump($c2 === false || sees_eof($c2));
fwrite($c, "go");
echo fgets($c);
show_server($h);
?>
--EXPECTF--
bool(true)
small 1
--- server exit 0 ---
cpus 0
%AWarning: %sToo many connections [now: 1], max_connection is 1%A
big false 1203

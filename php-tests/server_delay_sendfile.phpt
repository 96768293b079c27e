--TEST--
Server: enable_delay_receive holds data until confirm() (false when unknown or repeated); sendfile() queues a file behind send(); BufferFull/BufferEmpty fire
--FILE--
<?php
require __DIR__ . '/_helper.php';
$file = tempnam(sys_get_temp_dir(), 'sf');
file_put_contents($file, str_repeat("F", 3 << 20));
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["enable_delay_receive" => true, "socket_buffer_size" => 1 << 20]);
$s->on("Connect", function ($s, $fd) {
    Swoole\Timer::after(300, function () use ($s, $fd) {
        echo "confirm ", var_export($s->confirm($fd), true), " ", var_export($s->confirm($fd), true), " ", var_export($s->confirm(999), true), "\n";
    });
});
$s->on("BufferFull", function ($s, $fd) { echo "BufferFull $fd\n"; });
$s->on("BufferEmpty", function ($s, $fd) { echo "BufferEmpty $fd\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, "head:");
    $s->send($fd, str_repeat("x", 8 << 20));
    var_dump($s->sendfile($fd, "' . $file . '"));
    var_dump(@$s->sendfile($fd, "/nonexistent/file"));
});
$s->start();
');
$c = client($h['port']);
fwrite($c, "go");
$want = 5 + (8 << 20) + (3 << 20);
$got = recv_exact($c, $want);
var_dump(strlen($got) === $want, substr($got, 0, 5), substr($got, -3));
var_dump(wait_for_output($h, "BufferEmpty 1"));
show_server($h);
unlink($file);
?>
--EXPECT--
bool(true)
string(5) "head:"
string(3) "FFF"
bool(true)
--- server exit 0 ---
confirm true false false
bool(true)
bool(false)
BufferFull 1
BufferEmpty 1

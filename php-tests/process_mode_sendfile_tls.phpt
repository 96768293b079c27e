--TEST--
SWOOLE_PROCESS with SWOOLE_SSL: sendfile() from a worker goes through the master's TLS session (the kernel cannot encrypt: read 64 KiB at a time), whole and in order between send()s
--FILE--
<?php
require __DIR__ . '/_tls.php';
$d = make_certs();
$file = tempnam(sys_get_temp_dir(), 'swrsf');
$data = random_bytes(3 << 20);
file_put_contents($file, $data);
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, SWOOLE_PROCESS, SWOOLE_SOCK_TCP | SWOOLE_SSL);
$s->set(["worker_num" => 2, "ssl_cert_file" => "' . $d . '/server.pem", "ssl_key_file" => "' . $d . '/server.key"]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $s->send($fd, "HEAD");
    $s->sendfile($fd, ' . var_export($file, true) . ');
    $s->sendfile($fd, ' . var_export($file, true) . ', 1000, 70000);
    $s->send($fd, "TAIL");
});
$s->start();
');
$c = tls_client($h['port']);
stream_set_timeout($c, 20);
fwrite($c, "go");
usleep(300000); // let the master fill the socket: part of the file waits
$want = 'HEAD' . $data . substr($data, 1000, 70000) . 'TAIL';
$got = recv_exact($c, strlen($want));
echo "intact: ", var_export($got === $want, true), " (", strlen($got), " of ", strlen($want), " bytes)\n";
fclose($c);
@unlink($file);
$out = stop_server($h);
echo "exit {$h['exit']}\n", $out;
?>
--EXPECT--
intact: true (3215736 of 3215736 bytes)
exit 0

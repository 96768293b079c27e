--TEST--
open_proxy_protocol behind a real HAProxy (mode tcp, roundrobin, send-proxy to one server, send-proxy-v2 with a CRC32C checksum to the other, health checks on): each server reports the client's real address and source port
--SKIPIF--
<?php
$bin = is_executable('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : trim((string)shell_exec('command -v haproxy 2>/dev/null'));
if ($bin === '') die('skip haproxy is not installed (scripts/dev.sh installs it: apt-get install haproxy)');
?>
--FILE--
<?php
require __DIR__ . '/_helper.php';
$bin = is_executable('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : trim((string)shell_exec('command -v haproxy'));

$server = '
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["open_proxy_protocol" => true]);
$s->on("Receive", function ($s, $fd, $rid, $data) {
    $i = $s->getClientInfo($fd);
    $s->send($fd, json_encode([$i["remote_ip"], $i["remote_port"], $i["proxy_protocol"], $i["proxy_dst_port"] ?? null, $data]) . "\n");
});
$s->start();
';
$a = start_server($server);
$b = start_server($server);

$front = free_port();
$dir = sys_get_temp_dir() . '/swrs-haproxy-' . getmypid();
@mkdir($dir);
$cfg = "$dir/haproxy.cfg";
file_put_contents($cfg, <<<CFG
global
    maxconn 200

defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout check 5s

frontend fe
    bind 127.0.0.1:$front
    default_backend servers

backend servers
    balance roundrobin
    server v1 127.0.0.1:{$a['port']} send-proxy check inter 200ms fall 1000
    server v2 127.0.0.1:{$b['port']} send-proxy-v2 proxy-v2-options crc32c check inter 200ms fall 1000

CFG);
// In the foreground (-db), so the pid proc_open knows is haproxy's own.
$hap = proc_open([$bin, '-db', '-f', $cfg], [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/out", 'w'], 2 => ['file', "$dir/out", 'a']], $pipes);
$pid = proc_get_status($hap)['pid'];
register_shutdown_function(function () use ($hap) {
    if (is_resource($hap) && proc_get_status($hap)['running']) {
        proc_terminate($hap, 9);
    }
});
$deadline = microtime(true) + 10;
while (!is_listening($front) && microtime(true) < $deadline && proc_get_status($hap)['running']) {
    usleep(50000);
}
// Let the health checks run a few times: they must not disturb anything (they send a header
// too: v1 with the check's own addresses, v2 LOCAL). `fall` is high so that a check slowed
// down by a loaded machine cannot take a server out of the rotation.
usleep(700000);

$versions = [];
for ($i = 0; $i < 6; $i++) {
    $c = client($front);
    $local = stream_socket_get_name($c, false);
    [$lip, $lport] = [substr($local, 0, strrpos($local, ':')), (int)substr(strrchr($local, ':'), 1)];
    fwrite($c, "hello $i");
    $r = json_decode((string)fgets($c), true);
    fclose($c);
    if (!is_array($r)) {
        echo "connection $i: no reply\n";
        continue;
    }
    [$ip, $port, $version, $dst, $data] = $r;
    $versions[] = $version;
    printf("connection %d: v%d ip %s port matches the client's: %s, destination is the frontend: %s, data %s\n",
        $i, $version, $ip === $lip ? "= client's" : $ip, var_export($port === $lport, true),
        var_export($dst === $front, true), $data);
}
sort($versions);
echo "versions: ", implode(",", $versions), "\n";

proc_terminate($hap, 15);
$deadline = microtime(true) + 5;
while (proc_get_status($hap)['running'] && microtime(true) < $deadline) {
    usleep(20000);
}
proc_close($hap);
$log = (string)@file_get_contents("$dir/out");
@unlink("$dir/out");
@unlink($cfg);
@rmdir($dir);
echo "haproxy said: ", preg_match('/ALERT|WARNING/', $log) ? $log : "nothing alarming", "\n";
echo "server v1:", stop_server($a), "\n";
echo "server v2:", stop_server($b), "\n";

echo "-- the README's example: examples/haproxy/haproxy.cfg in front of two examples/behindHaproxy.php\n";
$example = str_replace(['<?php', '$argv[1] ?? 9501'], ['', '$PORT'], file_get_contents(__DIR__ . '/../examples/behindHaproxy.php'));
$x = start_server($example);
$y = start_server($example);
$front = free_port();
$cfg = file_get_contents(__DIR__ . '/../examples/haproxy/haproxy.cfg');
$cfg = str_replace(['127.0.0.1:9500', '127.0.0.1:9501', '127.0.0.1:9502'], ["127.0.0.1:$front", "127.0.0.1:{$x['port']}", "127.0.0.1:{$y['port']}"], $cfg);
$file = tempnam(sys_get_temp_dir(), 'swrs-hap');
file_put_contents($file, $cfg);
echo shell_exec(escapeshellarg($bin) . ' -c -f ' . escapeshellarg($file) . ' 2>&1');
$hap = proc_open([$bin, '-db', '-f', $file], [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$file.out", 'w'], 2 => ['file', "$file.out", 'a']], $pipes);
$deadline = microtime(true) + 10;
while (!is_listening($front) && microtime(true) < $deadline && proc_get_status($hap)['running']) {
    usleep(50000);
}
if (!proc_get_status($hap)['running']) {
    echo "haproxy exited: ", file_get_contents("$file.out");
}
$seen = [];
for ($i = 0; $i < 2; $i++) {
    $c = client($front);
    $lport = (int)substr(strrchr(stream_socket_get_name($c, false), ':'), 1);
    fwrite($c, "hi\n");
    $line = (string)fgets($c);
    fclose($c);
    $seen[] = $lport;
    echo str_replace([" {$x['port']}:", " {$y['port']}:", ":$lport ", ":$front)"], [" X:", " X:", ":CLIENT ", ":FRONTEND)"], $line);
}
proc_terminate($hap, 15);
$deadline = microtime(true) + 5;
while (proc_get_status($hap)['running'] && microtime(true) < $deadline) {
    usleep(20000);
}
proc_close($hap);
unlink($file);
@unlink("$file.out");
$logs = stop_server($x) . stop_server($y);
foreach ($seen as $lport) {
    echo "the example logged client $lport: ", var_export(str_contains($logs, "client 127.0.0.1:$lport via 127.0.0.1\n"), true), "\n";
}
?>
--EXPECTF--
connection 0: v1 ip = client's port matches the client's: true, destination is the frontend: true, data hello 0
connection 1: v2 ip = client's port matches the client's: true, destination is the frontend: true, data hello 1
connection 2: v1 ip = client's port matches the client's: true, destination is the frontend: true, data hello 2
connection 3: v2 ip = client's port matches the client's: true, destination is the frontend: true, data hello 3
connection 4: v1 ip = client's port matches the client's: true, destination is the frontend: true, data hello 4
connection 5: v2 ip = client's port matches the client's: true, destination is the frontend: true, data hello 5
versions: 1,1,1,2,2,2
haproxy said: nothing alarming
server v1:
server v2:
-- the README's example: examples/haproxy/haproxy.cfg in front of two examples/behindHaproxy.php
Configuration file is valid
server X: hello 127.0.0.1:CLIENT (PROXY v2 from 127.0.0.1, you connected to 127.0.0.1:FRONTEND): hi
server X: hello 127.0.0.1:CLIENT (PROXY v2 from 127.0.0.1, you connected to 127.0.0.1:FRONTEND): hi
the example logged client %d: true
the example logged client %d: true

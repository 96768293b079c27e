--TEST--
Under systemd: socket activation (host SYSTEMD, or any host with LISTEN_FDS/LISTEN_PID) serves the inherited listening socket; Type=notify gets READY=1 with MAINPID once every worker started, RELOADING=1 then READY=1 around reload, STOPPING=1 at shutdown
--FILE--
<?php
require __DIR__ . '/_helper.php';
/** Starts $code as systemd would: the listening socket as fd 3, LISTEN_FDS=1, LISTEN_PID, NOTIFY_SOCKET. */
function start_like_systemd(string $code, $listener, string $notify): array {
    $file = tempnam(sys_get_temp_dir(), 'swrs') . '.php';
    file_put_contents($file, "<?php\n" . $code);
    $out = tempnam(sys_get_temp_dir(), 'swrso');
    $php = implode(' ', array_map('escapeshellarg', [PHP_BINARY, '-n', '-d', 'extension=' . realpath(SWOOLE_RS_SO), '-d', 'display_errors=1', $file]));
    // LISTEN_PID must be the server's own pid: the shell exports its pid, then execs php.
    $cmd = "LISTEN_PID=\$\$ LISTEN_FDS=1 NOTIFY_SOCKET=" . escapeshellarg($notify) . " exec $php";
    $proc = proc_open(['sh', '-c', $cmd], [0 => ['file', '/dev/null', 'r'], 1 => ['file', $out, 'a'], 2 => ['file', $out, 'a'], 3 => $listener], $pipes);
    register_shutdown_function(function () use ($proc) { if (is_resource($proc) && proc_get_status($proc)['running']) proc_terminate($proc, 15); });
    return ['proc' => $proc, 'port' => 0, 'file' => $file, 'out' => $out, 'exit' => null];
}
function next_notification($sock, float $timeout = 5.0): string {
    $r = [$sock]; $w = $e = null;
    if (!stream_select($r, $w, $e, (int)$timeout, (int)(fmod($timeout, 1) * 1e6))) return "(none)";
    return stream_socket_recvfrom($sock, 4096);
}
$notifyPath = sys_get_temp_dir() . '/swrs-notify-' . getmypid() . '.sock';
@unlink($notifyPath);
$notify = stream_socket_server("udg://$notifyPath", $errno, $errstr, STREAM_SERVER_BIND);

foreach ([['SYSTEMD', 2], ['127.0.0.1', 2], ['SYSTEMD', 1]] as [$host, $workers]) {
    $port = free_port();
    $listener = stream_socket_server("tcp://127.0.0.1:$port");
    $h = start_like_systemd('
$s = new Swoole\Server("' . $host . '", 0);
$s->set(["worker_num" => ' . $workers . ']);
$s->on("WorkerStart", function ($s, $id) { usleep(200000); echo "WorkerStart $id\n"; });
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "port " . $s->port . " pid " . getmypid()); });
$s->start();
', $listener, $notifyPath);
    fclose($listener); // the server owns it now
    $ready = next_notification($notify);
    $out = file_get_contents($h['out']);
    echo "$host x$workers: READY after every WorkerStart: ", var_export(str_starts_with($ready, "READY=1") && substr_count($out, "WorkerStart") === $workers, true), "\n";
    preg_match('/MAINPID=(\d+)/', $ready, $m);
    $mainpid = (int)($m[1] ?? 0);
    $st = proc_get_status($h['proc']);
    echo "MAINPID is the server's main process: ", var_export($mainpid === $st['pid'], true), "\n";
    $c = client($port);
    fwrite($c, "hi");
    echo "inherited socket serves: ", preg_replace('/pid \d+/', 'pid N', fread($c, 100)) === "port $port pid N" ? "yes" : "no", "\n";
    fclose($c);
    if ($workers > 1) {
        kill_pid($mainpid, SIGUSR1);
        echo "reload: ", explode("\n", next_notification($notify))[0], " then ", explode("\n", next_notification($notify, 8))[0], "\n";
    }
    proc_terminate($h['proc'], 15);
    echo "stop: ", next_notification($notify), "\n";
    // One SIGTERM, as systemd sends: wait for the graceful exit (a second one could land
    // after start() returned, where PHP's own handler is back).
    wait_server($h);
    $out = stop_server($h);
    echo "exit {$h['exit']}\n";
}

// Host SYSTEMD without inherited sockets fails as in Swoole.
$h = start_server('
try { new Swoole\Server("SYSTEMD", 0); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
', ['no_wait' => true]);
wait_server($h);
echo stop_server($h);
fclose($notify);
@unlink($notifyPath);
?>
--EXPECT--
SYSTEMD x2: READY after every WorkerStart: true
MAINPID is the server's main process: true
inherited socket serves: yes
reload: RELOADING=1 then READY=1
stop: STOPPING=1
exit 0
127.0.0.1 x2: READY after every WorkerStart: true
MAINPID is the server's main process: true
inherited socket serves: yes
reload: RELOADING=1 then READY=1
stop: STOPPING=1
exit 0
SYSTEMD x1: READY after every WorkerStart: true
MAINPID is the server's main process: true
inherited socket serves: yes
stop: STOPPING=1
exit 0
Error: failed to add systemd socket

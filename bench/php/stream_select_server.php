<?php
// Floor baseline: plain PHP, no extension. One process, stream_socket_server() +
// stream_select(), and for every read one reply of "Server: " . $data, the same
// per-read behaviour as the Swoole tutorial server. Prints nothing per connection.
//
// usage: php -n stream_select_server.php PORT [HOST]
//
// Limitation kept on purpose (it is what a plain PHP server does): stream_select()
// uses select(2), so descriptors >= FD_SETSIZE (1024) are never polled; PHP warns
// and since PHP 8 stream_select() then fails outright for *every* socket. So the
// server keeps at most MAX_CLIENTS connections (fds stay below 1024) and closes any
// connection accepted beyond that, like a max_connection setting would.

const MAX_CLIENTS = 1000;

$port = (int)($argv[1] ?? 0);
$host = $argv[2] ?? '127.0.0.1';
if ($port <= 0) {
    fwrite(STDERR, "usage: php stream_select_server.php PORT [HOST]\n");
    exit(2);
}

$ctx = stream_context_create(['socket' => ['backlog' => 4096, 'so_reuseaddr' => true]]);
$server = @stream_socket_server("tcp://$host:$port", $errno, $errstr,
    STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $ctx);
if ($server === false) {
    fwrite(STDERR, "bind $host:$port failed: $errstr ($errno)\n");
    exit(1);
}
stream_set_blocking($server, false);

$running = true;
if (function_exists('pcntl_signal')) {
    pcntl_async_signals(true);
    $stop = function () use (&$running) { $running = false; };
    pcntl_signal(SIGTERM, $stop);
    pcntl_signal(SIGINT, $stop);
}

/** @var array<int, resource> $clients */
$clients = [];

while ($running) {
    $read = $clients;
    $read[] = $server;
    $write = null;
    $except = null;
    $n = @stream_select($read, $write, $except, 1);
    if ($n === false || $n === 0) {
        continue;
    }
    foreach ($read as $sock) {
        if ($sock === $server) {
            // Accept everything that is waiting.
            while (($c = @stream_socket_accept($server, 0)) !== false) {
                if (count($clients) >= MAX_CLIENTS) {
                    fclose($c);
                    continue;
                }
                $clients[(int)$c] = $c;
            }
            continue;
        }
        $data = @stream_socket_recvfrom($sock, 65536);
        if ($data === false || $data === '') {
            unset($clients[(int)$sock]);
            @fclose($sock);
            continue;
        }
        $reply = "Server: " . $data;
        // Blocking socket: fwrite loops until everything is written.
        $len = strlen($reply);
        $off = 0;
        while ($off < $len) {
            $w = @fwrite($sock, $off === 0 ? $reply : substr($reply, $off));
            if ($w === false || $w === 0) {
                unset($clients[(int)$sock]);
                @fclose($sock);
                continue 2;
            }
            $off += $w;
        }
    }
}
fclose($server);

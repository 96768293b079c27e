<?php
/**
 * Test harness for swoole-rs phpt tests.
 *
 * A test runs its server code in a separate `php` process (so fatal errors and exit codes are
 * observable), waits until the server accepts connections, runs the client part in the test
 * process over real sockets, stops the server by PID (SIGTERM unless told otherwise) and
 * prints the server's output after the client's, so the expected output is deterministic.
 */

const SWOOLE_RS_SO = __DIR__ . '/../target/release/libswoole.so';

function free_port(): int
{
    $s = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
    $name = stream_socket_get_name($s, false);
    fclose($s);
    return (int)substr(strrchr($name, ':'), 1);
}

/**
 * Starts `$code` (PHP source without `<?php`; `$PORT` holds the chosen port) in a child php
 * process. Returns a handle for client(), stop_server().
 */
function start_server(string $code, array $opts = []): array
{
    $port = $opts['port'] ?? free_port();
    $file = tempnam(sys_get_temp_dir(), 'swrs') . '.php';
    file_put_contents($file, "<?php\n\$PORT = (int)\$argv[1];\n" . $code);
    // 'prefix': a command the server runs under, e.g. ['prlimit', '--nofile=64'].
    // 'php_args': more php flags, e.g. ['-d', 'extension=sockets'].
    $cmd = [...($opts['prefix'] ?? []), PHP_BINARY, '-n', ...($opts['php_args'] ?? []), '-d', 'extension=' . realpath(SWOOLE_RS_SO), '-d', 'display_errors=1',
        '-d', 'error_reporting=-1', '-d', 'log_errors=0', '-d', 'memory_limit=' . ($opts['memory_limit'] ?? '512M'),
        $file, (string)$port];
    $out = tempnam(sys_get_temp_dir(), 'swrso');
    $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $out, 'a'], 2 => ['file', $out, 'a']], $pipes);
    $h = ['proc' => $proc, 'port' => $port, 'file' => $file, 'out' => $out, 'exit' => null];
    // If the test dies before stopping the server, do not leave it (and its workers) running.
    register_shutdown_function(function () use ($proc) {
        if (is_resource($proc) && proc_get_status($proc)['running']) {
            proc_terminate($proc, 15);
        }
    });
    if (!($opts['no_wait'] ?? false)) {
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $st = proc_get_status($proc);
            if (!$st['running']) {
                $h['exit'] = $st['exitcode'];
                break;
            }
            if (is_listening($port)) {
                break;
            }
            usleep(20000);
        }
    }
    return $h;
}

/** Whether some socket listens on TCP $port, read from /proc so no connection is made. */
function is_listening(int $port): bool
{
    $hex = sprintf(':%04X ', $port);
    foreach (['/proc/net/tcp', '/proc/net/tcp6'] as $f) {
        foreach (@file($f) ?: [] as $line) {
            $cols = preg_split('/\s+/', trim($line));
            if (isset($cols[3]) && $cols[3] === '0A' && str_ends_with($cols[1], rtrim($hex))) {
                return true;
            }
        }
    }
    return false;
}

/** Waits for the server to exit on its own (up to $timeout s), killing it after that. */
function wait_server(array &$h, float $timeout = 10.0): void
{
    $deadline = microtime(true) + $timeout;
    while ($h['exit'] === null) {
        $st = proc_get_status($h['proc']);
        if (!$st['running']) {
            $h['exit'] = $st['signaled'] ? -$st['termsig'] : $st['exitcode'];
            break;
        }
        if (microtime(true) > $deadline) {
            proc_terminate($h['proc'], 9);
            echo "TIMEOUT: server did not exit, killed\n";
            $deadline = INF;
        }
        usleep(10000);
    }
}

/** Sends $signal to the server and waits for it to exit. Returns its output; prints nothing. */
function stop_server(array &$h, int $signal = 15, float $timeout = 10.0): string
{
    if ($h['exit'] === null) {
        $st = proc_get_status($h['proc']);
        if ($st['running']) {
            proc_terminate($h['proc'], $signal);
        } else {
            // proc_get_status() reports the exit code only once: keep it.
            $h['exit'] = $st['signaled'] ? -$st['termsig'] : $st['exitcode'];
        }
    }
    wait_server($h, $timeout);
    proc_close($h['proc']);
    $out = file_get_contents($h['out']);
    @unlink($h['out']);
    @unlink($h['file']);
    return $out;
}

/** Prints the server's output and exit code, with the temp file name replaced by SERVER. */
function show_server(array &$h, int $signal = 15): void
{
    $out = stop_server($h, $signal);
    $out = str_replace($h['file'], 'SERVER', $out);
    echo "--- server exit {$h['exit']} ---\n", $out;
}

function client(int $port, float $timeout = 5.0)
{
    $c = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, $timeout);
    if (!$c) {
        throw new RuntimeException("connect failed: $errstr");
    }
    stream_set_timeout($c, (int)$timeout, (int)(fmod($timeout, 1) * 1e6));
    return $c;
}

/** Reads exactly $n bytes (or until EOF/timeout). */
function recv_exact($c, int $n): string
{
    $buf = '';
    while (strlen($buf) < $n) {
        $chunk = fread($c, $n - strlen($buf));
        if ($chunk === '' || $chunk === false) {
            if (feof($c) || stream_get_meta_data($c)['timed_out']) {
                break;
            }
        }
        $buf .= $chunk;
    }
    return $buf;
}

/** Reads until the peer closes (or timeout); returns what arrived. */
function recv_all($c): string
{
    $buf = '';
    while (!feof($c)) {
        $chunk = fread($c, 65536);
        if ($chunk === false || ($chunk === '' && stream_get_meta_data($c)['timed_out'])) {
            break;
        }
        $buf .= $chunk;
    }
    return $buf;
}

/** True if the peer closed the connection (EOF seen within $timeout seconds). */
function sees_eof($c, float $timeout = 3.0): bool
{
    stream_set_timeout($c, (int)$timeout, (int)(fmod($timeout, 1) * 1e6));
    // fread() returns false (not '') when the read timed out: both mean nothing came. The
    // deadline also ends a peer that keeps sending without ever closing.
    $deadline = microtime(true) + $timeout;
    while (true) {
        $chunk = fread($c, 65536);
        if (feof($c)) {
            return true;
        }
        if ((($chunk === '' || $chunk === false) && stream_get_meta_data($c)['timed_out'])
            || microtime(true) > $deadline) {
            return false;
        }
    }
}

/** A client with TCP_NODELAY, so each fwrite() leaves as its own segment (for fragmentation tests). */
function client_nodelay(int $port, float $timeout = 5.0)
{
    $ctx = stream_context_create(['socket' => ['tcp_nodelay' => true]]);
    $c = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, $timeout, STREAM_CLIENT_CONNECT, $ctx);
    if (!$c) {
        throw new RuntimeException("connect failed: $errstr");
    }
    stream_set_timeout($c, (int)$timeout);
    return $c;
}

/** Writes $data in pieces of $size bytes with a short pause between them. */
function write_in_pieces($c, string $data, int $size = 1, int $pause_us = 2000): void
{
    foreach (str_split($data, $size) as $piece) {
        fwrite($c, $piece);
        usleep($pause_us);
    }
}

/** Waits until the server's output contains $needle (up to $timeout s). Returns whether it did. */
function wait_for_output(array $h, string $needle, float $timeout = 5.0): bool
{
    $deadline = microtime(true) + $timeout;
    while (microtime(true) < $deadline) {
        if (str_contains((string)@file_get_contents($h['out']), $needle)) {
            return true;
        }
        usleep(10000);
    }
    return false;
}

/** Pids of the direct children of $pid (read from /proc). */
function children_of(int $pid): array
{
    $kids = [];
    foreach (glob('/proc/[0-9]*/stat') ?: [] as $f) {
        $st = @file_get_contents($f);
        // A process that exits between the glob and the read gives false or an empty file.
        $close = $st === false ? false : strrpos($st, ')');
        if ($close === false) {
            continue;
        }
        $cols = explode(' ', substr($st, $close + 2));
        if ((int)($cols[1] ?? 0) === $pid) {
            $kids[] = (int)basename(dirname($f));
        }
    }
    sort($kids);
    return $kids;
}

/** The pid of the server's php process (the manager when worker_num > 1). */
function server_pid(array $h): int
{
    return proc_get_status($h['proc'])['pid'];
}

/** Waits until $pid has $n children (up to $timeout s); returns them. */
function wait_children(int $pid, int $n, float $timeout = 5.0): array
{
    $deadline = microtime(true) + $timeout;
    do {
        $kids = children_of($pid);
        if (count($kids) === $n) {
            return $kids;
        }
        usleep(20000);
    } while (microtime(true) < $deadline);
    return $kids;
}

/** Sends $signal to $pid (posix is not loaded under `-n`). */
function kill_pid(int $pid, int $signal = 15): void
{
    exec('kill -' . $signal . ' ' . $pid);
}

/** Whether $pid is a live process (a zombie waiting to be reaped counts as gone). */
function pid_alive(int $pid): bool
{
    $st = @file_get_contents("/proc/$pid/stat");
    if ($st === false) {
        return false;
    }
    return substr($st, strrpos($st, ')') + 2, 1) !== 'Z';
}

/** Waits until $pid is gone (up to $timeout s); returns whether it is. */
function wait_pid_gone(int $pid, float $timeout = 5.0): bool
{
    $deadline = microtime(true) + $timeout;
    while (pid_alive($pid)) {
        if (microtime(true) > $deadline) {
            return false;
        }
        usleep(20000);
    }
    return true;
}

/** Waits for a line "$prefix<value>" in the server's output and returns <value> (null if none). */
function server_value(array $h, string $prefix, float $timeout = 5.0): ?string
{
    $deadline = microtime(true) + $timeout;
    while (microtime(true) < $deadline) {
        $out = (string)@file_get_contents($h['out']);
        if (preg_match('/^' . preg_quote($prefix, '/') . '(.*)$/m', $out, $m)) {
            return $m[1];
        }
        usleep(10000);
    }
    return null;
}

/** A connected UDP client stream (reads time out after $timeout s). */
function udp_client(int $port, string $host = '127.0.0.1', float $timeout = 3.0)
{
    $h = str_contains($host, ':') ? "[$host]" : $host;
    $c = stream_socket_client("udp://$h:$port", $errno, $errstr, $timeout);
    if (!$c) {
        throw new RuntimeException("udp connect failed: $errstr");
    }
    stream_set_timeout($c, (int)$timeout, (int)(fmod($timeout, 1) * 1e6));
    return $c;
}

--TEST--
stats_file / stats_timer_interval (as Swoole's library): worker 0 writes stats() every interval, "key: value" lines, or JSON for .json, or a PHP file returning the array for .php; BASE with two workers and PROCESS; a path that cannot be written warns once; a bad interval is refused
--FILE--
<?php
require __DIR__ . '/_helper.php';
try { (new Swoole\Server('127.0.0.1', 0))->set(['stats_timer_interval' => 0]); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
$dir = sys_get_temp_dir() . '/swrs-stats-' . getmypid();
@mkdir($dir);
function read_stats(string $file): ?array {
    $text = @file_get_contents($file);
    if ($text === false || $text === '') return null;
    if (str_ends_with($file, '.json')) return json_decode($text, true);
    if (str_ends_with($file, '.php')) return include $file;
    $a = [];
    foreach (explode("\n", trim($text)) as $line) { [$k, $v] = explode(': ', $line, 2) + [1 => '']; $a[$k] = $v; }
    return $a;
}
foreach ([['SWOOLE_BASE', 'stats.txt'], ['SWOOLE_BASE', 'stats.json'], ['SWOOLE_PROCESS', 'stats.php']] as [$mode, $name]) {
    $file = "$dir/$name";
    $h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT, ' . $mode . ');
$s->set(["worker_num" => 2, "stats_file" => ' . var_export($file, true) . ', "stats_timer_interval" => 100]);
$s->on("Receive", function ($s, $fd, $rid, $data) { $s->send($fd, "ok"); });
$s->start();
');
    $c = client($h['port']);
    fwrite($c, "x");
    fread($c, 2);
    fclose($c);
    // Written every 100 ms: wait for one that counts the connection.
    $st = null;
    for ($i = 0; $i < 100; $i++) {
        $st = read_stats($file);
        if ($st && (int)$st['accept_count'] >= 1 && (int)$st['close_count'] >= 1) break;
        usleep(20000);
    }
    echo "$mode $name: accept_count ", $st['accept_count'] ?? '?', ", close_count ", $st['close_count'] ?? '?', ", worker_num ", $st['worker_num'] ?? '?', ", ", count($st ?? []) > 10 ? "all of stats()" : "incomplete", "\n";
    stop_server($h);
    @unlink($file);
}
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$s->set(["stats_file" => "/nonexistent-dir/stats.txt", "stats_timer_interval" => 50]);
$s->on("Receive", function () {});
$s->start();
');
usleep(500000);
$out = stop_server($h);
echo "unwritable: ", substr_count($out, "cannot write stats_file [/nonexistent-dir/stats.txt]"), " warning\n";
@rmdir($dir);
?>
--EXPECT--
ValueError: Swoole\Server::set(): option 'stats_timer_interval' must be a positive number of milliseconds, 0 given
SWOOLE_BASE stats.txt: accept_count 1, close_count 1, worker_num 2, all of stats()
SWOOLE_BASE stats.json: accept_count 1, close_count 1, worker_num 2, all of stats()
SWOOLE_PROCESS stats.php: accept_count 1, close_count 1, worker_num 2, all of stats()
unwritable: 1 warning

--TEST--
examples/tableServer.php: a Table, an Atomic and a Lock created before start() are shared by worker_num=2 workers: users logged in on either worker are listed by both, onClose in the owning worker removes them
--FILE--
<?php
require __DIR__ . '/_helper.php';
$code = str_replace('<?php', '', file_get_contents(__DIR__ . '/../examples/tableServer.php'));
$code = str_replace('$argv[1]', '$PORT', $code);
$h = start_server($code);
// Both workers must be up before the logins, or the first takes them all.
wait_children(server_pid($h), 2);
usleep(100000);
$conns = [];
for ($i = 0; $i < 20; $i++) {
    $c = client($h['port']);
    fwrite($c, "login user$i\n");
    $line = fgets($c);
    if (!str_starts_with($line, "welcome user$i, ")) echo "bad reply: $line";
    $conns[] = $c;
}
$who = function () use ($h) {
    $c = client($h['port']);
    fwrite($c, "who\n");
    $l = trim(fgets($c));
    fclose($c);
    return $l;
};
$l = $who();
preg_match_all('/user(\d+)@worker(\d)/', $l, $m);
echo substr($l, 0, strpos($l, ':')), "\n";
sort($m[1]);
var_dump($m[1] == range(0, 19), count(array_unique($m[2])));
// A second "who" (likely answered by the other worker) agrees.
var_dump(substr($who(), 0, 25) === substr($l, 0, 25));
foreach (array_slice($conns, 0, 5) as $c) fclose($c);
$deadline = microtime(true) + 10;
do { $l = $who(); } while (!str_starts_with($l, "15 online") && microtime(true) < $deadline && usleep(20000) === null);
echo substr($l, 0, strpos($l, ':')), "\n";
show_server($h);
?>
--EXPECT--
20 online (20 logins)
bool(true)
int(2)
bool(true)
15 online (20 logins)
--- server exit 0 ---

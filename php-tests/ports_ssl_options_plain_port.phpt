--TEST--
Ports: ssl_* options given to a port created without SWOOLE_SSL warn at start() naming the port (it serves plain TCP); a plain port without ssl_* options of its own does not
--FILE--
<?php
require __DIR__ . '/_helper.php';
$extra = free_port();
$inherit = free_port();
$h = start_server('
$s = new Swoole\Server("127.0.0.1", $PORT);
$p = $s->listen("127.0.0.1", ' . $extra . ', SWOOLE_SOCK_TCP);
$p->set(["ssl_cert_file" => "/nonexistent/cert.pem", "ssl_key_file" => "/nonexistent/key.pem"]);
$s->listen("127.0.0.1", ' . $inherit . ', SWOOLE_SOCK_TCP);
$s->on("Receive", function ($s, $fd, $rid, $d) { $s->send($fd, "plain $d"); });
$s->start();
');
$c = client($extra);
fwrite($c, "x");
echo fread($c, 100), "\n";
$out = stop_server($h);
echo str_replace((string)$extra, 'EXTRA', trim($out)), "\n";
echo "warnings: ", substr_count($out, "was given ssl_* options"), "\n";
?>
--EXPECTF--
plain x
Warning: Swoole\Server::start(): the port 127.0.0.1:EXTRA was given ssl_* options but was not created with SWOOLE_SSL (e.g. SWOOLE_SOCK_TCP | SWOOLE_SSL): it serves plain TCP in %s on line %d
warnings: 1

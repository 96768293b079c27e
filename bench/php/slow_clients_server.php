<?php
$s = new Swoole\Server("127.0.0.1", (int)$argv[1]);
$opts = ["log_level" => 5];
if (isset($argv[2])) $opts["socket_buffer_size"] = $argv[2];
$s->set($opts);
$big = str_repeat("x", 1 << 20);
$s->on("Receive", function ($s, $fd, $rid, $data) use ($big) { for ($i = 0; $i < 16; $i++) { if (!@$s->send($fd, $big)) break; } });
$s->start();

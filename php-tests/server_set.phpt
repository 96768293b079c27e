--TEST--
Server::set(): merges into $server->setting; unknown keys warn but are stored; wrong types throw
--FILE--
<?php
$s = new Swoole\Server('127.0.0.1', 0);
var_dump($s->setting);
var_dump($s->set(['worker_num' => 1, 'backlog' => 64]));
var_dump($s->set(['open_tcp_nodelay' => true, 'backlog' => 128]));
var_dump($s->setting);
var_dump($s->set(['bogus' => 42]));
var_dump($s->setting['bogus'] ?? 'missing');
var_dump(count($s->setting));

function attempt(Swoole\Server $s, array $opt): void
{
    try {
        $s->set($opt);
        echo "no error for ", json_encode($opt), "\n";
    } catch (Throwable $e) {
        echo get_class($e), ": ", $e->getMessage(), "\n";
    }
}
attempt($s, ['worker_num' => 'abc']);
attempt($s, ['package_eof' => '']);
attempt($s, ['package_length_type' => 'x']);
?>
--EXPECTF--
NULL
bool(true)
bool(true)
array(3) {
  ["worker_num"]=>
  int(1)
  ["backlog"]=>
  int(128)
  ["open_tcp_nodelay"]=>
  bool(true)
}

Warning: Swoole\Server::set(): unsupported option [bogus] in %s on line %d
bool(true)
int(42)
int(4)
TypeError: %Soption 'worker_num' expects int, string given%S
ValueError: %Soption 'package_eof' must be 1 to 8 bytes%S
ValueError: %Soption 'package_length_type' must be one of the pack() letters c C s S n N l L v V q Q J P, "x" given

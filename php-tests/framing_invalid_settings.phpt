--TEST--
Invalid framing settings fail loudly at set(); EOF + length both enabled warns which one wins
--FILE--
<?php
$s = new Swoole\Server('127.0.0.1', 0);
foreach ([
    ['package_eof' => ''],
    ['package_eof' => '123456789'],
    ['package_length_type' => 'i'],
    ['package_length_offset' => -1],
    ['package_body_offset' => 100000],
    ['open_length_check' => 'yes'],
    ['package_max_length' => 'lots'],
    ['package_length_func' => 'no_such_function'],
] as $opt) {
    try {
        $s->set($opt);
        echo "no error for ", json_encode($opt), "\n";
    } catch (Throwable $e) {
        echo get_class($e), ": ", $e->getMessage(), "\n";
    }
}
var_dump($s->set(['open_eof_check' => true, 'open_length_check' => true]));
?>
--EXPECTF--
ValueError: Swoole\Server::set(): option 'package_eof' must be 1 to 8 bytes long, 0 given
ValueError: Swoole\Server::set(): option 'package_eof' must be 1 to 8 bytes long, 9 given
ValueError: Swoole\Server::set(): option 'package_length_type' must be one of the pack() letters c C s S n N l L v V q Q J P, "i" given
ValueError: Swoole\Server::set(): option 'package_length_offset' must be between 0 and 8192, -1 given
ValueError: Swoole\Server::set(): option 'package_body_offset' must be between 0 and 8192, 100000 given
TypeError: Swoole\Server::set(): option 'open_length_check' expects bool, string given
TypeError: Swoole\Server::set(): option 'package_max_length' expects int or size string such as "2M", string given
TypeError: Swoole\Server::set(): option 'package_length_func' expects a callable

Warning: Swoole\Server::set(): open_eof_check/open_eof_split and open_length_check are both enabled: only one framing applies per port, and EOF framing wins (as in Swoole); disable one of them in %s on line %d
bool(true)

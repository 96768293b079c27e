--TEST--
Server constructor: port 0 picks a port, properties, mode/port/bind errors, missing arguments
--FILE--
<?php
$s = new Swoole\Server('127.0.0.1', 0);
var_dump($s->port > 0, $s->port < 65536);
var_dump($s->host, $s->mode, $s->type, $s->setting);
$p = new Swoole\Server('127.0.0.1', 0, SWOOLE_PROCESS);
var_dump($p->mode);
$t = new Swoole\Server('127.0.0.1', 0, SWOOLE_BASE, SWOOLE_SOCK_TCP);
var_dump($t->mode, $t->type);

function attempt(callable $f): void
{
    try {
        $f();
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), " code=", $e->getCode(), ": ", $e->getMessage(), "\n";
    }
}
attempt(fn() => new Swoole\Server('127.0.0.1', 0, 99));
try {
    new Swoole\Server('127.0.0.1', 70000);
    echo "no exception\n";
} catch (Swoole\Exception $e) {
    echo "code=", $e->getCode(), " ", str_starts_with($e->getMessage(), 'failed to listen server port[127.0.0.1:70000]') ? 'message ok' : $e->getMessage(), "\n";
}
attempt(fn() => new Swoole\Server());

$busy = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)substr(strrchr(stream_socket_get_name($busy, false), ':'), 1);
try {
    new Swoole\Server('127.0.0.1', $port);
    echo "no exception\n";
} catch (Swoole\Exception $e) {
    var_dump($e->getCode());
    var_dump($e->getMessage() === "failed to listen server port[127.0.0.1:$port], Error: Address already in use[98]");
    var_dump($e instanceof Exception);
}
?>
--EXPECT--
bool(true)
bool(true)
string(9) "127.0.0.1"
int(1)
int(1)
NULL
int(2)
int(1)
int(1)
Error code=0: invalid $mode parameters 99
code=9004 message ok
ArgumentCountError code=0: Swoole\Server::__construct() expects at least 1 argument, 0 given
int(98)
bool(true)
bool(true)

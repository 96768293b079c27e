--TEST--
Server::on(): case-insensitive event names, unknown event and non-callable warnings, getCallback()
--FILE--
<?php
$s = new Swoole\Server('127.0.0.1', 0);
$f = function ($s, $fd, $rid, $data) {};
var_dump($s->on('RECEIVE', $f));
var_dump($s->getCallback('receive') === $f);
var_dump($s->getCallback('Receive') === $f);
var_dump($s->on('workerStart', 'strlen'));
var_dump($s->getCallback('workerstart'));
$g = function ($s, $fd, $rid, $data) {};
var_dump($s->on('Receive', $g));
var_dump($s->getCallback('receive') === $g);

swoole_clear_error();
var_dump($s->on('foo', $f));
var_dump(swoole_last_error());
var_dump($s->getCallback('foo'));
var_dump($s->getCallback('connect'));

var_dump($s->on('connect', 'no_such_function_anywhere'));
var_dump($s->getCallback('connect'));
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)
string(6) "strlen"
bool(true)
bool(true)

Warning: Swoole\Server%s: unknown event types[foo] in %s on line %d
bool(false)
int(510)
NULL
NULL

Warning: Swoole\Server::on(): function 'no_such_function_anywhere' is not callable in %s on line %d
bool(false)
NULL

--TEST--
Swoole\Table failures: wrong column type, empty string column, column after create, key too long (cut to 63 bytes, warned, set() true), string too long (cut, logged), table full (false + warning, no row overwritten), incr on a string or missing column, set()/get() before create() and after destroy()
--FILE--
<?php
use Swoole\Table;
$t = new Table(64, 0.2);
var_dump($t->column("bad", 99));
var_dump($t->column("s", Table::TYPE_STRING));
var_dump($t->column("s", Table::TYPE_STRING, 4));
var_dump($t->column("n", Table::TYPE_INT));
try { $t->set("a", ["n" => 1]); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
try { $t->get("a"); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
var_dump($t->count(), $t->stats());
$t->create();
var_dump($t->column("late", Table::TYPE_INT));
var_dump($t->create());
$long = str_repeat("k", 70);
var_dump($t->set($long, ["n" => 7]));
var_dump($t->get(str_repeat("k", 63), "n"), $t->exists($long), count($t));
foreach ($t as $k => $_) var_dump(strlen($k));
var_dump($t->set("str", ["s" => "abcdefgh"]), $t->get("str", "s"));
var_dump($t->incr("str", "s"));
var_dump($t->incr("str", "missing"));
$t->del($long); $t->del("str");
// Fill it: set() fails once the key's bucket and the conflict pool are used up.
$stored = 0;
for ($i = 0; $i < 1000; $i++) {
    if (!$t->set("key$i", ["n" => $i])) { $failed = $i; break; }
    $stored++;
}
echo "stored $stored of at most ", 64 + 12, "\n";
$intact = 0;
for ($i = 0; $i < $stored; $i++) $intact += $t->get("key$i", "n") === $i ? 1 : 0;
var_dump($intact === $stored, count($t) === $stored, $t->exists("key$failed"));
var_dump($t->set("key0", ["n" => -1]), $t->get("key0", "n"));
var_dump($t->destroy());
try { $t->exists("key0"); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
?>
--EXPECTF--
Warning: Swoole\Table::column(): unknown column type 99 in %s on line %d
bool(false)

Warning: Swoole\Table::column(): the length of string type values has to be more than zero in %s on line %d
bool(false)
bool(true)
bool(true)
Error: table is not created or has been destroyed
Error: table is not created or has been destroyed
int(0)
bool(false)

Warning: Swoole\Table::column(): unable to add column after table has been created in %s on line %d
bool(false)

Warning: Swoole\Table::create(): table has already been created in %s on line %d
bool(false)

Warning: Swoole\Table::set(): key[kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk] is too long in %s on line %d
bool(true)
int(7)
bool(true)
int(1)
int(63)
[%s]	WARNING	TableRow::set_value(): [key=str,field=s]string value is too long
bool(true)
string(4) "abcd"

Warning: Swoole\Table::incr(): can't execute 'incr' on a string type column in %s on line %d
bool(false)

Warning: Swoole\Table::incr(): column[missing] does not exist in %s on line %d
bool(false)

Warning: Swoole\Table::set(): failed to set('key%d'), unable to allocate memory in %s on line %d
stored %d of at most 76
bool(true)
bool(true)
bool(false)
bool(true)
int(-1)
bool(true)
Error: table is not created or has been destroyed

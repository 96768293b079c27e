--TEST--
Swoole\Table: foreach (rewind/valid/current/key/next) visits every row once, also with colliding keys in the conflict pool; Iterator and Countable
--FILE--
<?php
$t = new Swoole\Table(64, 1.0);
$t->column("n", Swoole\Table::TYPE_INT);
$t->column("s", Swoole\Table::TYPE_STRING, 8);
$t->create();
var_dump($t instanceof Iterator, $t instanceof Countable);
foreach ($t as $k => $v) echo "empty table yields $k\n";
for ($i = 0; $i < 100; $i++) $t->set("key$i", ["n" => $i, "s" => "v$i"]);
$seen = [];
foreach ($t as $k => $row) {
    if ($row["n"] !== (int)substr($k, 3) || $row["s"] !== "v" . $row["n"]) echo "bad row $k\n";
    $seen[$k] = ($seen[$k] ?? 0) + 1;
}
var_dump(count($seen), max($seen), count($t), $t->stats()["conflict_count"] > 0);
$t->rewind();
var_dump($t->valid(), is_string($t->key()), is_array($t->current()));
$t->next();
var_dump($t->valid());
?>
--EXPECT--
bool(true)
bool(true)
int(100)
int(1)
int(100)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)

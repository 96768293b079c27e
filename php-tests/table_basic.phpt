--TEST--
Swoole\Table: size rounding, column/create, set/get (row and field), exists/exist, del/delete, incr/decr, count, getSize/getMemorySize, size/memorySize properties, stats()
--FILE--
<?php
use Swoole\Table;
foreach ([1, 64, 65, 1000, 1025] as $n) echo "$n -> ", (new Table($n))->getSize(), "\n";
$t = new Table(1000);
var_dump($t->size, $t->memorySize, $t->getMemorySize(), count($t));
var_dump($t->column("id", Table::TYPE_INT));
var_dump($t->column("name", Table::TYPE_STRING, 16));
var_dump($t->column("score", Table::TYPE_FLOAT));
var_dump($t->create());
var_dump($t->size, $t->getSize(), $t->memorySize === $t->getMemorySize(), $t->getMemorySize() > 1024 * (8 * 9 + 8 + 24));
var_dump($t->set("alice", ["id" => 1, "name" => "Alice", "score" => 9.5, "ignored" => 1]));
var_dump($t->get("alice"));
var_dump($t->get("alice", "name"), $t->get("alice", "nope"), $t->get("bob"), $t->get("bob", "id"));
// An update writes only the columns given; a new row starts at zero.
var_dump($t->set("alice", ["score" => "7.25"]), $t->get("alice"));
var_dump($t->set(42, ["id" => "12abc"]), $t->get("42"));
var_dump($t->exists("alice"), $t->exist("alice"), $t->exists("bob"));
var_dump($t->incr("alice", "id"), $t->incr("alice", "id", 10), $t->incr("alice", "id", 1.9));
var_dump($t->incr("alice", "score", 0.25), $t->incr("alice", "score", 2), $t->decr("alice", "score"));
var_dump($t->decr("alice", "id", 2), $t->incr("carol", "id", 5), $t->decr("dave", "score", 1.5));
var_dump(count($t), $t->count());
var_dump($t->del("carol"), $t->del("carol"), $t->delete("dave"), count($t));
$s = $t->stats();
var_dump(array_keys($s), $s["num"], $s["insert_count"], $s["delete_count"], $s["total_slice_num"]);
var_dump($t->destroy());
?>
--EXPECT--
1 -> 64
64 -> 64
65 -> 128
1000 -> 1024
1025 -> 2048
NULL
NULL
int(0)
int(0)
bool(true)
bool(true)
bool(true)
bool(true)
int(1024)
int(1024)
bool(true)
bool(true)
bool(true)
array(3) {
  ["id"]=>
  int(1)
  ["name"]=>
  string(5) "Alice"
  ["score"]=>
  float(9.5)
}
string(5) "Alice"
bool(false)
bool(false)
bool(false)
bool(true)
array(3) {
  ["id"]=>
  int(1)
  ["name"]=>
  string(5) "Alice"
  ["score"]=>
  float(7.25)
}
bool(true)
array(3) {
  ["id"]=>
  int(12)
  ["name"]=>
  string(0) ""
  ["score"]=>
  float(0)
}
bool(true)
bool(true)
bool(false)
int(2)
int(12)
int(13)
float(7.5)
float(9.5)
float(8.5)
int(11)
int(5)
float(-1.5)
int(4)
int(4)
bool(true)
bool(false)
bool(true)
int(2)
array(9) {
  [0]=>
  string(3) "num"
  [1]=>
  string(14) "conflict_count"
  [2]=>
  string(18) "conflict_max_level"
  [3]=>
  string(12) "insert_count"
  [4]=>
  string(12) "update_count"
  [5]=>
  string(12) "delete_count"
  [6]=>
  string(19) "available_slice_num"
  [7]=>
  string(15) "total_slice_num"
  [8]=>
  string(15) "recovered_locks"
}
int(2)
int(4)
int(2)
int(204)
bool(true)

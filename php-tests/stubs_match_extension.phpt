--TEST--
stubs/swoole.php declares exactly the classes, methods, properties, functions and constants the extension registers
--FILE--
<?php
require __DIR__ . '/_describe.php';
$ext = new ReflectionExtension('swoole');
$fromExt = describe_api(array_keys($ext->getClasses()), array_keys($ext->getFunctions()), $ext->getConstants());

// The stubs, loaded in a php process without the extension.
$code = 'require ' . var_export(__DIR__ . '/_describe.php', true) . ';'
    . 'require ' . var_export(__DIR__ . '/../stubs/swoole.php', true) . ';'
    . '$c = array_values(array_filter(get_declared_classes(), fn($n) => str_starts_with($n, "Swoole\\\\")));'
    . '$f = array_values(array_filter(get_defined_functions()["user"], fn($n) => str_starts_with($n, "swoole_") ));'
    . 'echo json_encode(describe_api($c, $f, get_defined_constants(true)["user"] ?? []));';
$json = shell_exec(escapeshellarg(PHP_BINARY) . ' -n -r ' . escapeshellarg($code));
$fromStubs = json_decode($json, true);
if (!is_array($fromStubs)) {
    echo "could not load the stubs:\n$json\n";
    exit;
}
echo "extension: ", count($fromExt), " items; stubs: ", count($fromStubs), " items\n";
foreach (array_diff($fromExt, $fromStubs) as $l) echo "missing from stubs: $l\n";
foreach (array_diff($fromStubs, $fromExt) as $l) echo "not in extension: $l\n";
var_dump(count($fromExt) > 150 && $fromExt === $fromStubs);
?>
--EXPECTF--
extension: %d items; stubs: %d items
bool(true)

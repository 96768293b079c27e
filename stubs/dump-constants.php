<?php
// Prints the extension's constants in stub syntax (see the header of stubs/swoole.php).
foreach ((new ReflectionExtension('swoole'))->getConstants() as $name => $value) {
    echo "    const $name = ", var_export($value, true), ";\n";
}

<?php
/**
 * Describes an API surface as sorted lines, from Reflection: used to compare stubs/swoole.php
 * (loaded without the extension) with the loaded extension.
 */
function describe_api(array $classes, array $functions, array $constants): array
{
    $lines = [];
    $params = function (ReflectionFunctionAbstract $f): string {
        return implode(', ', array_map(fn(ReflectionParameter $p) => ($p->isVariadic() ? '...' : '') . '$' . $p->getName()
            . ($p->isOptional() && !$p->isVariadic() ? '=' : ''), $f->getParameters()));
    };
    foreach ($classes as $name) {
        $rc = new ReflectionClass($name);
        $ifaces = $rc->getInterfaceNames();
        sort($ifaces);
        $lines[] = "class $name extends " . ($rc->getParentClass() ? $rc->getParentClass()->getName() : '-')
            . ' implements ' . implode(',', $ifaces);
        foreach ($rc->getMethods() as $m) {
            if ($m->getDeclaringClass()->getName() === $name) {
                $lines[] = "method $name::" . ($m->isStatic() ? 'static ' : '') . $m->getName() . '(' . $params($m) . ')';
            }
        }
        foreach ($rc->getProperties() as $p) {
            if ($p->getDeclaringClass()->getName() === $name) {
                $lines[] = "property $name::\$" . $p->getName();
            }
        }
    }
    foreach ($functions as $name) {
        $lines[] = "function $name(" . $params(new ReflectionFunction($name)) . ')';
    }
    foreach ($constants as $name => $value) {
        $lines[] = "const $name = " . var_export($value, true);
    }
    sort($lines);
    return $lines;
}

<?php
// The "README snippet" of docs/php.md runs as written (in a temporary directory, with the
// autoloader's path adjusted) and prints what its comments say.

declare(strict_types=1);

require __DIR__ . '/support.php';

$doc = (string) file_get_contents(dirname(__DIR__, 3) . '/docs/php.md');
check(preg_match('~^## README snippet\n.*?```php\n(.*?)```~ms', $doc, $m) === 1, 'docs/php.md has a README snippet');
$code = str_replace("'bindings/php/autoload.php'", var_export(dirname(__DIR__) . '/autoload.php', true), $m[1] ?? '');
$dir = temp_dir();
file_put_contents("$dir/snippet.php", $code);
$php = PHP_BINARY;
$out = [];
exec('cd ' . escapeshellarg($dir) . ' && ' . escapeshellarg($php) . ' -d ffi.enable=preload snippet.php 2>&1', $out, $rc);
check($rc === 0, 'the snippet runs: ' . implode("\n", $out));
check(($out[0] ?? '') === '30/10/2022' && ($out[1] ?? '') === '1' && str_starts_with($out[2] ?? '', '2 '), 'its output: ' . implode(' | ', $out));
foreach (glob("$dir/bode.db*") ?: [] as $f) {
    unlink($f);
}
finish();

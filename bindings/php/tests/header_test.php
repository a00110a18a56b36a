<?php
// src/doithoai_ffi.h (what FFI::cdef reads) declares exactly what include/doithoai/c.h
// declares: both are reduced to their declarations (comments, preprocessor lines, DT_API and
// the extern "C" wrapper dropped, whitespace normalised) and compared in order. A function
// added to or changed in c.h without the FFI header fails here.

declare(strict_types=1);

require __DIR__ . '/support.php';

function declarations(string $text): array
{
    $text = preg_replace('~/\*.*?\*/~s', ' ', $text);
    $text = preg_replace('~//[^\n]*~', ' ', $text);
    $text = preg_replace('~^\s*#.*$~m', ' ', $text);
    $text = str_replace(['extern "C" {', 'DT_API'], ' ', $text);
    $text = preg_replace('~\s+~', ' ', $text);
    $text = preg_replace('~\s*([(),;*])\s*~', '$1', $text);
    $decls = array_values(array_filter(array_map('trim', explode(';', $text)), static fn ($d) => $d !== '' && $d !== '}'));
    return $decls;
}

$root = dirname(__DIR__, 3);
$c = declarations((string) file_get_contents("$root/include/doithoai/c.h"));
$ffi = declarations((string) file_get_contents(dirname(__DIR__) . '/src/doithoai_ffi.h'));
check(count($c) === 19, 'c.h has its 15 functions, 3 handle typedefs and the callback type: ' . count($c));
check($c === $ffi, "doithoai_ffi.h differs from c.h:\n" . implode("\n", array_diff($c, $ffi)) . "\n---\n" . implode("\n", array_diff($ffi, $c)));
// Every function declared is one the library exports and FFI can bind.
$lib = Doithoai\Library::load();
foreach ($c as $d) {
    if (preg_match('~\b(dt_[a-z_]+)\(~', $d, $m) && !str_starts_with($d, 'typedef')) {
        $ok = true;
        try {
            $lib->ffi->{$m[1]}(...); // a first-class callable of the C function
        } catch (Throwable) {
            $ok = false;
        }
        check($ok, "FFI binds {$m[1]}");
    }
}
finish();

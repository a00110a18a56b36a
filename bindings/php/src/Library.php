<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * libdoithoai_c loaded through PHP's FFI extension, once per path and process.
 *
 * Where the library is looked for, first match wins:
 *   1. the path given to Engine's `library:` argument or to Library::load();
 *   2. the environment variable DOITHOAI_LIBRARY (a path to libdoithoai_c.so);
 *   3. the build directory convention: <repository>/build/libdoithoai_c.so (this file lives in
 *      <repository>/bindings/php/src);
 *   4. the bare name libdoithoai_c.so, resolved by the dynamic loader (an installed library).
 *
 * The declarations come from doithoai_ffi.h beside this file: include/doithoai/c.h without
 * its preprocessor lines (FFI::cdef takes none); tests/header_test.php checks they match.
 */
final class Library
{
    /** The DT_ABI_VERSION this binding was written for. */
    public const ABI_VERSION = 1;

    /** @var array<string, Library> */
    private static array $loaded = [];

    private function __construct(public readonly \FFI $ffi, public readonly string $path)
    {
    }

    /** The library at $path (or found as described above); loads it on first use. */
    public static function load(?string $path = null): self
    {
        $path ??= self::locate();
        if (isset(self::$loaded[$path])) {
            return self::$loaded[$path];
        }
        if (!extension_loaded('FFI')) {
            throw new LibraryException('the PHP FFI extension is not loaded (Debian: php8.2-cli has it built in)', DoithoaiException::UNSUPPORTED);
        }
        if (str_contains($path, "\0")) {
            throw new LibraryException('the library path contains a NUL byte', DoithoaiException::UNSUPPORTED);
        }
        $header = __DIR__ . '/doithoai_ffi.h';
        try {
            $ffi = \FFI::cdef((string) file_get_contents($header), $path);
        } catch (\FFI\Exception $e) {
            throw new LibraryException(
                "cannot load libdoithoai_c from '$path': {$e->getMessage()} (set DOITHOAI_LIBRARY to the path of " .
                'libdoithoai_c.so, or build it: cmake --build build --target doithoai_c; FFI must be enabled: ffi.enable=preload ' .
                'allows it in CLI scripts, ffi.enable=true everywhere)',
                DoithoaiException::UNSUPPORTED,
                $e
            );
        }
        $lib = new self($ffi, $path);
        [, $abi] = $lib->version();
        if ($abi !== self::ABI_VERSION) {
            throw new LibraryException("'$path' has C ABI version $abi; this binding needs " . self::ABI_VERSION, DoithoaiException::UNSUPPORTED);
        }
        return self::$loaded[$path] = $lib;
    }

    /** The path load() uses when given none (it does not check that the file exists). */
    public static function locate(): string
    {
        $env = getenv('DOITHOAI_LIBRARY');
        if (is_string($env) && $env !== '') {
            return $env;
        }
        $built = dirname(__DIR__, 3) . '/build/libdoithoai_c.so';
        return is_file($built) ? $built : 'libdoithoai_c.so';
    }

    /**
     * [library version, ABI version, event schema version] of the loaded library.
     * @return array{string, int, int}
     */
    public function version(): array
    {
        $lib = $this->ffi->new('const char*');
        $abi = $this->ffi->new('int');
        $schema = $this->ffi->new('int');
        $this->ffi->dt_version(\FFI::addr($lib), \FFI::addr($abi), \FFI::addr($schema));
        return [\FFI::string($lib), $abi->cdata, $schema->cdata];
    }
}

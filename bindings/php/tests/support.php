<?php
// The tests' tiny harness (no PHPUnit offline): check() records a failed assertion with its
// line, throws() checks the class and code of an exception, finish() prints the tally and
// exits non-zero when anything failed. Any PHP warning or notice is turned into an exception,
// so a test cannot pass over one; an uncaught exception ends the script with status 255.

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

set_error_handler(static function (int $no, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $no, $file, $line);
});

final class T
{
    public static int $checks = 0;
    public static int $failures = 0;
}

function check(bool $condition, string $what = ''): void
{
    ++T::$checks;
    if (!$condition) {
        ++T::$failures;
        $frame = ['file' => '?', 'line' => 0];
        foreach (debug_backtrace(DEBUG_BACKTRACE_IGNORE_ARGS) as $f) {
            if (isset($f['file']) && $f['file'] !== __FILE__) {
                $frame = $f; // the first frame outside this file: the test's line
                break;
            }
        }
        fprintf(STDERR, "%s:%d: check failed%s\n", basename($frame['file'] ?? '?'), $frame['line'] ?? 0, $what === '' ? '' : ": $what");
    }
}

/** Runs $fn and checks it throws exactly $class with code $code (null: any code) and a message. */
function throws(string $class, ?int $code, callable $fn, string $what = ''): ?Throwable
{
    try {
        $fn();
    } catch (Throwable $e) {
        $ok = get_class($e) === $class && ($code === null || $e->getCode() === $code) && $e->getMessage() !== '';
        check($ok, ($what === '' ? '' : "$what: ") . "expected $class" . ($code === null ? '' : " ($code)") . ', got ' .
            get_class($e) . " ({$e->getCode()}): {$e->getMessage()}");
        return $e;
    }
    check(false, ($what === '' ? '' : "$what: ") . "expected $class, nothing was thrown");
    return null;
}

/** A fresh temporary directory, removed at exit with what it holds. */
function temp_dir(): string
{
    $dir = sys_get_temp_dir() . '/doithoai-php-' . getmypid() . '-' . bin2hex(random_bytes(4));
    mkdir($dir);
    $remove = static function (string $d) use (&$remove): void {
        foreach (glob("$d/*") ?: [] as $f) {
            is_dir($f) ? $remove($f) : unlink($f);
        }
        rmdir($d);
    };
    register_shutdown_function(static fn () => $remove($dir));
    return $dir;
}

function day(int $y, int $m, int $d): DateTimeImmutable
{
    return new DateTimeImmutable(sprintf('%04d-%02d-%02d', $y, $m, $d));
}

function at(int $y, int $m, int $d, int $h = 9): DateTimeImmutable
{
    return new DateTimeImmutable(sprintf('%04d-%02d-%02dT%02d:00:00+07:00', $y, $m, $d, $h));
}

function finish(): never
{
    printf("%s: %d passed, %d failed\n", basename($_SERVER['SCRIPT_NAME']), T::$checks - T::$failures, T::$failures);
    exit(T::$failures === 0 && T::$checks > 0 ? 0 : 1);
}

<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * The base of every exception the binding throws. getCode() is the stable status code of the
 * C ABI (docs/c-abi.md): 1 not_found .. 8 unsupported (doithoai::ErrorCode), 64
 * out_of_memory, 65 internal. Catch a subclass for one kind, this class for all of them.
 * Codes never change; messages may.
 */
class DoithoaiException extends \RuntimeException
{
    public const NOT_FOUND = 1;
    public const PERMISSION_DENIED = 2;
    public const INVALID_TRANSITION = 3;
    public const INVALID_ARGUMENT = 4;
    public const CONFLICT = 5;
    public const STORAGE = 6;
    public const CORRUPTION = 7;
    public const UNSUPPORTED = 8;
    public const OUT_OF_MEMORY = 64;
    public const INTERNAL = 65;

    /** Status code => [snake_case name, exception class]. */
    private const KINDS = [
        self::NOT_FOUND => ['not_found', NotFoundException::class],
        self::PERMISSION_DENIED => ['permission_denied', PermissionDeniedException::class],
        self::INVALID_TRANSITION => ['invalid_transition', InvalidTransitionException::class],
        self::INVALID_ARGUMENT => ['invalid_argument', InvalidArgumentException::class],
        self::CONFLICT => ['conflict', ConflictException::class],
        self::STORAGE => ['storage', StorageException::class],
        self::CORRUPTION => ['corruption', CorruptionException::class],
        self::UNSUPPORTED => ['unsupported', UnsupportedException::class],
        self::OUT_OF_MEMORY => ['out_of_memory', OutOfMemoryException::class],
        self::INTERNAL => ['internal', InternalException::class],
    ];

    /** The exception of the class that matches $code (InternalException for a code not listed). */
    public static function fromStatus(int $code, string $message, ?\Throwable $previous = null): self
    {
        $class = self::KINDS[$code][1] ?? InternalException::class;
        if (!isset(self::KINDS[$code])) {
            $message = "status $code: $message";
            $code = self::INTERNAL;
        }
        return new $class($message, $code, $previous);
    }

    /** The snake_case name of the code: "not_found", ..., "internal". */
    public function statusName(): string
    {
        return self::KINDS[$this->getCode()][0] ?? 'unknown';
    }
}

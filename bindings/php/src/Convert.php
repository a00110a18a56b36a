<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * JSON and date conversions at the boundary (internal). Every failure is a
 * DoithoaiException: PHP's json_encode errors (invalid UTF-8, INF/NAN, too deep) become
 * InvalidArgumentException, never a warning or a silent false.
 * @internal
 */
final class Convert
{
    private const ENCODE = JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION;

    /** JSON text of $value; a top-level empty array is the empty object {}. */
    public static function encode(mixed $value, string $what = 'value'): string
    {
        if ($value === []) {
            return '{}';
        }
        try {
            return json_encode($value, self::ENCODE);
        } catch (\JsonException $e) {
            throw new InvalidArgumentException("cannot encode the $what as JSON: {$e->getMessage()}", DoithoaiException::INVALID_ARGUMENT, $e);
        }
    }

    /** The value of a JSON text the library returned (objects as arrays). */
    public static function decode(string $json): mixed
    {
        try {
            return json_decode($json, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            throw new InternalException("the library returned JSON PHP cannot read: {$e->getMessage()}", DoithoaiException::INTERNAL, $e);
        }
    }

    /** A string handed to C as const char*: refused when it holds a NUL byte (C would cut it there). */
    public static function cString(string $s, string $what): string
    {
        if (str_contains($s, "\0")) {
            throw new InvalidArgumentException("the $what contains a NUL byte", DoithoaiException::INVALID_ARGUMENT);
        }
        return $s;
    }

    /** "YYYY-MM-DD": the calendar date of $d in its own time zone. */
    public static function date(?\DateTimeInterface $d): ?string
    {
        return $d?->format('Y-m-d');
    }

    /** An instant with its offset, e.g. "2022-09-30T08:00:00.000000+07:00". */
    public static function instant(\DateTimeInterface $d): string
    {
        return $d->format('Y-m-d\TH:i:s.uP');
    }

    /** A date the library returned, as midnight in $zone (null stays null). */
    public static function dateFrom(?string $s, \DateTimeZone $zone): ?\DateTimeImmutable
    {
        if ($s === null) {
            return null;
        }
        $d = \DateTimeImmutable::createFromFormat('!Y-m-d', $s, $zone);
        if ($d === false) {
            throw new InternalException("the library returned a date PHP cannot read: '$s'", DoithoaiException::INTERNAL);
        }
        return $d;
    }

    /** An instant the library returned ("2022-09-30T07:00:00.000000Z"), shown in $zone. */
    public static function instantFrom(string $s, \DateTimeZone $zone): \DateTimeImmutable
    {
        $d = \DateTimeImmutable::createFromFormat('Y-m-d\TH:i:s.uP', $s);
        if ($d === false) {
            throw new InternalException("the library returned an instant PHP cannot read: '$s'", DoithoaiException::INTERNAL);
        }
        return $d->setTimezone($zone);
    }
}

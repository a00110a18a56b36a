<?php

declare(strict_types=1);

namespace Doithoai;

/** Malformed input: bad JSON, invalid UTF-8, NUL bytes, unknown field or method, out-of-range value (stable code 4, C status `DT_INVALID_ARGUMENT`). */
class InvalidArgumentException extends DoithoaiException
{
}

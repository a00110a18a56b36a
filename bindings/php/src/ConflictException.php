<?php

declare(strict_types=1);

namespace Doithoai;

/** A concurrent writer, or an idempotency key reused for another request (stable code 5, C status `DT_CONFLICT`). */
class ConflictException extends DoithoaiException
{
}

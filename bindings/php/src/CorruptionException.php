<?php

declare(strict_types=1);

namespace Doithoai;

/** Stored data fails verification (hash chain) (stable code 7, C status `DT_CORRUPTION`). */
class CorruptionException extends DoithoaiException
{
}

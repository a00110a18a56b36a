<?php

declare(strict_types=1);

namespace Doithoai;

/** Any other failure inside the library (a bug: please report it) (stable code 65, C status `DT_INTERNAL`). */
class InternalException extends DoithoaiException
{
}

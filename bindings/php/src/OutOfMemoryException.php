<?php

declare(strict_types=1);

namespace Doithoai;

/** Allocation failed inside the library; nothing was changed (stable code 64, C status `DT_OUT_OF_MEMORY`). */
class OutOfMemoryException extends DoithoaiException
{
}

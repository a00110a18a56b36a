<?php

declare(strict_types=1);

namespace Doithoai;

/** An id or code that names nothing (stable code 1, C status `DT_NOT_FOUND`). */
class NotFoundException extends DoithoaiException
{
}

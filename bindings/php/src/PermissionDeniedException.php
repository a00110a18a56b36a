<?php

declare(strict_types=1);

namespace Doithoai;

/** The actor does not hold the role the action needs (R19) (stable code 2, C status `DT_PERMISSION_DENIED`). */
class PermissionDeniedException extends DoithoaiException
{
}

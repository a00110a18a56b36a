<?php

declare(strict_types=1);

namespace Doithoai;

/** Not allowed in the entity's current state (stable code 3, C status `DT_INVALID_TRANSITION`). */
class InvalidTransitionException extends DoithoaiException
{
}

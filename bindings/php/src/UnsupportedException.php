<?php

declare(strict_types=1);

namespace Doithoai;

/** A valid request this build or store cannot serve (stable code 8, C status `DT_UNSUPPORTED`). */
class UnsupportedException extends DoithoaiException
{
}

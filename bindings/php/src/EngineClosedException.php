<?php

declare(strict_types=1);

namespace Doithoai;

/** A method was called on an Engine after close() (code 4, invalid_argument, as a NULL handle in C). */
final class EngineClosedException extends InvalidArgumentException
{
}

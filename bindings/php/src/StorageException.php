<?php

declare(strict_types=1);

namespace Doithoai;

/** The store failed (I/O, full disk, lost connection, read-only store) (stable code 6, C status `DT_STORAGE`). */
class StorageException extends DoithoaiException
{
}

<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * libdoithoai_c could not be loaded: not found where DOITHOAI_LIBRARY, the `library` option or
 * the build directory convention point, FFI disabled (ffi.enable), or an ABI version other
 * than the one this binding was written for. Code 8 (unsupported).
 */
final class LibraryException extends UnsupportedException
{
}

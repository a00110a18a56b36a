package vn.doithoai;

/**
 * The base of every exception the binding throws: a failure reported by the library (its
 * status code and message) or refused by the binding before reaching it (null arguments,
 * text that is not valid Unicode, a closed engine). Each {@link ErrorCode} has its own
 * subclass, so callers catch {@code NotFoundException}, {@code PermissionDeniedException}, ...
 * or this class for all of them. Unchecked, as the library's failures are not recoverable at
 * every call site. No other exception type leaves the binding (listener exceptions are
 * caught and counted, see {@link Subscription}).
 */
public class DoithoaiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  protected DoithoaiException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  protected DoithoaiException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The stable error code. */
  public ErrorCode code() {
    return code;
  }

  /** The numeric status of the C ABI ({@code code().value()}). */
  public int status() {
    return code.value();
  }

  /** The exception of a status returned by the C ABI (an unknown status is an InternalException). */
  public static DoithoaiException of(int status, String message) {
    ErrorCode c = ErrorCode.of(status);
    if (c == null) return new InternalException("unknown status " + status + ": " + message);
    return switch (c) {
      case NOT_FOUND -> new NotFoundException(message);
      case PERMISSION_DENIED -> new PermissionDeniedException(message);
      case INVALID_TRANSITION -> new InvalidTransitionException(message);
      case INVALID_ARGUMENT -> new InvalidArgumentException(message);
      case CONFLICT -> new ConflictException(message);
      case STORAGE -> new StorageException(message);
      case CORRUPTION -> new CorruptionException(message);
      case UNSUPPORTED -> new UnsupportedException(message);
      case OUT_OF_MEMORY -> new OutOfMemoryException(message);
      case INTERNAL -> new InternalException(message);
    };
  }
}

package vn.doithoai;

/** Malformed input: bad JSON, invalid text, unknown field or method, null, out-of-range value (status INVALID_ARGUMENT, {@link ErrorCode#INVALID_ARGUMENT}). */
public class InvalidArgumentException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(ErrorCode.INVALID_ARGUMENT, message);
  }
}

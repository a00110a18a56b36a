package vn.doithoai;

/** A concurrent writer, or an idempotency key reused for another request (status CONFLICT, {@link ErrorCode#CONFLICT}). */
public class ConflictException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(ErrorCode.CONFLICT, message);
  }
}

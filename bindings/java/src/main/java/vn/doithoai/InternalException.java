package vn.doithoai;

/** A failure inside the library or the binding: a bug, please report it (status INTERNAL, {@link ErrorCode#INTERNAL}). */
public class InternalException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public InternalException(String message) {
    super(ErrorCode.INTERNAL, message);
  }
}

package vn.doithoai;

/** An id or code that names nothing (status NOT_FOUND, {@link ErrorCode#NOT_FOUND}). */
public class NotFoundException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(ErrorCode.NOT_FOUND, message);
  }
}

package vn.doithoai;

/** The library could not allocate memory; nothing was changed (status OUT_OF_MEMORY, {@link ErrorCode#OUT_OF_MEMORY}). */
public class OutOfMemoryException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public OutOfMemoryException(String message) {
    super(ErrorCode.OUT_OF_MEMORY, message);
  }
}

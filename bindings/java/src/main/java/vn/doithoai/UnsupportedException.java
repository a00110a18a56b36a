package vn.doithoai;

/** A valid request this build or store cannot serve (status UNSUPPORTED, {@link ErrorCode#UNSUPPORTED}). */
public class UnsupportedException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public UnsupportedException(String message) {
    super(ErrorCode.UNSUPPORTED, message);
  }
}

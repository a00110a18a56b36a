package vn.doithoai;

/** Stored data fails verification (status CORRUPTION, {@link ErrorCode#CORRUPTION}). */
public class CorruptionException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public CorruptionException(String message) {
    super(ErrorCode.CORRUPTION, message);
  }
}

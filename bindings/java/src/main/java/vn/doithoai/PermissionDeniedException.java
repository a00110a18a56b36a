package vn.doithoai;

/** The actor does not hold the role the action needs (status PERMISSION_DENIED, {@link ErrorCode#PERMISSION_DENIED}). */
public class PermissionDeniedException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(ErrorCode.PERMISSION_DENIED, message);
  }
}

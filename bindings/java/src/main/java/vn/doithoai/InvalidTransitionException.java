package vn.doithoai;

/** Not allowed in the entity's current state (status INVALID_TRANSITION, {@link ErrorCode#INVALID_TRANSITION}). */
public class InvalidTransitionException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public InvalidTransitionException(String message) {
    super(ErrorCode.INVALID_TRANSITION, message);
  }
}

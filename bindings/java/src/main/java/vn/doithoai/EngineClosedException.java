package vn.doithoai;

/** A call on an {@link Engine} (or its subscription) after {@link Engine#close()}: an InvalidTransitionException. */
public final class EngineClosedException extends InvalidTransitionException {
  private static final long serialVersionUID = 1L;

  public EngineClosedException(String message) {
    super(message);
  }
}

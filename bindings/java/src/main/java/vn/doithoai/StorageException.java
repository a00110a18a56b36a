package vn.doithoai;

/** The store failed: I/O, full disk, lost connection, read-only store (status STORAGE, {@link ErrorCode#STORAGE}). */
public class StorageException extends DoithoaiException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(ErrorCode.STORAGE, message);
  }
}

package vn.doithoai;

/**
 * The stable status codes of the C ABI (include/doithoai/c.h): 1..8 equal doithoai::ErrorCode,
 * 64 and 65 are the ABI's own. Codes never change meaning; messages may.
 */
public enum ErrorCode {
  /** An id or code that names nothing. */
  NOT_FOUND(1, "not_found"),
  /** The actor does not hold the role the action needs (R19). */
  PERMISSION_DENIED(2, "permission_denied"),
  /** Not allowed in the entity's current state (also: using a closed Engine). */
  INVALID_TRANSITION(3, "invalid_transition"),
  /** Malformed input: bad JSON, invalid text, unknown field or method, null, out-of-range value. */
  INVALID_ARGUMENT(4, "invalid_argument"),
  /** A concurrent writer, or an idempotency key reused for another request. */
  CONFLICT(5, "conflict"),
  /** The store failed (I/O, full disk, lost connection, read-only store). */
  STORAGE(6, "storage"),
  /** Stored data fails verification (hash chain). */
  CORRUPTION(7, "corruption"),
  /** A valid request this build or store cannot serve. */
  UNSUPPORTED(8, "unsupported"),
  /** The library could not allocate memory; nothing was changed. */
  OUT_OF_MEMORY(64, "out_of_memory"),
  /** Any other failure inside the library or the binding (a bug: please report it). */
  INTERNAL(65, "internal");

  private final int value;
  private final String wireName;

  ErrorCode(int value, String wireName) {
    this.value = value;
    this.wireName = wireName;
  }

  /** The numeric status of the C ABI. */
  public int value() {
    return value;
  }

  /** The snake_case name used in JSON ("not_found", ...). */
  public String wireName() {
    return wireName;
  }

  /** The code of a status, or null when no code has that value. */
  public static ErrorCode of(int value) {
    for (ErrorCode c : values())
      if (c.value == value) return c;
    return null;
  }
}

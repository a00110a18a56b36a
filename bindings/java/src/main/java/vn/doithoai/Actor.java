package vn.doithoai;

/**
 * Who executes a command: a registered person (by id) or the system ({@link #SYSTEM}, which
 * may set up the directory). Ids run from 1 to 4294967294.
 */
public final class Actor {
  /** The largest person id (4294967295 is the system actor). */
  public static final long MAX_ID = 4294967294L;
  /** The system actor, written "system" in requests. */
  public static final Actor SYSTEM = new Actor(0);

  private final long id;

  private Actor(long id) {
    this.id = id;
  }

  /** A person as actor; an id outside 1..4294967294 is an InvalidArgumentException. */
  public static Actor person(long id) {
    if (id < 1 || id > MAX_ID) throw new InvalidArgumentException("actor: a person id is 1.." + MAX_ID + ", not " + id);
    return new Actor(id);
  }

  public boolean isSystem() {
    return id == 0;
  }

  /** The person's id (0 for the system actor). */
  public long personId() {
    return id;
  }

  /** The JSON form: the id, or "system". */
  String json() {
    return id == 0 ? "\"system\"" : Long.toString(id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Actor a && a.id == id;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  @Override
  public String toString() {
    return id == 0 ? "Actor[system]" : "Actor[" + id + "]";
  }
}

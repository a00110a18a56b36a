package vn.doithoai;

/** Started by LibraryLoadTest in a fresh JVM: opens an engine and prints what happened. */
public final class LoadProbe {
  private LoadProbe() {}

  public static void main(String[] args) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try (Engine e = Engine.open()) {
        System.out.println("opened " + Engine.libraryVersion());
      } catch (DoithoaiException x) {
        System.out.println(x.getClass().getSimpleName() + " " + x.code() + " " + x.getMessage());
      }
    }
  }
}

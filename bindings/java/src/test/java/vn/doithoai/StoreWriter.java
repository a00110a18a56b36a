package vn.doithoai;

import java.util.ArrayList;
import java.util.List;

/**
 * The second process of StoreTest: opens a SQLite file another JVM has open and imports
 * opinions into it.  StoreWriter PATH UNIT OFFICE RESIDENT N
 */
public final class StoreWriter {
  private StoreWriter() {}

  public static void main(String[] args) {
    String path = args[0];
    long unit = Long.parseLong(args[1]);
    long office = Long.parseLong(args[2]);
    long resident = Long.parseLong(args[3]);
    int n = Integer.parseInt(args[4]);
    try (Engine e = Engine.open(Options.store(path).clock(TestSupport.local(2022, 9, 30)))) {
      List<Command> rows = new ArrayList<>();
      for (int k = 0; k < n; ++k)
        rows.add(Command.submitOpinion(unit, 0, Channel.LETTER, resident, List.of(new ItemSpec("land", "tiến trình 2, số " + k))));
      ImportReport r = e.importOpinions(Actor.person(office), rows);
      System.out.println("submitted " + r.submitted());
    }
  }
}

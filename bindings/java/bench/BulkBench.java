// The Java binding's bulk-submission benchmark (issue 12; target: the bulk path at least 0.3×
// the C++ rate). In one run, interleaved, REPS times: the C++ program bench/bulk_submit_bench
// (N single-item opinions through Engine::execute in a loop, best of its three runs), then the
// same N opinions from Java through Engine.importOpinions (one dt_call "import_opinions"),
// then through a plain loop of Engine.execute(actor, command) (one dt_execute each), each Java
// figure also the best of three runs. Every
// Java run uses a fresh in-memory engine with the benchmark's directory; rows are built
// before timing, as the C++ program builds its commands. Prints each repetition and the
// medians with the ratios.
//
//   java -cp doithoai.jar:jna.jar:bench -Ddoithoai.library.path=build BulkBench N REPS path/to/bulk_submit_bench
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import vn.doithoai.*;

public final class BulkBench {
  record World(Engine engine, long ward, long office, long resident) {}

  static World world() {
    Engine e = Engine.open(Options.memory().profile("hanoi-2200").clock(OffsetDateTime.parse("2022-08-10T09:00:00+07:00")));
    long city = e.execute(Actor.SYSTEM, Command.createUnit("Thành phố Hà Nội", "tinh")).id();
    long district = e.execute(Actor.SYSTEM, Command.createUnit("Quận Long Biên", "huyen").with("parent", city)).id();
    long ward = e.execute(Actor.SYSTEM, Command.createUnit("Phường Bồ Đề", "xa").with("parent", district)).id();
    long office = e.execute(Actor.SYSTEM, Command.registerPerson("Văn phòng")).id();
    e.execute(Actor.SYSTEM, Command.grantRole(office, Role.OFFICE, ward));
    long resident = e.execute(Actor.SYSTEM, Command.registerPerson("Ông A")).id();
    return new World(e, ward, office, resident);
  }

  static List<Command> rows(World w, int n) {
    List<Command> rows = new ArrayList<>(n);
    for (int k = 0; k < n; ++k)
      rows.add(Command.submitOpinion(w.ward(), 0, Channel.MAILBOX, w.resident(), List.of(new ItemSpec("land", "Nội dung số " + k))));
    return rows;
  }

  /** The best of three runs, as bulk_submit_bench takes the best of its three. */
  static double best3(java.util.function.IntToDoubleFunction f, int n) {
    double best = 0;
    for (int k = 0; k < 3; ++k) best = Math.max(best, f.applyAsDouble(n));
    return best;
  }

  /** Opinions per second through importOpinions. */
  static double bulk(int n) {
    World w = world();
    try (Engine e = w.engine()) {
      List<Command> rows = rows(w, n);
      long t0 = System.nanoTime();
      ImportReport r = e.importOpinions(Actor.person(w.office()), rows);
      double s = (System.nanoTime() - t0) / 1e9;
      if (r.items() != n) throw new IllegalStateException("imported " + r.items() + " of " + n);
      return n / s;
    }
  }

  /**
   * Opinions per second through Engine.call("import_opinions", json) with the JSON text built
   * before timing: the C ABI's own JSON path (parse, decode, execute, answer), the ceiling for
   * any binding that reaches the library through dt_call.
   */
  static double rawCall(int n) {
    World w = world();
    try (Engine e = w.engine()) {
      StringBuilder b = new StringBuilder(64 + 128 * n).append("{\"actor\":").append(w.office()).append(",\"rows\":[");
      for (int k = 0; k < n; ++k)
        b.append(k == 0 ? "" : ",").append("{\"unit\":").append(w.ward()).append(",\"channel\":\"mailbox\",\"raised_by\":")
            .append(w.resident()).append(",\"items\":[{\"topic\":\"land\",\"text\":\"Nội dung số ").append(k).append("\"}]}");
      String json = b.append("]}").toString();
      long t0 = System.nanoTime();
      e.call("import_opinions", json);
      double s = (System.nanoTime() - t0) / 1e9;
      if (e.lastSeq() != 6 + n) throw new IllegalStateException("last seq " + e.lastSeq());
      return n / s;
    }
  }

  /** Opinions per second through a loop of execute(actor, command). */
  static double loop(int n) {
    World w = world();
    try (Engine e = w.engine()) {
      List<Command> rows = rows(w, n);
      Actor office = Actor.person(w.office());
      long t0 = System.nanoTime();
      for (Command c : rows) e.execute(office, c);
      double s = (System.nanoTime() - t0) / 1e9;
      if (e.lastSeq() != 6 + n) throw new IllegalStateException("last seq " + e.lastSeq());
      return n / s;
    }
  }

  static double cpp(String exe, int n) throws Exception {
    Process p = new ProcessBuilder(exe, Integer.toString(n)).redirectErrorStream(true).start();
    double rate = -1;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; )
        if (line.startsWith("cpp_submit_per_sec ")) rate = Double.parseDouble(line.substring(19).trim());
    }
    if (p.waitFor() != 0 || rate <= 0) throw new IllegalStateException(exe + " failed");
    return rate;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String exe = args.length > 2 ? args[2] : "build/bench/bulk_submit_bench";
    System.out.printf("doithoai %s, Java %s, N=%d, %d interleaved repetitions%n", Engine.libraryVersion(),
        System.getProperty("java.version"), n, reps);
    // Warm-up (JIT): neither timed nor counted.
    bulk(Math.min(n, 20_000));
    loop(Math.min(n, 20_000));
    rawCall(Math.min(n, 20_000));
    double[] c = new double[reps], b = new double[reps], l = new double[reps], x = new double[reps];
    for (int r = 0; r < reps; ++r) {
      c[r] = cpp(exe, n);
      b[r] = best3(BulkBench::bulk, n);
      l[r] = best3(BulkBench::loop, n);
      x[r] = best3(BulkBench::rawCall, n);
      System.out.printf("rep %d: C++ %.0f/s; Java importOpinions %.0f/s (%.2fx), execute loop %.0f/s (%.2fx), "
          + "raw import_opinions with prebuilt JSON %.0f/s (%.2fx)%n", r + 1, c[r], b[r], b[r] / c[r], l[r], l[r] / c[r], x[r],
          x[r] / c[r]);
    }
    double mc = median(c), mb = median(b), ml = median(l), mx = median(x);
    System.out.printf("median: C++ %.0f opinions/s; Java importOpinions %.0f/s = %.2fx; Java execute loop %.0f/s = %.2fx; "
        + "raw import_opinions, JSON prebuilt (the C ABI's JSON path) %.0f/s = %.2fx%n", mc, mb, mb / mc, ml, ml / mc, mx, mx / mc);
    System.out.printf("java_bulk_ratio %.3f%njava_loop_ratio %.3f%nc_abi_json_ratio %.3f%n", mb / mc, ml / mc, mx / mc);
  }
}

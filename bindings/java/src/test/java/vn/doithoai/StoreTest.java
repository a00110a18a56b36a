package vn.doithoai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a SQLite file: reopened (persistence), a second Engine on the same file at
 * the same time, and a second process (another JVM) writing to it while this one has it open.
 */
class StoreTest {
  @TempDir Path dir;

  @Test
  void reopenedFileHoldsEverything() {
    String path = dir.resolve("p.db").toString();
    long seq;
    List<Long> items = new ArrayList<>();
    TestSupport.Ward w;
    String head;
    try (Engine e = Engine.open(TestSupport.manual(Options.store(path)))) {
      w = TestSupport.ward(e);
      for (int k = 0; k < 20; ++k) items.add(e.execute(Actor.person(w.office()), w.opinion("số " + k)).items().get(0));
      e.execute(Actor.person(w.office()), Command.assign(items.get(3), w.agency()), "assign-3");
      seq = e.lastSeq();
      head = e.verify().head();
    }
    try (Engine e = Engine.open(Options.store(path))) {
      assertEquals(seq, e.lastSeq());
      assertEquals(ItemStatus.ASSIGNED, e.itemStatus(items.get(3)));
      assertEquals(ItemStatus.OPEN, e.itemStatus(items.get(4)));
      assertEquals(20, e.accounting(w.unit(), LocalDate.of(2022, 10, 1)).items());
      assertEquals(LocalDate.of(2022, 10, 30), e.item(items.get(3)).deadline());
      VerifyReport v = e.verify();
      assertTrue(v.ok());
      assertEquals(head, v.head());
      List<Event> log = e.events(1, 1000);
      assertEquals(seq, log.size());
      assertEquals("unit_created", log.get(0).type());
      // the idempotency key survived the reopen
      assertTrue(e.execute(Actor.person(w.office()), Command.assign(items.get(3), w.agency()), "assign-3").replayed());
      e.execute(Actor.person(w.office()), Command.assign(items.get(4), w.agency()));
    }
    try (Engine e = Engine.open(Options.store(path))) {
      assertEquals(seq + 1, e.lastSeq());
      assertEquals(ItemStatus.ASSIGNED, e.itemStatus(items.get(4)));
    }
  }

  @Test
  void twoEnginesOnOneFile() {
    String path = dir.resolve("two.db").toString();
    try (Engine a = Engine.open(TestSupport.manual(Options.store(path)));
         Engine b = Engine.open(TestSupport.manual(Options.store(path)))) {
      TestSupport.Ward w = TestSupport.ward(a);
      assertEquals(a.lastSeq(), b.catchUp());
      assertEquals(w.unit(), b.findUnit("BD").orElseThrow());
      long item = b.execute(Actor.person(w.office()), w.opinion("từ B")).items().get(0);
      assertEquals(b.lastSeq(), a.catchUp());
      assertEquals("từ B", a.item(item).text());
      // b writes again; a writes without catching up first: the engine notices and retries
      b.execute(Actor.person(w.office()), w.opinion("từ B lần 2"));
      a.execute(Actor.person(w.office()), Command.assign(item, w.agency()));
      assertEquals(a.lastSeq(), b.catchUp());
      assertEquals(ItemStatus.ASSIGNED, b.itemStatus(item));
      assertEquals(2, a.accounting(w.unit(), LocalDate.of(2022, 10, 1)).items());
      assertTrue(a.verify().ok());
    }
  }

  @Test
  void secondProcessWritesWhileThisOneHasTheFileOpen() throws Exception {
    String path = dir.resolve("proc.db").toString();
    try (Engine e = Engine.open(TestSupport.manual(Options.store(path)))) {
      TestSupport.Ward w = TestSupport.ward(e);
      AtomicLong seen = new AtomicLong();
      Subscription sub = e.subscribe(ev -> {
        if (ev.type().equals("opinion_submitted")) seen.incrementAndGet();
      });
      long before = e.lastSeq();
      String java = ProcessHandle.current().info().command().orElse("java");
      String cp = System.getProperty("doithoai.test.classpath");
      assertTrue(cp != null && !cp.isEmpty(), "run-tests.sh sets doithoai.test.classpath");
      Process p = new ProcessBuilder(java, "-Ddoithoai.library.path=" + System.getProperty("doithoai.library.path"),
          "-cp", cp, StoreWriter.class.getName(), path, Long.toString(w.unit()), Long.toString(w.office()),
          Long.toString(w.resident()), "25")
          .redirectErrorStream(true).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the second process did not finish");
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), output);
      assertEquals("submitted 25", output.strip().lines().reduce((x, y) -> y).orElse(""));
      assertEquals(before + 25, e.catchUp());
      assertEquals(25, e.accounting(w.unit(), LocalDate.of(2022, 10, 1)).items());
      // and this process writes on after it
      e.execute(Actor.person(w.office()), w.opinion("sau tiến trình kia"));
      assertEquals(before + 26, e.lastSeq());
      assertTrue(e.verify().ok());
      assertTrue(e.flushSubscribers());
      // listeners get what this engine commits; catchUp() reads the other writer's events
      // into the state without delivering them (the library's subscription semantics)
      assertEquals(1, seen.get());
      sub.close();
    }
    assertTrue(new File(path).length() > 0);
  }
}

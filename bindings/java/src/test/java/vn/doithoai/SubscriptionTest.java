package vn.doithoai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions (delivery in order, unsubscribe, listener exceptions kept out of C, listeners
 * calling the engine, the callback surviving garbage collection), several Java threads
 * executing and querying with a listener active, and the semantics of close.
 */
class SubscriptionTest {
  @Test
  void deliveredInOrderOnceAndUnsubscribeStops() {
    try (Engine e = TestSupport.memory()) {
      List<Event> seen = Collections.synchronizedList(new ArrayList<>());
      Subscription sub = e.subscribe(seen::add);
      TestSupport.Ward w = TestSupport.ward(e);
      Result r = e.execute(Actor.person(w.office()), w.opinion("Đất tổ 3"));
      assertTrue(e.flushSubscribers());
      assertEquals(e.lastSeq(), seen.size());
      for (int k = 0; k < seen.size(); ++k) assertEquals(k + 1, seen.get(k).seq());
      Event last = seen.get(seen.size() - 1);
      assertEquals("opinion_submitted", last.type());
      assertEquals(Actor.person(w.office()), last.actor());
      assertEquals(1, last.version());
      assertEquals(r.id(), last.data().get("opinion"));
      assertEquals(Actor.SYSTEM, seen.get(0).actor());
      assertEquals("unit_created", seen.get(0).type());
      assertTrue(last.json().contains("\"type\":\"opinion_submitted\""));
      assertEquals(seen.size(), sub.delivered());

      sub.close();
      assertFalse(sub.isActive());
      sub.close();  // idempotent
      int before = seen.size();
      e.execute(Actor.person(w.office()), w.opinion("sau khi hủy"));
      assertTrue(e.flushSubscribers());
      assertEquals(before, seen.size());
    }
  }

  @Test
  void twoListenersEachSeeEverything() {
    try (Engine e = TestSupport.memory()) {
      AtomicLong a = new AtomicLong();
      AtomicLong b = new AtomicLong();
      try (Subscription sa = e.subscribe(ev -> a.incrementAndGet()); Subscription sb = e.subscribe(ev -> b.incrementAndGet())) {
        TestSupport.ward(e);
        assertTrue(e.flushSubscribers());
        assertEquals(e.lastSeq(), a.get());
        assertEquals(e.lastSeq(), b.get());
      }
    }
  }

  @Test
  void listenerExceptionsAreCaughtAndCounted() {
    try (Engine e = TestSupport.memory()) {
      AtomicInteger calls = new AtomicInteger();
      Subscription bad = e.subscribe(ev -> {
        calls.incrementAndGet();
        if (ev.seq() % 2 == 0) throw new IllegalStateException("listener bug " + ev.seq());
        if (ev.seq() == 3) throw new StackOverflowError("an Error too");
      });
      TestSupport.ward(e);
      assertTrue(e.flushSubscribers());
      long n = e.lastSeq();
      assertEquals(n, calls.get());  // delivery went on after each exception
      assertEquals(n / 2 + 1, bad.listenerErrors());
      assertInstanceOf(Throwable.class, bad.lastListenerError());
      // the library counts no callback error: none crossed into C
      assertEquals(0L, ((java.util.Map<?, ?>) e.query("subscriber_stats", null)).get("callback_errors"));
      bad.close();
    }
  }

  @Test
  void listenerMayQueryAndExecuteButNotClose() throws Exception {
    try (Engine e = TestSupport.memory()) {
      TestSupport.Ward w = TestSupport.ward(e);
      ConcurrentLinkedQueue<ItemStatus> statuses = new ConcurrentLinkedQueue<>();
      AtomicReference<Throwable> closeError = new AtomicReference<>();
      AtomicLong followUps = new AtomicLong();
      Subscription sub = e.subscribe(ev -> {
        if (ev.type().equals("opinion_submitted")) {
          long item = (Long) ev.data().get("first_item");
          statuses.add(e.itemStatus(item));
          // a command from inside the listener: its events come later, on this thread again
          e.execute(Actor.person(w.office()), Command.assign(item, w.agency()));
          followUps.incrementAndGet();
        }
        if (ev.type().equals("item_assigned")) {
          try {
            e.close();
          } catch (InvalidTransitionException x) {
            closeError.set(x);
          }
        }
      });
      e.execute(Actor.person(w.office()), w.opinion("một"));
      assertTrue(e.flushSubscribers());
      assertTrue(e.flushSubscribers());  // the assignment made by the listener
      assertEquals(List.of(ItemStatus.OPEN), new ArrayList<>(statuses));
      assertEquals(1, followUps.get());
      assertInstanceOf(InvalidTransitionException.class, closeError.get());
      assertFalse(e.isClosed());
      assertEquals(0, sub.listenerErrors());
      assertEquals(ItemStatus.ASSIGNED, e.itemStatus(e.items(w.unit()).get(0)));
    }
  }

  @Test
  void listenerMayUnsubscribeItself() {
    try (Engine e = TestSupport.memory()) {
      AtomicLong n = new AtomicLong();
      AtomicReference<Subscription> self = new AtomicReference<>();
      CountDownLatch ready = new CountDownLatch(1);
      self.set(e.subscribe(ev -> {
        try {
          ready.await();
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
        if (n.incrementAndGet() == 3) self.get().close();  // from inside: does not wait for itself
      }));
      ready.countDown();
      TestSupport.ward(e);
      assertTrue(e.flushSubscribers());
      assertEquals(3, n.get());
      assertFalse(self.get().isActive());
      assertEquals(0, self.get().listenerErrors());
    }
  }

  @Test
  void callbackSurvivesGarbageCollection() {
    try (Engine e = TestSupport.memory()) {
      AtomicLong n = new AtomicLong();
      e.subscribe(ev -> n.incrementAndGet());  // the Subscription itself is dropped at once
      TestSupport.Ward w = TestSupport.ward(e);
      for (int k = 0; k < 5; ++k) {
        System.gc();
        e.execute(Actor.person(w.office()), w.opinion("gc " + k));
      }
      assertTrue(e.flushSubscribers());
      assertEquals(e.lastSeq(), n.get());
    }
  }

  @Test
  void threadsExecuteAndQueryWithAListener() throws Exception {
    final int threads = 6;
    final int perThread = 150;
    try (Engine e = TestSupport.memory()) {
      TestSupport.Ward w = TestSupport.ward(e);
      long start = e.lastSeq();
      AtomicLong lastSeen = new AtomicLong(start);
      AtomicInteger disorder = new AtomicInteger();
      AtomicInteger submitted = new AtomicInteger();
      Subscription sub = e.subscribe(ev -> {
        if (ev.seq() != lastSeen.get() + 1) disorder.incrementAndGet();
        lastSeen.set(ev.seq());
        if (ev.type().equals("opinion_submitted")) submitted.incrementAndGet();
      });
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      CyclicBarrier go = new CyclicBarrier(threads);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; ++t) {
        final int id = t;
        Thread th = new Thread(() -> {
          try {
            go.await();
            Actor office = Actor.person(w.office());
            for (int k = 0; k < perThread; ++k) {
              Result r = e.execute(office, w.opinion("luồng " + id + " số " + k));
              long item = r.items().get(0);
              if (k % 3 == 0) e.execute(office, Command.assign(item, w.agency()));
              ItemStatus s = e.itemStatus(item);
              if (s != ItemStatus.OPEN && s != ItemStatus.ASSIGNED) throw new AssertionError(s);
              if (k % 25 == 0) e.accounting(w.unit(), LocalDate.of(2022, 9, 30));
            }
          } catch (Throwable x) {
            failures.add(x);
          }
        });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) th.join(60_000);
      assertTrue(failures.isEmpty(), failures.toString());
      assertTrue(e.flushSubscribers());
      int total = threads * perThread;
      assertEquals(total, submitted.get());
      assertEquals(e.lastSeq(), lastSeen.get());
      assertEquals(0, disorder.get());
      assertEquals(0, sub.listenerErrors());
      assertEquals(total, e.accounting(w.unit(), LocalDate.of(2022, 9, 30)).items());
      assertEquals(start + total + (total + 2) / 3, e.lastSeq());
    }
  }

  @Test
  void closeIsIdempotentAndLaterCallsThrow() {
    Engine e = TestSupport.memory();
    TestSupport.Ward w = TestSupport.ward(e);
    AtomicLong n = new AtomicLong();
    Subscription sub = e.subscribe(ev -> n.incrementAndGet());
    for (int k = 0; k < 50; ++k) e.execute(Actor.person(w.office()), w.opinion("x" + k));
    e.close();
    assertEquals(50, n.get());  // close delivered what was committed
    assertFalse(sub.isActive());
    sub.close();
    e.close();
    assertTrue(e.isClosed());
    List<org.junit.jupiter.api.function.Executable> calls = List.of(() -> e.lastSeq(), () -> e.execute("{}"),
        () -> e.call("last_seq", null), () -> e.item(1), () -> e.subscribe(ev -> {}), () -> e.flushSubscribers(),
        () -> e.execute(Actor.SYSTEM, Command.registerPerson("A")), () -> e.importOpinions(Actor.SYSTEM, List.of()));
    for (var c : calls) {
      EngineClosedException x = assertThrows(EngineClosedException.class, c);
      assertEquals(ErrorCode.INVALID_TRANSITION, x.code());
      assertInstanceOf(InvalidTransitionException.class, x);
    }
  }

  @Test
  void closeWhileOtherThreadsCall() throws Exception {
    Engine e = TestSupport.memory();
    TestSupport.Ward w = TestSupport.ward(e);
    AtomicLong delivered = new AtomicLong();
    Subscription sub = e.subscribe(ev -> {
      delivered.incrementAndGet();
      e.lastSeq();  // while close() runs: an EngineClosedException, which the binding catches and counts
    });
    ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    AtomicLong ok = new AtomicLong();
    CountDownLatch started = new CountDownLatch(4);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 4; ++t) {
      Thread th = new Thread(() -> {
        started.countDown();
        while (true) {
          try {
            e.execute(Actor.person(w.office()), w.opinion("y"));
            e.itemStatus(1);
            ok.incrementAndGet();
          } catch (EngineClosedException x) {
            return;
          } catch (Throwable x) {
            unexpected.add(x);
            return;
          }
        }
      });
      ts.add(th);
      th.start();
    }
    assertTrue(started.await(10, TimeUnit.SECONDS));
    while (ok.get() < 20) Thread.onSpinWait();
    e.close();
    for (Thread th : ts) th.join(10_000);
    assertTrue(unexpected.isEmpty(), unexpected.toString());
    for (Thread th : ts) assertFalse(th.isAlive());
    assertTrue(delivered.get() > 0);
    assertNotEquals(0, ok.get());
    assertFalse(sub.isActive());
    assertThrows(EngineClosedException.class, () -> e.lastSeq());
  }
}

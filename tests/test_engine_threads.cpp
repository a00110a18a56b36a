// Subscribers under threads: delivery is asynchronous, exactly once, in sequence order, and
// never blocks commands or queries (issue "Hardened at every door").
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "fixture.h"

using namespace doithoai;
using fx::World;
using namespace std::chrono_literals;

namespace {
// Runs f on another thread; false when it did not finish within the limit (a hang fails the
// test instead of hanging it; the thread is then left behind).
template <class F>
bool finishes_within(std::chrono::milliseconds limit, F f) {
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  std::thread([done, f]() mutable {
    f();
    done->set_value();
  }).detach();
  return fut.wait_for(limit) == std::future_status::ready;
}
}  // namespace

TEST_CASE("writers, readers and a subscriber that queries and executes: every event once, in order", "[threads]") {
  World w;
  std::mutex m;
  std::vector<std::uint64_t> seen;
  std::atomic<int> from_callback{0};
  std::atomic<bool> bad_query{false};
  const std::uint64_t first = w.engine->last_seq() + 1;
  Subscription sub = w.engine->subscribe([&](const Recorded& r) {
    {
      std::lock_guard<std::mutex> g(m);
      seen.push_back(r.seq);
    }
    if (auto* a = std::get_if<ev::ItemAssigned>(&r.event)) {
      // The item may have moved on since; it exists and is at least assigned.
      if (w.engine->item(a->item).status == ItemStatus::open) bad_query = true;
    }
    // Sometimes execute from inside the callback: it must not deadlock, just queue more.
    if (r.seq % 97 == 0 && from_callback < 10) {
      ++from_callback;
      w.letter(w.resident2, "land", "Gửi từ thuê bao");
    }
  });
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        (void)w.engine->items({w.ward, ItemStatus::assigned});
        (void)w.engine->last_seq();
        ++reads;
      }
    });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int k = 0; k < 100; ++k) {
        const ItemId i = w.letter(t % 2 ? w.resident : w.resident2);
        w.run(w.office, cmd::Assign{i, k % 2 ? w.land : w.urban, std::nullopt});
      }
    });
  for (auto& th : writers) th.join();
  stop = true;
  for (auto& th : readers) th.join();
  // Callbacks may have queued more after a flush started: flush until the last is seen.
  auto all_seen = [&] {
    std::lock_guard<std::mutex> g(m);
    return !seen.empty() && seen.back() == w.engine->last_seq();
  };
  for (int k = 0; k < 100 && !all_seen(); ++k) w.engine->flush_subscribers();
  CHECK(reads > 0);
  CHECK_FALSE(bad_query);
  CHECK(from_callback > 0);
  std::lock_guard<std::mutex> g(m);
  REQUIRE(seen.size() == w.engine->last_seq() - first + 1);
  for (std::size_t k = 0; k < seen.size(); ++k) REQUIRE(seen[k] == first + k);
  CHECK(w.engine->callback_errors() == 0);
}

TEST_CASE("a slow subscriber does not slow commands; flush waits for it", "[threads]") {
  World w;
  std::atomic<bool> release{false};
  std::atomic<int> calls{0};
  Subscription sub = w.engine->subscribe([&](const Recorded&) {
    while (!release) std::this_thread::sleep_for(1ms);  // blocked until the test lets it go
    ++calls;
  });
  const std::uint64_t before = w.engine->last_seq();
  const auto start = std::chrono::steady_clock::now();
  // 300 commands while the subscriber is blocked on the first event.
  const bool done = finishes_within(20s, [&] {
    for (int k = 0; k < 150; ++k) w.run(w.office, cmd::Assign{w.letter(w.resident), w.urban, std::nullopt});
  });
  REQUIRE(done);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < 10s);
  CHECK(calls == 0);
  CHECK(w.engine->last_seq() == before + 300);
  CHECK(w.engine->undelivered() >= 299);
  // Queries are not blocked either.
  CHECK(finishes_within(5s, [&] { (void)w.engine->item(ItemId(1)); }));
  CHECK_FALSE(w.engine->flush_subscribers(50ms));
  release = true;
  w.engine->flush_subscribers();
  CHECK(calls == 300);
  CHECK(w.engine->undelivered() == 0);
}

TEST_CASE("unsubscribing from another thread: the callback is not running after reset, never called again", "[threads]") {
  World w;
  std::atomic<bool> inside{false};
  std::atomic<int> calls{0};
  std::atomic<bool> overlap{false};
  Subscription sub = w.engine->subscribe([&](const Recorded&) {
    inside = true;
    ++calls;
    std::this_thread::sleep_for(2ms);
    inside = false;
  });
  std::thread writer([&] {
    for (int k = 0; k < 100; ++k) w.letter(w.resident);
  });
  while (calls < 5) std::this_thread::sleep_for(1ms);
  sub.reset();  // another thread than the delivery thread, while it is delivering
  if (inside) overlap = true;
  const int after_reset = calls;
  writer.join();
  w.letter(w.resident);
  w.engine->flush_subscribers();
  CHECK_FALSE(overlap);
  CHECK(calls == after_reset);
  // Subscribing again starts delivery again, from the next commit only.
  std::vector<std::uint64_t> seen;
  Subscription again = w.engine->subscribe([&](const Recorded& r) { seen.push_back(r.seq); });
  w.letter(w.resident);
  w.engine->flush_subscribers();
  CHECK(seen == std::vector<std::uint64_t>{w.engine->last_seq()});
}

TEST_CASE("a callback may unsubscribe itself, subscribe others, and cannot flush itself", "[threads]") {
  World w;
  int calls = 0;
  bool flushed = true;
  std::vector<std::uint64_t> later;
  Subscription other;
  Subscription self;
  self = w.engine->subscribe([&](const Recorded&) {
    ++calls;
    flushed = w.engine->flush_subscribers(1s);  // would wait for itself: false at once
    other = w.engine->subscribe([&](const Recorded& r) { later.push_back(r.seq); });
    self.reset();  // does not wait for itself
  });
  w.letter(w.resident);
  w.engine->flush_subscribers();
  w.letter(w.resident);
  w.engine->flush_subscribers();
  CHECK(calls == 1);
  CHECK_FALSE(flushed);
  CHECK(later == std::vector<std::uint64_t>{w.engine->last_seq()});
}

TEST_CASE("destroying the engine with live subscriptions delivers what was committed, then stops", "[threads]") {
  std::atomic<int> calls{0};
  Subscription kept;
  std::uint64_t last = 0;
  {
    World w;
    Engine* e = w.engine.get();
    kept = e->subscribe([&, e](const Recorded& r) {
      std::this_thread::sleep_for(1ms);
      (void)e->item(ItemId(1));  // the engine is still whole while it drains
      calls = static_cast<int>(r.seq);
    });
    Subscription dropped_with_it = w.engine->subscribe([](const Recorded&) {});
    for (int k = 0; k < 30; ++k) w.letter(w.resident);
    last = w.engine->last_seq();
    REQUIRE(finishes_within(20s, [&] { delete w.engine.release(); }));
  }
  CHECK(static_cast<std::uint64_t>(calls.load()) == last);
  kept.reset();  // after the engine: harmless
}

TEST_CASE("subscribers do not slow commands much (1,200 commands with and without one)", "[threads]") {
  auto time_it = [](bool subscribe) {
    World w;
    std::atomic<int> n{0};
    Subscription s;
    if (subscribe) s = w.engine->subscribe([&](const Recorded&) { ++n; });
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < 600; ++k) w.run(w.office, cmd::Assign{w.letter(w.resident), w.urban, std::nullopt});
    const auto took = std::chrono::steady_clock::now() - start;
    w.engine->flush_subscribers();
    if (subscribe) CHECK(n == 1200);
    return std::chrono::duration<double>(took).count();
  };
  const double without = time_it(false), with = time_it(true);
  INFO("without " << without << " s, with " << with << " s");
  CHECK(with < 5 * without + 0.05);
}

TEST_CASE("subscribing and unsubscribing while commands run never leaves flush waiting", "[threads]") {
  World w;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop) w.letter(w.resident);
  });
  int caught_up = 0;
  for (int k = 0; k < 50; ++k) {
    Subscription s = w.engine->subscribe([](const Recorded&) {});
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (k % 5)));
    s.reset();  // the last one: the thread stops while commands may still see a listener
    if (w.engine->flush_subscribers(5s)) ++caught_up;
  }
  stop = true;
  writer.join();
  CHECK(caught_up == 50);
  CHECK(w.engine->undelivered() == 0);
}

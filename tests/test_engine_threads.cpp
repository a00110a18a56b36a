// Subscribers under threads: delivery is asynchronous, exactly once, in sequence order, and
// never blocks commands or queries (issue "Hardened at every door").
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
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

// ---- subscription guarantees (issue 16; engine.h "Subscribers") ----
namespace {
// What a subscriber's owner holds: the callback touches `seen` (no lock) and flags any call
// made after its subscription was reset or destroyed. An engine writing all the time.
struct Owner {
  std::vector<std::uint64_t> seen;
  std::atomic<int> calls{0};
  Subscription sub;  // destroyed first (declared last): ~Subscription must wait for a call
};
struct Busy {
  World w;
  std::atomic<bool> stop{false};
  std::thread writer{[this] {
    while (!stop) w.letter(w.resident);
  }};
  ~Busy() {
    stop = true;
    writer.join();
  }
};
}  // namespace

TEST_CASE("reset() from another thread while callbacks run: once it returns the callback never runs again, and its owner may be destroyed", "[threads]") {
  Busy b;
  auto late = std::make_shared<std::atomic<int>>(0);
  for (int round = 0; round < 20; ++round) {
    auto owner = std::make_unique<Owner>();
    Owner* o = owner.get();
    auto gone = std::make_shared<std::atomic<bool>>(false);
    o->sub = b.w.engine->subscribe([o, gone, late](const Recorded& r) {
      if (*gone) {  // called after reset() returned: o may be freed
        ++*late;
        return;
      }
      o->seen.push_back(r.seq);
      ++o->calls;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    });
    while (o->calls < 3) std::this_thread::yield();
    o->sub.reset();  // the callback is running or about to, on the delivery thread
    *gone = true;
    // Read without a lock: reset() returned after the last call (TSan checks the ordering).
    const std::size_t n = o->seen.size();
    REQUIRE(n >= 3);
    owner.reset();  // a later call would touch freed memory (ASan, TSan)
    // Everything committed so far is delivered (to nobody now); a call would have happened.
    b.w.letter(b.w.resident);
    b.w.engine->flush_subscribers();
  }
  REQUIRE(*late == 0);
}

TEST_CASE("destroying a Subscription from another thread while callbacks run is reset(): its owner may go", "[threads]") {
  Busy b;
  auto late = std::make_shared<std::atomic<int>>(0);
  for (int round = 0; round < 20; ++round) {
    auto owner = std::make_unique<Owner>();
    Owner* o = owner.get();
    auto gone = std::make_shared<std::atomic<bool>>(false);
    o->sub = b.w.engine->subscribe([o, gone, late](const Recorded& r) {
      if (*gone) {
        ++*late;
        return;
      }
      o->seen.push_back(r.seq);
      ++o->calls;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    });
    while (o->calls < 3) std::this_thread::yield();
    // ~Owner destroys sub first (it waits for a call in progress), then seen, which the
    // callback writes: a call still running or made later is a use after free.
    std::thread([&owner] { owner.reset(); }).join();
    *gone = true;
    b.w.letter(b.w.resident);
    b.w.engine->flush_subscribers();
  }
  REQUIRE(*late == 0);
}

TEST_CASE("a callback that executes a command: every subscriber gets event n before any subscriber gets n+1", "[threads]") {
  World w;
  std::mutex m;
  std::vector<std::pair<int, std::uint64_t>> calls;  // (subscriber, seq), in the order made
  auto note = [&](int who, std::uint64_t seq) {
    std::lock_guard<std::mutex> g(m);
    calls.emplace_back(who, seq);
  };
  std::atomic<int> executed{0};
  const std::uint64_t first = w.engine->last_seq() + 1;
  // A commits a letter from inside its callback (its event n+1 is committed while B and C
  // have not yet been given n).
  Subscription a = w.engine->subscribe([&](const Recorded& r) {
    note(0, r.seq);
    if (executed < 60) {
      ++executed;
      w.letter(w.resident2, "land", "Gửi từ thuê bao A");
    }
  });
  Subscription b = w.engine->subscribe([&](const Recorded& r) { note(1, r.seq); });
  Subscription c = w.engine->subscribe([&](const Recorded& r) {
    note(2, r.seq);
    if (r.seq % 3 == 0) (void)w.engine->item(ItemId(1));  // and C queries
  });
  std::thread writer([&] {
    for (int k = 0; k < 40; ++k) w.letter(w.resident);
  });
  writer.join();
  auto all_seen = [&] {
    std::lock_guard<std::mutex> g(m);
    return executed == 60 && !calls.empty() && calls.back().second == w.engine->last_seq() && calls.back().first == 2;
  };
  for (int k = 0; k < 1000 && !all_seen(); ++k) w.engine->flush_subscribers();
  REQUIRE(all_seen());
  const std::uint64_t last = w.engine->last_seq();
  REQUIRE(last == first + 40 + 60 - 1);
  std::lock_guard<std::mutex> g(m);
  // The calls are event by event, each event to A, B, C in the order they subscribed: so each
  // subscriber sees every event once, in sequence order, and none sees n+1 before all saw n.
  REQUIRE(calls.size() == 3 * (last - first + 1));
  for (std::size_t i = 0; i < calls.size(); ++i) {
    INFO("call " << i << ": subscriber " << calls[i].first << ", event " << calls[i].second);
    REQUIRE(calls[i].first == static_cast<int>(i % 3));
    REQUIRE(calls[i].second == first + i / 3);
  }
}

// ---- group commit (issue 13): commands waiting while one commits share its successor's
// transaction ----
#include "store_support.h"

namespace {
using sx::Directory;

// A store in front of another that can hold appends at a gate (so that commands queue up
// behind a committing one), fail group appends, and records the size of every append.
class GateStore final : public EventStore {
 public:
  explicit GateStore(std::unique_ptr<EventStore> inner) : inner_(std::move(inner)) {}
  std::uint64_t last_seq() const override { return inner_->last_seq(); }
  void append(const Batch& b) override { append_group({&b}); }
  void append_group(const std::vector<const Batch*>& g) override {
    {
      std::unique_lock<std::mutex> l(m_);
      ++at_gate_;
      cv_.notify_all();
      cv_.wait(l, [&] { return !hold_; });
      --at_gate_;
      sizes_.push_back(g.size());
      if (fail_groups_ && g.size() > 1) throw Error(ErrorCode::storage, "injected: the disk is gone");
    }
    inner_->append_group(g);
  }
  bool appends_groups() const override { return inner_->appends_groups(); }
  void read(std::uint64_t from, const Visitor& v) const override { inner_->read(from, v); }
  bool idempotency_digest(std::string_view key, std::string& digest) const override {
    return inner_->idempotency_digest(key, digest);
  }
  bool load_snapshot(std::uint64_t& seq, std::string& image) const override { return inner_->load_snapshot(seq, image); }
  void save_snapshot(std::uint64_t seq, const std::string& image) override { inner_->save_snapshot(seq, image); }

  void hold() {
    std::lock_guard<std::mutex> l(m_);
    hold_ = true;
  }
  void release() {
    std::lock_guard<std::mutex> l(m_);
    hold_ = false;
    cv_.notify_all();
  }
  void wait_at_gate() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return at_gate_ > 0; });
  }
  void fail_groups(bool on) {
    std::lock_guard<std::mutex> l(m_);
    fail_groups_ = on;
  }
  std::vector<std::size_t> sizes() {
    std::lock_guard<std::mutex> l(m_);
    return sizes_;
  }

 private:
  std::unique_ptr<EventStore> inner_;
  std::mutex m_;
  std::condition_variable cv_;
  bool hold_ = false, fail_groups_ = false;
  int at_gate_ = 0;
  std::vector<std::size_t> sizes_;
};

cmd::SubmitOpinion group_letter(const Directory& d, const std::string& text) {
  return cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(), Date(), "",
                            {{"land", text}}};
}

// An engine on a GateStore over `inner`, with the directory built.
struct Gated {
  GateStore* gate = nullptr;
  std::unique_ptr<Engine> engine;
  Directory d;
  explicit Gated(std::unique_ptr<EventStore> inner, EngineOptions o = sx::options(sx::clock())) {
    auto g = std::make_unique<GateStore>(std::move(inner));
    gate = g.get();
    engine = std::make_unique<Engine>(builtin_profile("hanoi-2200"), std::move(g), std::move(o));
    d = sx::build_directory(*engine);
  }
  // Holds the gate while one command commits, queues `more` commands behind it (each run
  // by f(k) on its own thread), then opens the gate: they commit as one group.
  template <class F>
  void group_of(int more, F f, std::vector<std::thread>& threads) {
    gate->hold();
    threads.emplace_back([this] { engine->execute(d.office, group_letter(d, "Người dẫn đầu")); });
    gate->wait_at_gate();
    for (int k = 0; k < more; ++k) threads.emplace_back([f, k] { f(k); });
    // The held one committed without queueing (nobody was queued); the others queue.
    while (engine->waiting_commands() < static_cast<std::size_t>(more)) std::this_thread::yield();
    gate->release();
    for (auto& t : threads) t.join();
  }
};
}  // namespace

TEST_CASE("group commit: commands queued behind a commit are appended in one transaction, each decided after the one before", "[threads]") {
  sx::TempDir dir;
  Gated g(std::make_unique<SqliteStore>(dir.file("g.db")));
  // Each command of the group is decided against the events of those before it: the eight
  // letters get consecutive sequence numbers and distinct item ids.
  const ItemId base = g.engine->execute(g.d.office, group_letter(g.d, "Trước nhóm")).items.at(0);
  const std::uint64_t before = g.engine->last_seq();
  std::mutex m;
  std::vector<Result> results(8);
  std::vector<std::thread> threads;
  g.group_of(8, [&](int k) {
    Result r = g.engine->execute(g.d.office, group_letter(g.d, "Nhóm " + std::to_string(k)));
    std::lock_guard<std::mutex> l(m);
    results[static_cast<std::size_t>(k)] = r;
  }, threads);
  const auto sizes = g.gate->sizes();
  REQUIRE(sizes.back() == 8);  // one append for the eight waiting commands
  REQUIRE(g.engine->last_seq() == before + 9);
  std::vector<std::uint64_t> seqs;
  for (const Result& r : results) {
    REQUIRE(r.first_seq > before + 1);
    REQUIRE(r.first_seq == r.last_seq);
    seqs.push_back(r.first_seq);
  }
  std::sort(seqs.begin(), seqs.end());
  for (std::size_t k = 0; k < seqs.size(); ++k) REQUIRE(seqs[k] == before + 2 + k);
  // Items got distinct ids in log order, and the state equals a replay of the log.
  REQUIRE(g.engine->read([](const State& s) { return s.item_count(); }) == base.value + 9);
  REQUIRE(sx::image_of(*g.engine) == sx::replay_image(g.engine->store()));
  // And the log says so after reopening.
  g.engine.reset();
  auto reopened = open_engine(builtin_profile("hanoi-2200"), dir.file("g.db"), sx::options(sx::clock()));
  REQUIRE(reopened->last_seq() == before + 9);
  for (const Result& r : results) REQUIRE(reopened->opinion(OpinionId(r.id)).items.size() == 1);
}

TEST_CASE("group commit: a failed group append fails every command of the group and changes nothing; the engine goes on", "[threads]") {
  Gated g(std::make_unique<MemoryStore>());
  std::mutex m;
  std::vector<std::uint64_t> seen;
  Subscription sub = g.engine->subscribe([&](const Recorded& r) {
    std::lock_guard<std::mutex> l(m);
    seen.push_back(r.seq);
  });
  const ItemId open_item = g.engine->execute(g.d.office, group_letter(g.d, "Chờ giao")).items.at(0);
  const std::uint64_t first_seen = g.engine->last_seq();
  // The leader commits alone; the group behind it fails.
  std::string image_after_leader;
  std::atomic<int> storage_errors{0}, other{0};
  g.gate->fail_groups(true);
  std::vector<std::thread> threads;
  g.group_of(6, [&](int k) {
    try {
      if (k == 0) g.engine->execute(g.d.office, cmd::Assign{open_item, g.d.land, std::nullopt});
      else if (k == 1) g.engine->execute(g.d.office, cmd::Assign{open_item, g.d.land, std::nullopt});  // after k == 0: refused in the group
      else g.engine->execute(g.d.office, group_letter(g.d, "Thất bại " + std::to_string(k)), "key-" + std::to_string(k));
      ++other;
    } catch (const Error& e) {
      (e.code() == ErrorCode::storage ? storage_errors : other)++;
    }
  }, threads);
  g.gate->fail_groups(false);
  // The two Assigns ran in either order: whichever came second was decided after events of
  // the group, so it fails with the group's error too (its refusal relied on them).
  REQUIRE(storage_errors == 6);
  REQUIRE(other == 0);
  const std::uint64_t last = g.engine->last_seq();
  REQUIRE(last == first_seen + 1);  // the leader only
  REQUIRE(g.engine->store().last_seq() == last);
  REQUIRE(g.engine->item(open_item).status == ItemStatus::open);
  REQUIRE(sx::image_of(*g.engine) == sx::replay_image(g.engine->store()));
  // Nothing of the group is left: its keys are free, the item can be assigned, and the next
  // group commits.
  const Result again = g.engine->execute(g.d.office, group_letter(g.d, "Thất bại 2"), "key-2");
  REQUIRE_FALSE(again.replayed);
  REQUIRE(again.first_seq == last + 1);
  threads.clear();
  g.group_of(3, [&](int k) {
    if (k == 0) g.engine->execute(g.d.office, cmd::Assign{open_item, g.d.land, std::nullopt});
    else g.engine->execute(g.d.office, group_letter(g.d, "Lần sau " + std::to_string(k)));
  }, threads);
  REQUIRE(g.engine->item(open_item).status == ItemStatus::assigned);
  REQUIRE(g.engine->last_seq() == last + 5);
  REQUIRE(sx::image_of(*g.engine) == sx::replay_image(g.engine->store()));
  // Subscribers saw every committed event once, in order, and nothing of the failed group.
  g.engine->flush_subscribers();
  std::lock_guard<std::mutex> l(m);
  REQUIRE(seen.size() == g.engine->last_seq() - first_seen + 1);
  for (std::size_t k = 0; k < seen.size(); ++k) REQUIRE(seen[k] == first_seen + k);
}

TEST_CASE("group commit: an idempotency key used twice in one group commits once; another request under it conflicts", "[threads]") {
  Gated g(std::make_unique<MemoryStore>());
  const std::uint64_t before = g.engine->last_seq();
  std::mutex m;
  std::vector<Result> same;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  g.group_of(5, [&](int k) {
    try {
      // k == 4 reuses the key for another letter.
      const Result r = g.engine->execute(g.d.office, group_letter(g.d, k == 4 ? "Khác" : "Cùng một thư"), "dup");
      std::lock_guard<std::mutex> l(m);
      same.push_back(r);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::conflict) ++conflicts;
    }
  }, threads);
  REQUIRE(g.gate->sizes().back() >= 1);
  // Either the other letter came first (it commits, the four conflict) or one of the four
  // did (it commits, three replay it, the other letter conflicts).
  REQUIRE(g.engine->last_seq() == before + 2);  // the leader and one letter
  REQUIRE(same.size() + static_cast<std::size_t>(conflicts) == 5);
  int fresh = 0;
  for (const Result& r : same) {
    fresh += r.replayed ? 0 : 1;
    REQUIRE(r.first_seq == same.front().first_seq);
    REQUIRE(r.id == same.front().id);
  }
  REQUIRE(fresh == 1);
  // A retry afterwards replays it too.
  const std::string text = same.size() == 1 ? "Khác" : "Cùng một thư";
  const Result later = g.engine->execute(g.d.office, group_letter(g.d, text), "dup");
  REQUIRE(later.replayed);
  REQUIRE(later.first_seq == same.front().first_seq);
}

TEST_CASE("group commit with a small idempotency window: keys committed together replay from memory or the store", "[threads]") {
  EngineOptions o = sx::options(sx::clock());
  o.idempotency_window = 2;
  Gated g(std::make_unique<MemoryStore>(), o);
  std::vector<Result> firsts(6);
  std::vector<std::thread> threads;
  g.group_of(6, [&](int k) {
    firsts[static_cast<std::size_t>(k)] =
        g.engine->execute(g.d.office, group_letter(g.d, "Nhóm " + std::to_string(k)), "g-" + std::to_string(k));
  }, threads);
  std::size_t biggest = 0;
  for (std::size_t s : g.gate->sizes()) biggest = std::max(biggest, s);
  REQUIRE(biggest >= 2);  // some of them did commit as a group
  const std::uint64_t last = g.engine->last_seq();
  // All at once again (a group of retries, with one request that reuses a key).
  std::vector<Result> again(6);
  std::atomic<int> conflicts{0};
  std::vector<std::thread> retries;
  g.group_of(7, [&](int k) {
    try {
      if (k == 6) {
        g.engine->execute(g.d.office, group_letter(g.d, "Khác"), "g-0");
        return;
      }
      again[static_cast<std::size_t>(k)] =
          g.engine->execute(g.d.office, group_letter(g.d, "Nhóm " + std::to_string(k)), "g-" + std::to_string(k));
    } catch (const Error& e) {
      if (e.code() == ErrorCode::conflict) ++conflicts;
    }
  }, retries);
  REQUIRE(conflicts == 1);
  REQUIRE(g.engine->last_seq() == last + 1);  // the second group's leader only
  for (int k = 0; k < 6; ++k) {
    const Result& a = again[static_cast<std::size_t>(k)];
    const Result& f = firsts[static_cast<std::size_t>(k)];
    INFO("key g-" << k);
    REQUIRE(a.replayed);
    REQUIRE(a.first_seq == f.first_seq);
    REQUIRE(a.items == f.items);
  }
}

TEST_CASE("group commit on SQLite: many threads, a contiguous log holding every acknowledged command", "[threads]") {
  sx::TempDir dir;
  const std::string path = dir.file("many.db");
  std::vector<std::vector<Result>> acked(8);
  std::uint64_t last = 0;
  std::string image;
  GateStore* gate = nullptr;
  Directory dir_ids;
  {
    auto g = std::make_unique<GateStore>(std::make_unique<SqliteStore>(path));
    gate = g.get();
    Engine e(builtin_profile("hanoi-2200"), std::move(g), sx::options(sx::clock()));
    const Directory d = sx::build_directory(e);
    dir_ids = d;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        for (int k = 0; k < 15; ++k) {
          const Result r = e.execute(d.office, group_letter(d, "Luồng " + std::to_string(t) + " thư " + std::to_string(k)),
                                     "t" + std::to_string(t) + "-" + std::to_string(k));
          e.execute(d.office, cmd::Assign{r.items.at(0), d.land, std::nullopt});
          acked[static_cast<std::size_t>(t)].push_back(r);
        }
      });
    for (auto& th : threads) th.join();
    last = e.last_seq();
    image = sx::image_of(e);
    std::size_t biggest = 0;
    for (std::size_t s : gate->sizes()) biggest = std::max(biggest, s);
    INFO("largest group: " << biggest);
    CHECK(biggest >= 1);
  }
  auto store = std::make_unique<SqliteStore>(path);
  REQUIRE(store->verify().ok);
  REQUIRE(store->last_seq() == last);
  std::uint64_t expect = 1;
  store->read(1, [&](const Recorded& r, std::string_view) {
    REQUIRE(r.seq == expect++);
    return true;
  });
  REQUIRE(expect == last + 1);
  REQUIRE(sx::replay_image(*store) == image);
  Engine reopened(builtin_profile("hanoi-2200"), std::move(store), sx::options(sx::clock()));
  for (int t = 0; t < 8; ++t)
    for (int k = 0; k < 15; ++k) {
      const std::string text = "Luồng " + std::to_string(t) + " thư " + std::to_string(k);
      const Result& r = acked[static_cast<std::size_t>(t)][static_cast<std::size_t>(k)];
      const Item item = reopened.item(r.items.at(0));
      REQUIRE(item.text == text);
      REQUIRE(item.status == ItemStatus::assigned);
      // Its key replays the acknowledged command.
      const Result again = reopened.execute(dir_ids.office, group_letter(dir_ids, text),
                                            "t" + std::to_string(t) + "-" + std::to_string(k));
      REQUIRE(again.replayed);
      REQUIRE(again.first_seq == r.first_seq);
    }
}

namespace {
// A store that notes, at every append, how many commands were in the group-commit queue: 0
// when the appending command skipped the queue.
class QueueProbeStore final : public EventStore {
 public:
  std::atomic<const Engine*> engine{nullptr};
  std::atomic<std::size_t> appends{0}, queued_appends{0};
  std::uint64_t last_seq() const override { return inner_.last_seq(); }
  void append(const Batch& b) override {
    note();
    inner_.append(b);
  }
  void append_group(const std::vector<const Batch*>& g) override {
    note();
    inner_.append_group(g);
  }
  bool appends_groups() const override { return true; }
  void read(std::uint64_t from, const Visitor& v) const override { inner_.read(from, v); }

 private:
  void note() {
    ++appends;
    if (const Engine* e = engine.load(); e && e->waiting_commands() != 0) ++queued_appends;
  }
  MemoryStore inner_;
};
}  // namespace

// Issue 13's regression hunt: a lone writer must commit as before group commit, however busy
// the readers are. One that found the exclusive lock held by queries (a subscriber reading in
// its callback, a reader thread) used to take the queue as a group of one; now it waits for
// them at the turnstile as the engine always did. Checked through the queue gauge, not time.
TEST_CASE("group commit: a lone writer never takes the queue, with a reading subscriber and a reader thread", "[threads]") {
  auto probe_owner = std::make_unique<QueueProbeStore>();
  QueueProbeStore* probe = probe_owner.get();
  Engine e(builtin_profile("hanoi-2200"), std::move(probe_owner), sx::options(sx::clock()));
  const Directory d = sx::build_directory(e);
  probe->engine = &e;
  std::atomic<int> delivered{0};
  std::atomic<std::size_t> seen_items{0};
  Subscription sub = e.subscribe([&](const Recorded&) {
    seen_items = e.read([](const State& s) { return s.item_count(); });  // a query per event
    ++delivered;
  });
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::thread reader([&] {
    while (!stop) {
      e.read([](const State& s) { return s.item_count(); });
      ++reads;
    }
  });
  const std::size_t before = probe->appends;
  for (int k = 0; k < 400; ++k) {
    const Result r = e.execute(d.office, group_letter(d, "Một mình " + std::to_string(k)));
    e.execute(d.office, cmd::Assign{r.items.at(0), d.land, std::nullopt});
  }
  stop = true;
  reader.join();
  e.flush_subscribers();
  INFO("queries by the reader thread: " << reads.load());
  REQUIRE(probe->appends - before == 800);
  // A query passes the turnstile too; a lone writer that met one there used to queue (as a
  // group of one: 10-32 of these 800 did on a quiet 2-core machine). It now waits for the
  // turnstile instead of trying it (docs/design-notes.md, "Group commit").
  REQUIRE(probe->queued_appends.load() == 0);
  REQUIRE(delivered == 800);
  REQUIRE(e.waiting_commands() == 0);
  REQUIRE(sx::image_of(e) == sx::replay_image(e.store()));
}

// ---- long reads (issue 16): a past-date read scans the log's prefix holding no engine lock
// (durable stores) or in slices (the in-memory one); commands and live queries go on ----
#include "golden_state.h"

namespace {
// A store in front of another whose read() can stop at one event until released (a long read
// held mid-scan), that can run a hook at the start of a read() call, and that records how
// many events each read() call visited.
class LatchStore final : public EventStore {
 public:
  explicit LatchStore(std::unique_ptr<EventStore> inner) : inner_(std::move(inner)) {}
  std::uint64_t last_seq() const override { return inner_->last_seq(); }
  void append(const Batch& b) override { inner_->append(b); }
  void append_group(const std::vector<const Batch*>& g) override { inner_->append_group(g); }
  bool appends_groups() const override { return inner_->appends_groups(); }
  bool reads_while_appending() const override { return inner_->reads_while_appending(); }
  bool idempotency_digest(std::string_view key, std::string& digest) const override {
    return inner_->idempotency_digest(key, digest);
  }
  void read(std::uint64_t from, const Visitor& v) const override {
    int call;
    std::function<void(int)> hook;
    {
      std::lock_guard<std::mutex> l(m_);
      call = ++calls_;
      hook = on_read_;
    }
    if (hook) hook(call);
    std::size_t n = 0;
    inner_->read(from, [&](const Recorded& r, std::string_view k) {
      ++n;
      if (r.seq == hold_at_.load()) {
        std::unique_lock<std::mutex> l(m_);
        if (armed_) {
          armed_ = false;
          held_ = true;
          cv_.notify_all();
          cv_.wait(l, [&] { return !held_; });
        }
      }
      return v(r, k);
    });
    std::lock_guard<std::mutex> l(m_);
    max_per_read_ = std::max(max_per_read_, n);
  }

  EventStore& inner() { return *inner_; }
  // The next read() that reaches event seq stops there until release().
  void hold_at(std::uint64_t seq) {
    std::lock_guard<std::mutex> l(m_);
    hold_at_ = seq;
    armed_ = true;
  }
  void wait_held() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return held_; });
  }
  void release() {
    std::lock_guard<std::mutex> l(m_);
    held_ = false;
    armed_ = false;
    cv_.notify_all();
  }
  void on_read(std::function<void(int call)> f) {
    std::lock_guard<std::mutex> l(m_);
    on_read_ = std::move(f);
    calls_ = 0;
    max_per_read_ = 0;
  }
  std::size_t max_per_read() const {
    std::lock_guard<std::mutex> l(m_);
    return max_per_read_;
  }
  int calls() const {
    std::lock_guard<std::mutex> l(m_);
    return calls_;
  }

 private:
  std::unique_ptr<EventStore> inner_;
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  std::atomic<std::uint64_t> hold_at_{0};
  mutable bool armed_ = false, held_ = false;
  mutable int calls_ = 0;
  mutable std::size_t max_per_read_ = 0;
  std::function<void(int)> on_read_;
};

// An engine on a LatchStore over `inner`: the directory and `letters` letters on 2022-11-10
// (sx::clock's day), then one more letter on 2022-11-12, so 2022-11-10 is a past day whose
// queries rebuild from the log. No past states cached: every past query scans.
struct Latched {
  std::shared_ptr<ManualClock> clock = sx::clock();
  LatchStore* latch = nullptr;
  std::unique_ptr<Engine> engine;
  Directory d;
  Latched(std::unique_ptr<EventStore> inner, int letters) {
    auto l = std::make_unique<LatchStore>(std::move(inner));
    latch = l.get();
    EngineOptions o = sx::options(clock);
    o.past_states_cached = 0;
    engine = std::make_unique<Engine>(builtin_profile("hanoi-2200"), std::move(l), o);
    d = sx::build_directory(*engine);
    for (int k = 0; k < letters; ++k) engine->execute(d.office, group_letter(d, "Thư " + std::to_string(k)));
    clock->set(sx::at(2022, 11, 12));
    engine->execute(d.office, group_letter(d, "Thư ngày 12"));
  }
};

const Date kPastDay(2022, 11, 10);

nlohmann::json accounting_json(const Accounting& a) {
  return {a.opinions, a.items,    a.resolved,  a.outstanding, a.overdue,        a.replied, a.replied_on_time,
          a.handed_on, a.escalated, a.closed, a.extensions,  a.reopened_items, a.merged};
}

// Runs f on a thread and waits for it at most `limit`; joined either way before returning
// (after `unblock`, which must let f finish), so nothing outlives the test.
template <class F, class U>
bool done_within(std::chrono::milliseconds limit, F f, U unblock) {
  std::promise<void> done;
  auto fut = done.get_future();
  std::thread t([&] {
    f();
    done.set_value();
  });
  const bool ok = fut.wait_for(limit) == std::future_status::ready;
  if (!ok) unblock();
  t.join();
  return ok;
}
}  // namespace

TEST_CASE("long reads: a past-date accounting held mid-scan does not stall a command or a live query (SQLite)", "[threads]") {
  sx::TempDir dir;
  Latched w(std::make_unique<SqliteStore>(dir.file("long.db")), 20);
  Engine& e = *w.engine;
  const nlohmann::json expected = accounting_json(e.state_as_of(kPastDay).accounting(w.d.ward, kPastDay));
  const std::uint64_t before = e.last_seq();
  w.latch->hold_at(5);  // inside the directory: the scan has far to go
  nlohmann::json past;
  std::thread reader([&] { past = accounting_json(e.accounting(w.d.ward, kPastDay)); });
  w.latch->wait_held();
  // The scan is stopped at event 5. A command commits, a live query answers.
  Result r;
  const bool command_done =
      done_within(10s, [&] { r = e.execute(w.d.office, group_letter(w.d, "Thư trong lúc đọc")); },
                  [&] { w.latch->release(); });
  std::size_t live_items = 0;
  const bool query_done = done_within(10s, [&] { live_items = e.accounting(w.d.ward, Date(2022, 11, 12)).items; },
                                      [&] { w.latch->release(); });
  w.latch->release();
  reader.join();
  REQUIRE(command_done);
  REQUIRE(query_done);
  REQUIRE(r.first_seq == before + 1);
  REQUIRE(live_items == 22);
  // The past answer is the one the log gave before the command.
  REQUIRE(past == expected);
}

TEST_CASE("long reads: state_as_of, history and events held mid-scan exclude what commits meanwhile (SQLite)", "[threads]") {
  sx::TempDir dir;
  Latched w(std::make_unique<SqliteStore>(dir.file("long.db")), 10);
  Engine& e = *w.engine;
  const ItemId item = e.read([](const State& s) { return ItemId(static_cast<std::uint32_t>(s.item_count())); });
  const Instant future = sx::at(2030, 1, 1);
  const nlohmann::json whole = golden::state_json(e.state_as_of(future));
  const nlohmann::json past = golden::state_json(e.state_as_of(kPastDay));
  const std::uint64_t captured = e.last_seq();
  REQUIRE(e.events(1, 100000).size() == captured);

  // Each long read is held at event 3 while a command commits (a letter, or the assignment
  // of `item`, at a time before `future`); released, it answers as of the log it began with.
  auto during = [&](auto read, auto command) {
    w.latch->hold_at(3);
    std::thread t(read);
    w.latch->wait_held();
    const bool committed = done_within(10s, command, [&] { w.latch->release(); });
    w.latch->release();
    t.join();
    return committed;
  };
  auto letter = [&] { e.execute(w.d.office, group_letter(w.d, "Thư trong lúc đọc")); };
  State got_whole, got_past;
  std::vector<Recorded> got_history, got_events;
  REQUIRE(during([&] { got_whole = e.state_as_of(future); }, letter));
  REQUIRE(got_whole.last_seq() == captured);
  REQUIRE(golden::state_json(got_whole) == whole);
  REQUIRE(during([&] { got_past = e.state_as_of(kPastDay); }, letter));
  REQUIRE(golden::state_json(got_past) == past);
  const std::size_t history = e.history(item).size();
  REQUIRE(during([&] { got_history = e.history(item); },
                 [&] { e.execute(w.d.office, cmd::Assign{item, w.d.land, std::nullopt}); }));
  REQUIRE(got_history.size() == history);  // not the assignment committed meanwhile
  REQUIRE(e.history(item).size() == history + 1);
  const std::uint64_t c4 = e.last_seq();
  REQUIRE(during([&] { got_events = e.events(1, 100000); }, letter));
  REQUIRE(got_events.size() == c4);
  REQUIRE(got_events.back().seq == c4);
  REQUIRE(e.last_seq() == captured + 4);
}

TEST_CASE("long reads: the in-memory log is scanned in slices, and a past answer excludes events appended between them", "[threads]") {
  Latched w(std::make_unique<MemoryStore>(), 6000);
  Engine& e = *w.engine;
  REQUIRE_FALSE(e.store().reads_while_appending());
  const nlohmann::json expected = accounting_json(e.state_as_of(kPastDay).accounting(w.d.ward, kPastDay));
  const nlohmann::json whole = golden::state_json(e.state_as_of(sx::at(2030, 1, 1)));
  const std::uint64_t captured = e.last_seq();
  REQUIRE(captured > 6000);
  // Another writer appends to the store between the first and second slice of the scan (a
  // letter at a time before the instant asked about): the answer stays as of the capture.
  w.latch->on_read([&](int call) {
    if (call != 2) return;
    EventStore& inner = w.latch->inner();
    Batch b;
    ev::PersonRegistered p;
    p.person = PersonId(1000);
    p.name = "Người ghi thêm";
    b.events.push_back(Recorded{inner.last_seq() + 1, sx::at(2022, 11, 12, 10), kSystemActor, p});
    inner.append(b);
  });
  const State s = e.state_as_of(sx::at(2030, 1, 1));
  // Every read() call visited at most a slice: the shared lock was released in between.
  REQUIRE(w.latch->calls() >= 2);
  REQUIRE(w.latch->max_per_read() <= 1024);
  REQUIRE(s.last_seq() == captured);
  REQUIRE(golden::state_json(s) == whole);
  w.latch->on_read({});
  REQUIRE(accounting_json(e.accounting(w.d.ward, kPastDay)) == expected);
  REQUIRE(w.latch->max_per_read() <= 1024);
}

// ---- shared stores (issue 16): several engines on one store, readers of the store while
// they append ----
namespace {
// What Python's SharedStore (bindings/engine.h) does: an engine's view of a store it shares.
class SharedView final : public EventStore {
 public:
  explicit SharedView(std::shared_ptr<EventStore> s) : s_(std::move(s)) {}
  std::uint64_t last_seq() const override { return s_->last_seq(); }
  void append(const Batch& b) override { s_->append(b); }
  void append_group(const std::vector<const Batch*>& g) override { s_->append_group(g); }
  bool appends_groups() const override { return s_->appends_groups(); }
  void read(std::uint64_t from, const Visitor& v) const override { s_->read(from, v); }
  bool idempotency_digest(std::string_view key, std::string& digest) const override {
    return s_->idempotency_digest(key, digest);
  }
  bool find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const override {
    return s_->find_idempotency_key(key, seq, digest);
  }
  bool load_snapshot(std::uint64_t& seq, std::string& image) const override { return s_->load_snapshot(seq, image); }
  void save_snapshot(std::uint64_t seq, const std::string& image) override { s_->save_snapshot(seq, image); }

 private:
  std::shared_ptr<EventStore> s_;
};

// Two engines on `store`, two writer threads on each (keyed letters, then a retry of each key
// on the other engine), and two threads reading the store directly while they append.
void share_store(const std::shared_ptr<EventStore>& store) {
  EngineOptions o = sx::options(sx::clock());
  o.max_conflict_retries = 1000000;  // two engines race for every sequence number
  Engine a(builtin_profile("hanoi-2200"), std::make_unique<SharedView>(store), o);
  const Directory d = sx::build_directory(a);
  Engine b(builtin_profile("hanoi-2200"), std::make_unique<SharedView>(store), o);
  Engine* engines[2] = {&a, &b};
  const std::uint64_t base = store->last_seq();
  constexpr int kThreads = 4, kLetters = 40;
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::atomic<int> bad_reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&, t] {
      std::uint64_t from = 1;
      while (!stop) {
        // Every read is a contiguous run from `from`; a later read never sees fewer events.
        const std::uint64_t last_before = store->last_seq();
        std::uint64_t expect = from, n = 0;
        store->read(from, [&](const Recorded& r, std::string_view) {
          if (r.seq != expect++ || r.event.valueless_by_exception()) ++bad_reads;
          return ++n < 500;
        });
        if (expect - 1 < std::min<std::uint64_t>(last_before, from + 499)) ++bad_reads;
        std::string digest;
        (void)store->idempotency_digest("t" + std::to_string(t) + "-0", digest);
        from = t == 0 ? 1 : 1 + (from + 37) % std::max<std::uint64_t>(store->last_seq(), 1);
        ++reads;
      }
    });
  std::vector<std::vector<Result>> acked(kThreads);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      Engine& e = *engines[t % 2];
      for (int k = 0; k < kLetters; ++k)
        acked[static_cast<std::size_t>(t)].push_back(
            e.execute(d.office, group_letter(d, "Luồng " + std::to_string(t) + " thư " + std::to_string(k)),
                      "t" + std::to_string(t) + "-" + std::to_string(k)));
    });
  for (auto& th : writers) th.join();
  // Every key retried on the other engine replays its command and appends nothing.
  for (int t = 0; t < kThreads; ++t)
    for (int k = 0; k < kLetters; ++k) {
      const Result again = engines[(t + 1) % 2]->execute(
          d.office, group_letter(d, "Luồng " + std::to_string(t) + " thư " + std::to_string(k)),
          "t" + std::to_string(t) + "-" + std::to_string(k));
      REQUIRE(again.replayed);
      REQUIRE(again.first_seq == acked[static_cast<std::size_t>(t)][static_cast<std::size_t>(k)].first_seq);
    }
  stop = true;
  for (auto& th : readers) th.join();
  INFO("store reads: " << reads.load());
  CHECK(reads > 0);
  REQUIRE(bad_reads == 0);
  // Every acknowledged command is in the log once, at the sequence its result names.
  REQUIRE(store->last_seq() == base + kThreads * kLetters);
  std::map<std::uint64_t, std::string> text_at;
  std::uint64_t expect = 1;
  store->read(1, [&](const Recorded& r, std::string_view) {
    REQUIRE(r.seq == expect++);
    if (const auto* o = std::get_if<ev::OpinionSubmitted>(&r.event)) text_at[r.seq] = o->items.at(0).text;
    return true;
  });
  REQUIRE(expect == store->last_seq() + 1);
  REQUIRE(text_at.size() == static_cast<std::size_t>(kThreads * kLetters));
  for (int t = 0; t < kThreads; ++t)
    for (int k = 0; k < kLetters; ++k)
      REQUIRE(text_at.at(acked[static_cast<std::size_t>(t)][static_cast<std::size_t>(k)].first_seq) ==
              "Luồng " + std::to_string(t) + " thư " + std::to_string(k));
  // Both engines hold the state the log gives.
  a.catch_up();
  b.catch_up();
  const std::string image = sx::replay_image(*store);
  REQUIRE(sx::image_of(a) == image);
  REQUIRE(sx::image_of(b) == image);
}
}  // namespace

TEST_CASE("shared stores: two engines and store readers on one MemoryStore; every event once, contiguous", "[threads]") {
  share_store(std::make_shared<MemoryStore>());
}

TEST_CASE("shared stores: two engines and store readers on one SqliteStore; the chain verifies", "[threads]") {
  sx::TempDir dir;
  auto store = std::make_shared<SqliteStore>(dir.file("shared.db"));
  share_store(store);
  REQUIRE(store->verify().ok);
}

// ---- reads that never wait (dt_try_call, src/no_wait.h): the service answers keyed reads
// on its I/O threads this way ----
#include "no_wait.h"

TEST_CASE("no-wait reads: while a command commits, a read that would wait gives way at once and changes nothing", "[threads]") {
  auto clock = sx::clock();
  Gated g(std::make_unique<MemoryStore>(), sx::options(clock));
  const ItemId item = g.engine->execute(g.d.office, group_letter(g.d, "Đường ngõ 5 hỏng")).items.at(0);
  const std::uint64_t before = g.engine->last_seq();

  g.gate->hold();
  std::thread writer([&] { g.engine->execute(g.d.office, group_letter(g.d, "Cống thoát nước tắc")); });
  g.gate->wait_at_gate();  // the writer holds the engine's exclusive lock, waiting on its "disk"
  {
    detail::NoWaitScope no_wait;
    REQUIRE_THROWS_AS(g.engine->item(item), detail::WouldBlock);
    REQUIRE_THROWS_AS(g.engine->last_seq(), detail::WouldBlock);
    REQUIRE_THROWS_AS(g.engine->accounting(g.d.ward, g.engine->today()), detail::WouldBlock);
  }
  REQUIRE_FALSE(detail::no_wait());  // the scope ends with its block
  // A plain read waits for the commit instead.
  std::atomic<bool> answered{false};
  std::thread reader([&] {
    (void)g.engine->item(item);
    answered = true;
  });
  std::this_thread::sleep_for(50ms);
  REQUIRE_FALSE(answered);
  g.gate->release();
  writer.join();
  reader.join();
  REQUIRE(answered);
  REQUIRE(g.engine->last_seq() == before + 1);

  detail::NoWaitScope no_wait;
  // Nothing commits now: reads from memory answer, and answer what plain reads answer.
  REQUIRE(g.engine->item(item).id == item);
  REQUIRE(g.engine->last_seq() == before + 1);
  // What reads the store or commits always gives way, and nothing is appended.
  REQUIRE_THROWS_AS(g.engine->events(1, 10), detail::WouldBlock);
  REQUIRE_THROWS_AS(g.engine->history(item), detail::WouldBlock);
  REQUIRE_THROWS_AS(g.engine->state_as_of(g.engine->today()), detail::WouldBlock);
  REQUIRE_THROWS_AS(g.engine->execute(g.d.office, group_letter(g.d, "Không được ghi")), detail::WouldBlock);
  REQUIRE_THROWS_AS(g.engine->catch_up(), detail::WouldBlock);
  REQUIRE(g.engine->last_seq() == before + 1);
}

TEST_CASE("no-wait reads: a past as_of answers only from the cached past states", "[threads]") {
  auto clock = sx::clock();
  Gated g(std::make_unique<MemoryStore>(), sx::options(clock));
  const Date day1 = g.engine->today();
  g.engine->execute(g.d.office, group_letter(g.d, "Đường ngõ 5 hỏng"));
  clock->advance(boost::posix_time::hours(24 * 3));
  g.engine->execute(g.d.office, group_letter(g.d, "Cống thoát nước tắc"));
  const Accounting today = g.engine->accounting(g.d.ward, g.engine->today());
  {
    detail::NoWaitScope no_wait;
    REQUIRE(g.engine->accounting(g.d.ward, g.engine->today()).items == today.items);  // the live state
    REQUIRE_THROWS_AS(g.engine->accounting(g.d.ward, day1), detail::WouldBlock);  // a rebuild reads the store
  }
  const Accounting then = g.engine->accounting(g.d.ward, day1);  // waits, rebuilds, caches day1
  REQUIRE(then.items + 1 == today.items);
  detail::NoWaitScope no_wait;
  REQUIRE(g.engine->accounting(g.d.ward, day1).items == then.items);
}

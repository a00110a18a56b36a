// The event hub of doithoaid: learns of each commit through dt_subscribe and wakes the
// requests waiting for one (GET /v1/events long polls and event streams), without a thread
// per waiter: a waiter is a callback the hub runs once, which posts to the waiter's executor.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "service.h"

namespace doithoaid {

class EventHub {
 public:
  explicit EventHub(dt_engine* engine) : engine_(engine) {}
  ~EventHub() { stop(); }
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  void start();  // subscribes and reads the last seq; throws ServiceError
  // Other processes sharing the store (PostgreSQL): every period_ms, a thread asks the engine to
  // catch_up (read their events) and wakes the waiters, since the engine delivers only its own
  // commits to subscribers. 0: off. Call after start().
  void start_catch_up(int period_ms);
  void stop();   // stops catching up, unsubscribes (waits for a callback in progress), wakes every waiter

  std::int64_t last_seq() const { return last_seq_.load(std::memory_order_acquire); }
  bool closing() const { return closing_.load(std::memory_order_acquire); }

  using Wake = std::function<void()>;
  // Runs wake once, when an event with seq >= `seq` has been committed, or when the hub closes
  // (wake_all). It may run inline (already there) or on the engine's delivery thread: it must
  // only post work elsewhere. The id cancels it.
  std::uint64_t wait_for(std::int64_t seq, Wake wake);
  void cancel(std::uint64_t id);
  void wake_all();  // draining: every waiter answers now

  // The answer of GET /v1/events: {"events": [...], "next": N}, next being the seq to ask for next.
  static std::string read(const EngineRef& engine, std::int64_t from, std::int64_t limit, std::int64_t& next,
                          std::size_t& count);

 private:
  static void on_event(void* user, const char* event_json, std::size_t length);
  void notify(std::int64_t seq);

  void catch_up_loop(int period_ms);

  dt_engine* engine_;
  std::thread catch_up_thread_;
  std::mutex catch_up_mutex_;
  std::condition_variable catch_up_cv_;
  bool catch_up_stop_ = false;
  dt_subscription* subscription_ = nullptr;
  std::atomic<std::int64_t> last_seq_{0};
  std::atomic<bool> closing_{false};
  std::atomic<std::size_t> waiting_{0};
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::pair<std::int64_t, std::uint64_t>, Wake> waiters_;  // by (seq awaited, id)
  std::unordered_map<std::uint64_t, std::int64_t> seq_of_;          // id -> seq awaited (cancel)
};

}  // namespace doithoaid

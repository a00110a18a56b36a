// subscribers.h: asynchronous delivery of committed events to subscribers (internal).
//
// A command pushes its committed events onto the queue (under the engine's exclusive lock, so
// the queue is in sequence order; the push is a copy and a short mutex). One delivery thread
// per engine, started at the first subscription, pops them and calls every live callback in
// sequence order, holding no engine lock and no lock of its own while a callback runs. So a
// command never waits for a subscriber, and a subscriber may query, execute, subscribe or
// unsubscribe from inside its callback.
//
// The Delivery outlives the engine when a Subscription does (it is shared with the hooks and
// with the thread), and never refers back to the engine.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "doithoai/engine.h"

namespace doithoai {

namespace detail {
class Delivery;
}

struct Subscription::Hook {
  std::function<void(const Recorded&)> callback;
  std::uint64_t from = 0;   // first sequence it receives (the next one when it subscribed)
  bool removed = false;     // guarded by Delivery::m_
  std::weak_ptr<detail::Delivery> delivery;
};

namespace detail {

class Delivery : public std::enable_shared_from_this<Delivery> {
 public:
  ~Delivery();
  // True while at least one hook is subscribed: commands enqueue only then.
  bool listening() const { return listeners_.load(std::memory_order_acquire) != 0; }
  // Called under the engine's exclusive lock, in sequence order. Never blocks on a subscriber.
  void enqueue(const std::vector<Recorded>& events);
  // Subscribing: hold this guard (empty on the delivery thread), start_locked(), then add()
  // under the engine's shared lock, so a last unsubscription cannot stop the thread between.
  // Never taken while holding an engine lock.
  std::unique_lock<std::mutex> lifecycle_guard();
  void start_locked();
  // Adds a hook; call under the engine's shared lock so that `from` and enqueue agree.
  void add(const std::shared_ptr<Subscription::Hook>& hook);
  // Removes a hook; on return its callback is not running and will not run again (unless
  // called from inside a callback, which cannot wait for itself). Stops and joins the thread
  // when it was the last hook.
  void remove(Subscription::Hook* hook);
  // Waits until every event enqueued before the call has been delivered; false on timeout
  // or when called from inside a callback.
  bool flush(std::optional<std::chrono::nanoseconds> timeout);
  // Delivers what is queued, then stops and joins the thread (~Engine). Later enqueues are
  // dropped.
  void close();
  std::uint64_t errors() const { return errors_.load(); }
  std::size_t pending() const;
  bool on_delivery_thread() const;

 private:
  void run();

  std::mutex lifecycle_;  // serializes starting and stopping the thread (never taken by it)
  mutable std::mutex m_;
  std::condition_variable work_;  // the thread waits for events or stop
  std::condition_variable done_;  // flush and remove wait for progress
  std::deque<Recorded> queue_;
  std::vector<std::shared_ptr<Subscription::Hook>> hooks_;
  std::uint64_t hooks_version_ = 0;
  const Subscription::Hook* running_ = nullptr;  // the hook whose callback runs now
  std::uint64_t enqueued_ = 0;   // last sequence enqueued
  std::uint64_t delivered_ = 0;  // last sequence delivered to every hook
  bool stop_ = false, drain_ = false, closed_ = false;
  std::thread thread_;
  std::atomic<std::size_t> listeners_{0};
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace detail
}  // namespace doithoai

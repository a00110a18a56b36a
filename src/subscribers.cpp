#include "subscribers.h"

namespace doithoai {
namespace detail {

namespace {
// The Delivery whose thread this is (none on other threads).
thread_local const Delivery* tl_delivery = nullptr;
}  // namespace

Delivery::~Delivery() {
  if (thread_.joinable()) thread_.detach();  // only when the engine was destroyed from a callback
}

bool Delivery::on_delivery_thread() const { return tl_delivery == this; }

std::unique_lock<std::mutex> Delivery::lifecycle_guard() {
  // The thread never takes lifecycle_: a callback that (un)subscribes must not wait for a
  // caller that holds it while waiting for that very callback.
  if (on_delivery_thread()) return std::unique_lock<std::mutex>();
  return std::unique_lock<std::mutex>(lifecycle_);
}

void Delivery::start_locked() {
  std::lock_guard<std::mutex> g(m_);
  if (closed_ || thread_.joinable() || on_delivery_thread()) return;
  stop_ = drain_ = false;
  thread_ = std::thread([self = shared_from_this()] { self->run(); });
}

void Delivery::add(const std::shared_ptr<Subscription::Hook>& hook) {
  std::lock_guard<std::mutex> g(m_);
  hooks_.push_back(hook);
  ++hooks_version_;
  listeners_.store(hooks_.size(), std::memory_order_release);
}

void Delivery::enqueue(const std::vector<Recorded>& events) {
  if (events.empty()) return;
  {
    std::lock_guard<std::mutex> g(m_);
    // Nobody to deliver to (the last subscription went after the command saw a listener; the
    // thread may be gone): drop them, or flush would wait for a thread that is not there. A
    // later subscriber starts after these events.
    if (closed_ || hooks_.empty()) return;
    queue_.insert(queue_.end(), events.begin(), events.end());
    enqueued_ = events.back().seq;
  }
  work_.notify_one();
}

void Delivery::remove(Subscription::Hook* hook) {
  const bool inside = on_delivery_thread();
  std::unique_lock<std::mutex> life = lifecycle_guard();
  std::shared_ptr<Subscription::Hook> dropped;  // released after m_ (it may hold a Python callable)
  std::thread stopped;
  {
    std::unique_lock<std::mutex> lk(m_);
    if (hook->removed) return;
    hook->removed = true;
    for (auto it = hooks_.begin(); it != hooks_.end(); ++it)
      if (it->get() == hook) {
        dropped = std::move(*it);
        hooks_.erase(it);
        break;
      }
    ++hooks_version_;
    listeners_.store(hooks_.size(), std::memory_order_release);
    // A callback that unsubscribes itself (or another) cannot wait for itself; the thread
    // checks `removed` before every call, so it is not called again.
    if (inside) return;
    // Not running now, and (when it was the last) no other callback either: then the thread
    // can be stopped without cutting a callback short.
    done_.wait(lk, [&] { return running_ != hook && (!hooks_.empty() || running_ == nullptr); });
    if (hooks_.empty() && thread_.joinable()) {
      stop_ = true;
      drain_ = false;
      stopped = std::move(thread_);
    }
  }
  if (stopped.joinable()) {
    work_.notify_all();
    stopped.join();
  }
}

bool Delivery::flush(std::optional<std::chrono::nanoseconds> timeout) {
  if (on_delivery_thread()) return false;  // it would wait for itself
  std::unique_lock<std::mutex> lk(m_);
  const std::uint64_t target = enqueued_;
  auto caught_up = [&] { return delivered_ >= target; };
  if (!timeout) {
    done_.wait(lk, caught_up);
    return true;
  }
  return done_.wait_for(lk, *timeout, caught_up);
}

void Delivery::close() {
  if (on_delivery_thread()) {
    // The engine is destroyed from inside a callback: stop after it returns, deliver nothing
    // more (callbacks may refer to the engine), and let the thread finish on its own.
    std::lock_guard<std::mutex> g(m_);
    closed_ = stop_ = true;
    drain_ = false;
    if (thread_.joinable()) thread_.detach();
    return;
  }
  std::unique_lock<std::mutex> life(lifecycle_);
  std::thread t;
  {
    std::lock_guard<std::mutex> g(m_);
    closed_ = stop_ = drain_ = true;  // deliver what was committed, accept nothing more
    t = std::move(thread_);
  }
  work_.notify_all();
  if (t.joinable()) t.join();
}

std::size_t Delivery::pending() const {
  std::lock_guard<std::mutex> g(m_);
  return queue_.size();
}

void Delivery::run() {
  tl_delivery = this;
  std::vector<std::shared_ptr<Subscription::Hook>> live;
  std::uint64_t seen_version = ~std::uint64_t(0);
  std::unique_lock<std::mutex> lk(m_);
  for (;;) {
    work_.wait(lk, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty() || (stop_ && !drain_)) break;
    const Recorded r = std::move(queue_.front());
    queue_.pop_front();
    if (seen_version != hooks_version_) {
      // Hooks added after this point subscribed after r was committed (their `from` is
      // past it), so a copy taken now is complete for r.
      std::vector<std::shared_ptr<Subscription::Hook>> old = std::move(live);
      live = hooks_;
      seen_version = hooks_version_;
      lk.unlock();
      old.clear();  // may destroy a callback (a Python one takes the GIL): no lock held
      lk.lock();
    }
    for (const auto& h : live) {
      if (h->removed || r.seq < h->from) continue;
      running_ = h.get();
      lk.unlock();
      try {
        h->callback(r);
      } catch (...) {
        errors_.fetch_add(1);
      }
      lk.lock();
      running_ = nullptr;
      done_.notify_all();
    }
    delivered_ = r.seq;
    done_.notify_all();
  }
  queue_.clear();  // stopped with nobody left to deliver to
  delivered_ = enqueued_;
  done_.notify_all();
  lk.unlock();
  live.clear();
  tl_delivery = nullptr;
}

}  // namespace detail
}  // namespace doithoai

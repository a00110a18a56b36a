// The event hub (events.h).
#include "events.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

namespace doithoaid {

void EventHub::start() {
  dt_error* err = nullptr;
  const int st = dt_subscribe(engine_, &EventHub::on_event, this, &subscription_, &err);
  if (st != DT_OK) {
    const std::string m = err ? dt_error_message(err) : dt_status_name(st);
    dt_error_free(err);
    throw ServiceError(st, "cannot subscribe to the engine's events: " + m);
  }
  const std::string last = EngineRef(engine_).call("last_seq", "{}");
  const std::int64_t seq = std::strtoll(last.c_str(), nullptr, 10);
  std::int64_t cur = last_seq_.load();
  while (seq > cur && !last_seq_.compare_exchange_weak(cur, seq)) {
  }
}

void EventHub::start_catch_up(int period_ms) {
  if (period_ms <= 0 || catch_up_thread_.joinable()) return;
  catch_up_thread_ = std::thread([this, period_ms] { catch_up_loop(period_ms); });
}

void EventHub::catch_up_loop(int period_ms) {
  bool failing = false;
  std::unique_lock<std::mutex> lock(catch_up_mutex_);
  while (!catch_up_cv_.wait_for(lock, std::chrono::milliseconds(period_ms), [this] { return catch_up_stop_; })) {
    lock.unlock();
    try {
      const std::int64_t seq = std::strtoll(EngineRef(engine_).call("catch_up", "{}").c_str(), nullptr, 10);
      if (failing) std::fprintf(stderr, "doithoaid: catching up with the store works again\n");
      failing = false;
      notify(seq);  // wakes long polls and event streams waiting for other writers' events
    } catch (const std::exception& e) {
      // Logged once per outage (the store unreachable); commands report their own errors.
      if (!failing) std::fprintf(stderr, "doithoaid: cannot catch up with the store: %s\n", e.what());
      failing = true;
    }
    lock.lock();
  }
}

void EventHub::stop() {
  if (catch_up_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(catch_up_mutex_);
      catch_up_stop_ = true;
    }
    catch_up_cv_.notify_all();
    catch_up_thread_.join();
  }
  if (subscription_) {
    dt_unsubscribe(subscription_);
    subscription_ = nullptr;
  }
  wake_all();
}

void EventHub::on_event(void* user, const char* json, std::size_t length) {
  // Read the event's seq without parsing the whole event. Its keys are sorted (actor, at, data,
  // seq, type, v): the top-level "seq" is the last one, after any a nested object of data may
  // hold, and a string cannot hold the sequence unescaped.
  static const std::string_view kKey = "\"seq\":";
  const std::string_view text(json, length);
  const std::size_t at = text.rfind(kKey);
  if (at == std::string_view::npos) return;
  const char* end = json + length;
  const char* p = json + at + kKey.size();
  while (p < end && *p == ' ') ++p;
  std::int64_t seq = 0;
  while (p < end && *p >= '0' && *p <= '9') seq = seq * 10 + (*p++ - '0');
  static_cast<EventHub*>(user)->notify(seq);
}

void EventHub::notify(std::int64_t seq) {
  std::int64_t cur = last_seq_.load();
  while (seq > cur && !last_seq_.compare_exchange_weak(cur, seq)) {
  }
  if (waiting_.load(std::memory_order_acquire) == 0) return;
  std::vector<Wake> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = waiters_.begin();
    while (it != waiters_.end() && it->first.first <= seq) {
      due.push_back(std::move(it->second));
      seq_of_.erase(it->first.second);
      it = waiters_.erase(it);
    }
    waiting_.store(waiters_.size(), std::memory_order_release);
  }
  for (auto& w : due) w();
}

std::uint64_t EventHub::wait_for(std::int64_t seq, Wake wake) {
  std::uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = next_id_++;
    // Checked under the lock notify takes, so a commit cannot slip between the check and the wait.
    if (!closing() && last_seq() < seq) {
      waiters_.emplace(std::make_pair(seq, id), std::move(wake));
      seq_of_.emplace(id, seq);
      waiting_.store(waiters_.size(), std::memory_order_release);
      return id;
    }
  }
  wake();
  return id;
}

void EventHub::cancel(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = seq_of_.find(id);
  if (found == seq_of_.end()) return;  // already woken
  waiters_.erase(std::make_pair(found->second, id));
  seq_of_.erase(found);
  waiting_.store(waiters_.size(), std::memory_order_release);
}

void EventHub::wake_all() {
  std::vector<Wake> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_.store(true, std::memory_order_release);
    for (auto& w : waiters_) due.push_back(std::move(w.second));
    waiters_.clear();
    seq_of_.clear();
    waiting_.store(0, std::memory_order_release);
  }
  for (auto& w : due) w();
}

std::string EventHub::read(const EngineRef& engine, std::int64_t from, std::int64_t limit, std::int64_t& next,
                           std::size_t& count) {
  const std::string args = "{\"from\":" + std::to_string(from) + ",\"limit\":" + std::to_string(limit) + "}";
  const std::string events = engine.call("events", args);
  next = from;
  count = 0;
  // The last event's seq: parse the array (bounded by limit), the events are passed on as text.
  const auto list = nlohmann::json::parse(events);
  count = list.size();
  if (!list.empty()) next = list.back().at("seq").get<std::int64_t>() + 1;
  return "{\"events\":" + events + ",\"next\":" + std::to_string(next) + "}";
}

}  // namespace doithoaid

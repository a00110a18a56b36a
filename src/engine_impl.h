// Internal: what doithoai::Engine holds (include/doithoai/engine.h shows only the contract).
//
// Engine is a pointer to this Impl (LevelDB's DB and DBImpl). Every public member of Engine
// is a one-line forwarder in src/engine_api.cpp to the member of the same name here; the
// bodies (engine.cpp, engine_snapshot.cpp, engine_explain.cpp) are Impl's. Impl keeps the
// locking protocol of engine.h's "Thread safety" and "Group commit": readers take the
// turnstile then the shared lock, writers the turnstile then the exclusive lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "doithoai/engine.h"
#include "doithoai/profile.h"
#include "doithoai/state.h"
#include "doithoai/store.h"
#include "no_wait.h"

namespace doithoai {

namespace detail {
struct Decision;
struct Writer;
struct WriterQueue;
class Delivery;
class IdempotencyWindow;
class SimilarIndex;
class TextPool;
}  // namespace detail

class Engine::Impl {
 public:
  Impl(Profile profile, EngineOptions options);
  Impl(Profile profile, std::unique_ptr<EventStore> store, EngineOptions options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // The members of Engine's contract (engine.h), same names and meanings.
  Result execute(PersonId actor, const Command& command, std::string_view idempotency_key = {});
  nlohmann::json execute_json(const nlohmann::json& request);

  // Runs f(const State&) under the shared lock and returns what it returns.
  template <class F>
  auto read(F&& f) const {
    auto lock = read_lock();
    return f(state_);
  }
  // Engine::read_as_of (engine.h).
  template <class F>
  auto read_as_of(Date as_of, F&& f) const {
    check_date(as_of, "as_of");
    {
      auto lock = read_lock();
      if (state_.answers_for(as_of)) return f(state_);
    }
    const std::shared_ptr<const State> past = state_on(as_of);
    return f(*past);
  }

  Item item(ItemId id) const;
  Unit unit(UnitId id) const;
  Conference conference(ConferenceId id) const;
  Opinion opinion(OpinionId id) const;
  Person person(PersonId id) const;
  Standing standing(ItemId id, Date as_of) const;
  std::vector<ItemId> items(const ItemQuery& q) const;
  std::vector<ItemId> overdue(Date as_of, std::size_t limit = 100) const;
  std::vector<ItemId> due_within(Date from, int days, std::size_t limit = 1000) const;
  std::vector<ItemId> due_between(Date from, Date to, std::size_t limit = 1000) const;
  Accounting accounting(UnitId unit, Date as_of) const;
  Reconciliation reconciliation(ConferenceId id) const;
  std::vector<SimilarItem> similar_items(UnitId unit, std::string_view text, std::size_t limit) const;
  std::vector<Notice> outbox_fetch(std::size_t limit, std::chrono::seconds lease);
  Result outbox_ack(NoticeId notice, std::string_view outcome, std::string_view detail, Date on);
  std::vector<Notice> outbox(const OutboxQuery& q) const;
  OutboxCounts outbox_counts(UnitId unit, Date as_of) const;
  DeadlineBasis explain_deadline(ItemId id) const;
  std::vector<Recorded> history(ItemId id) const;
  std::vector<Recorded> history(OpinionId id) const;
  std::vector<Recorded> history(ConferenceId id) const;
  std::vector<Recorded> events(std::uint64_t from, std::size_t limit) const;
  State state_as_of(Instant t) const;
  State state_as_of(Date d) const;

  Subscription subscribe(std::function<void(const Recorded&)> callback);
  std::uint64_t callback_errors() const;
  void flush_subscribers();
  bool flush_subscribers(std::chrono::milliseconds timeout);
  std::size_t undelivered() const;

  const Profile& profile() const { return profile_; }
  const Calendar& calendar() const { return *calendar_; }
  const Clock& clock() const { return *clock_; }
  const EventStore& store() const { return *store_; }
  Date today() const;
  std::uint64_t last_seq() const;
  std::size_t waiting_commands() const;
  void catch_up();
  std::uint64_t snapshot();
  void close_subscribers();

 private:
  Impl(Profile profile, std::unique_ptr<EventStore> store, EngineOptions options,
       std::shared_ptr<detail::TextPool> pool);
  // glibc's shared_mutex prefers readers, so a stream of queries could starve commands.
  // A writer holds the turnstile while it waits; new readers queue behind it.
  // Under detail::NoWaitScope (dt_try_call) both are tried, and a wait throws WouldBlock.
  std::shared_lock<std::shared_mutex> read_lock() const {
    if (detail::no_wait()) {
      { std::unique_lock<std::mutex> t(turnstile_, std::try_to_lock);
        if (!t.owns_lock()) detail::would_block(); }
      std::shared_lock<std::shared_mutex> l(mutex_, std::try_to_lock);
      if (!l.owns_lock()) detail::would_block();
      return l;
    }
    { std::lock_guard<std::mutex> t(turnstile_); }
    return std::shared_lock<std::shared_mutex>(mutex_);
  }
  std::unique_lock<std::shared_mutex> write_lock() {
    if (detail::no_wait()) detail::would_block();  // commands and catch-up may always wait
    std::lock_guard<std::mutex> t(turnstile_);
    return std::unique_lock<std::shared_mutex>(mutex_);
  }
  void catch_up_locked(const ProgressFn& progress = {});
  // The body of one command under the exclusive lock: decide, append (with conflict
  // retries), apply, keep its key, queue its events for subscribers.
  Result execute_one_locked(PersonId actor, const Command& command, std::string_view key,
                            const std::string& digest);
  // The leader's work for a group of queued commands (exclusive lock held): fills in each
  // writer's result or error.
  void commit_group_locked(const std::vector<detail::Writer*>& group);
  // After a failed group append: the state rebuilt from the store (snapshot and log).
  void rollback_locked() noexcept;
  // The state at the end of local day d rebuilt from the log, from the cache when it holds it.
  std::shared_ptr<const State> state_on(Date d) const;
  // engine_snapshot.cpp: load the store's snapshot (if any, and if it decodes) before
  // catching up; snapshot after a commit crossing a multiple of snapshot_every.
  void restore_snapshot_locked();
  void after_commit_snapshot_locked(std::uint64_t first, std::uint64_t last) noexcept;
  std::vector<Recorded> history_where(const std::function<bool(const Recorded&)>& match) const;

  Profile profile_;
  std::shared_ptr<const Calendar> calendar_;
  std::shared_ptr<const Clock> clock_;
  std::unique_ptr<EventStore> store_;
  int max_retries_;
  std::uint64_t snapshot_every_ = 0;
  mutable std::shared_mutex mutex_;
  mutable std::mutex turnstile_;
  State state_;
  Batch batch_;
  std::unique_ptr<detail::Decision> decision_;
  std::unique_ptr<detail::WriterQueue> writers_;  // commands waiting to commit (group commit)
  std::unique_ptr<detail::IdempotencyWindow> idempotency_;  // recent keys (src/idempotency.h)
  // Subscribers' queue and thread (src/subscribers.h); shared with subscriptions, which may
  // outlive the engine.
  std::shared_ptr<detail::Delivery> delivery_;
  // Recently rebuilt past days (state_on): most recent first.
  struct PastState {
    Instant end;                          // the end of the day it stands for
    std::uint64_t log_seq = 0;            // the engine's last_seq when it was built
    std::shared_ptr<const State> state;
  };
  std::size_t past_states_cached_ = 2;
  mutable std::mutex past_mutex_;
  mutable std::vector<PastState> past_;
  // similar_items' index (src/similar.h), built on first use: caught up under the exclusive
  // side of similar_mutex_, queried under the shared side, always inside the read lock.
  mutable std::shared_mutex similar_mutex_;
  mutable std::unique_ptr<detail::SimilarIndex> similar_;
  // Evidence attachments (issue 14): the integrator's store, or null (EngineOptions::attachments).
 public:
  std::shared_ptr<AttachmentStore> attachments_;
  // The outbox's leases (src/engine_outbox.cpp): notice id -> when its lease ends. In memory
  // only: after a restart every unacknowledged notice is pending again (at least once).
  std::mutex lease_mutex_;
  std::unordered_map<std::uint32_t, Instant> leases_;
};

}  // namespace doithoai

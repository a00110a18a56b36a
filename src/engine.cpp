#include "engine_impl.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>

#include "doithoai/error.h"
#include "doithoai/json.h"
#include "doithoai/vietnam_calendar.h"
#include "idempotency.h"
#include "outbox.h"
#include "similar.h"
#include "text.h"
#include "rules.h"
#include "state_access.h"
#include "state_impl.h"
#include "subscribers.h"

namespace doithoai {

std::shared_ptr<const Calendar> calendar_for(const Profile& profile) {
  if (profile.calendar == "weekend") return std::make_shared<WeekendCalendar>();
  if (profile.calendar == "vietnam") {
    // A profile may carry its own arrangement document (official swaps) over the shipped ones.
    if (profile.source.is_object() && profile.source.contains("calendar_arrangements"))
      return VietnamCalendar::from_json(profile.source["calendar_arrangements"]);
    return VietnamCalendar::builtin();
  }
  throw Error(ErrorCode::unsupported, "profile " + profile.name + " names calendar '" +
                                          profile.calendar + "', which this build lacks");
}

// ---- subscriptions (delivery: src/subscribers.cpp) ----
Subscription::Subscription(Subscription&& o) noexcept = default;
Subscription& Subscription::operator=(Subscription&& o) noexcept {
  if (this != &o) {
    reset();
    own_ = std::move(o.own_);
  }
  return *this;
}
Subscription::~Subscription() { reset(); }
void Subscription::reset() {
  if (!own_) return;
  const std::shared_ptr<Hook> hook = std::move(own_);
  if (auto delivery = hook->delivery.lock()) delivery->remove(hook.get());
}

namespace {

using detail::result_of;  // src/idempotency.cpp

// Commands committed in one group at most (LevelDB bounds its groups the same way).
constexpr std::size_t kMaxGroup = 256;

// Replays at least this long reserve the state's record vectors up front.
constexpr std::uint64_t kBulkReplay = 65536;

// The top-level unit an event concerns: the partition key of scale-out (DESIGN.md).
UnitId partition_of(const detail::StateImpl& s, const Event& e) {
  const Subjects sub = subjects_of(e);
  UnitId u = sub.unit;
  if (!u && sub.item && s.has_item(sub.item)) u = s.items[sub.item.value].unit;
  if (!u && sub.conference && s.has_conference(sub.conference)) u = s.conferences[sub.conference.value].value.unit;
  if (const auto* c = std::get_if<ev::UnitCreated>(&e)) u = c->parent ? c->parent : c->unit;
  if (!u || !s.has_unit(u)) return u;
  for (int guard = 0; guard < 1000 && s.units[u.value].value.parent; ++guard) u = s.units[u.value].value.parent;
  return u;
}

}  // namespace

namespace detail {
// One execute call waiting in the group-commit queue (on its caller's stack).
struct Writer {
  PersonId actor;
  const Command* command = nullptr;
  std::string_view key;
  const std::string* digest = nullptr;
  bool done = false;  // set by the leader, under WriterQueue::mutex
  Result result;
  std::exception_ptr error;
  std::condition_variable cv;
};
// LevelDB's writer queue: the front writer is the leader; it commits a group of the
// writers queued behind it, then signals them and hands the lead to the next in line.
struct WriterQueue {
  std::mutex mutex;
  std::deque<Writer*> queue;
  std::vector<Writer*> group;  // the leader's group (only the leader touches it)
  std::atomic<std::size_t> waiting{0};  // queue.size(), readable without the mutex
  // A command committing alone (it skipped the queue) holds or is taking the exclusive lock:
  // one that then finds the lock held queues behind it rather than waiting for it alone.
  std::atomic<bool> solo{false};
};
}  // namespace detail

Engine::Impl::Impl(Profile profile, EngineOptions options)
    : Impl(std::move(profile), nullptr, std::move(options), std::make_shared<detail::TextPool>()) {}

Engine::Impl::Impl(Profile profile, std::unique_ptr<EventStore> store, EngineOptions options)
    : Impl(std::move(profile), std::move(store), std::move(options), nullptr) {
  if (!store_) throw Error(ErrorCode::invalid_argument, "engine needs a store");
}

// With a pool and no store: an in-memory log sharing the state's text pool.
Engine::Impl::Impl(Profile profile, std::unique_ptr<EventStore> store, EngineOptions options,
               std::shared_ptr<detail::TextPool> pool)
    : profile_(std::move(profile)),
      calendar_(options.calendar ? options.calendar : calendar_for(profile_)),
      clock_(options.clock ? options.clock : std::make_shared<SystemClock>()),
      store_(pool && !store ? detail::StateAccess::memory_store(pool) : std::move(store)),
      max_retries_(std::max(0, options.max_conflict_retries)),
      snapshot_every_(options.snapshot_every),
      state_(detail::StateAccess::sharing(pool)),
      decision_(std::make_unique<detail::Decision>()),
      writers_(std::make_unique<detail::WriterQueue>()),
      idempotency_(std::make_unique<detail::IdempotencyWindow>(options.idempotency_window)),
      delivery_(std::make_shared<detail::Delivery>()),
      past_states_cached_(options.past_states_cached) {
  state_.set_zone_offset_minutes(profile_.zone_offset_minutes);
  attachments_ = std::move(options.attachments);  // issue 14
  if (!store_) return;  // the public constructor reports a missing store
  restore_snapshot_locked();
  state_.set_zone_offset_minutes(profile_.zone_offset_minutes);  // a snapshot replaces the projection
  catch_up_locked(options.replay_progress);
}

Engine::Impl::~Impl() { close_subscribers(); }

void Engine::Impl::close_subscribers() { delivery_->close(); }

void Engine::Impl::catch_up_locked(const ProgressFn& progress) {
  const std::uint64_t from = state_.last_seq() + 1;
  const std::uint64_t last = store_->last_seq();
  if (last < from) return;
  const std::uint64_t total = last - from + 1;
  std::uint64_t applied = 0;
  struct BulkLoad {  // a long replay: records reserved up front, texts on huge pages
    detail::TextPool* pool = nullptr;
    ~BulkLoad() {
      if (pool) pool->bulk_load(false);
    }
  } bulk;
  if (last - from >= kBulkReplay) {
    auto& impl = const_cast<detail::StateImpl&>(detail::StateAccess::impl(state_));
    impl.reserve_for_events(static_cast<std::size_t>(last - from + 1));
    bulk.pool = &impl.text();
    bulk.pool->bulk_load(true);
  }
  std::vector<Recorded> one(1);
  store_->read(from, [&](const Recorded& r, std::string_view key) {
    if (r.seq != state_.last_seq() + 1)
      throw Error(ErrorCode::corruption, "store skipped from sequence " + std::to_string(state_.last_seq()) +
                                             " to " + std::to_string(r.seq));
    detail::StateAccess::apply(state_, r);
    if (!key.empty()) {
      one[0] = r;
      idempotency_->remember(key, result_of(one), nullptr);
    }
    if (progress && (++applied & 4095) == 0) progress(applied, std::max(total, applied));
    return true;
  });
  if (progress) progress(applied, std::max(total, applied));
}

void Engine::Impl::catch_up() {
  auto lock = write_lock();
  catch_up_locked();
}

Result Engine::Impl::execute(PersonId actor, const Command& command, std::string_view key) {
  if (detail::no_wait()) detail::would_block();  // a command waits for its commit
  detail::check_idempotency_key(key);
  // A key is kept with a digest of the request: a retry replays, another request conflicts.
  const std::string digest = key.empty() ? std::string() : detail::request_digest(actor, command);
  detail::WriterQueue& wq = *writers_;
  // Nobody queued and no writer committing alone: commit alone at once, as a group of one
  // would (no queue to join). The turnstile is waited for, not tried: queries pass it in an
  // instant, and a writer holding it is about to take the lock (then `solo` or `waiting` says
  // so below). If the lock is held by queries only (a subscriber or another thread reading),
  // wait for them holding the turnstile as the engine always did, rather than queueing. If a
  // writer holds it (one committing alone, or a group's leader), join the queue, whose leader
  // takes the lock.
  if (wq.waiting.load(std::memory_order_acquire) == 0 && !wq.solo.load(std::memory_order_acquire)) {
    std::unique_lock<std::mutex> t(turnstile_);
    {
      std::unique_lock<std::shared_mutex> lock(mutex_, std::try_to_lock);
      // Checked holding the turnstile, which every writer passes before taking the lock.
      if (!lock.owns_lock() && !wq.solo.load(std::memory_order_acquire) &&
          wq.waiting.load(std::memory_order_acquire) == 0)
        lock.lock();
      if (lock.owns_lock()) {
        wq.solo.store(true, std::memory_order_release);
        t.unlock();
        struct Solo {  // cleared before the lock is released (declared after it)
          std::atomic<bool>& f;
          ~Solo() { f.store(false, std::memory_order_release); }
        } solo{wq.solo};
        return execute_one_locked(actor, command, key, digest);
      }
    }
  }
  detail::Writer w;
  w.actor = actor;
  w.command = &command;
  w.key = key;
  w.digest = &digest;
  {
    std::unique_lock<std::mutex> q(wq.mutex);
    wq.queue.push_back(&w);
    wq.waiting.store(wq.queue.size(), std::memory_order_release);
    while (!w.done && wq.queue.front() != &w) w.cv.wait(q);
  }
  if (!w.done) {
    // The leader: commit the group of writers queued so far (this one first).
    {
      auto lock = write_lock();
      {
        std::lock_guard<std::mutex> q(wq.mutex);
        const std::size_t n = std::min(wq.queue.size(), kMaxGroup);
        wq.group.assign(wq.queue.begin(), wq.queue.begin() + static_cast<std::ptrdiff_t>(n));
      }
      try {
        commit_group_locked(wq.group);
      } catch (...) {  // only allocation failures get here: whoever has no outcome gets this
        for (detail::Writer* g : wq.group)
          if (!g->error && !g->result.first_seq && !g->result.replayed) g->error = std::current_exception();
      }
      // Signalled under the queue's mutex: a writer returns (and its cv dies) only after it.
      std::lock_guard<std::mutex> q(wq.mutex);
      for (std::size_t i = 0; i < wq.group.size(); ++i) {
        detail::Writer* g = wq.queue.front();
        wq.queue.pop_front();
        g->done = true;
        if (g != &w) g->cv.notify_one();
      }
      wq.group.clear();
      wq.waiting.store(wq.queue.size(), std::memory_order_release);
      if (!wq.queue.empty()) wq.queue.front()->cv.notify_one();
    }
  }
  if (w.error) std::rethrow_exception(w.error);
  return std::move(w.result);
}

void Engine::Impl::commit_group_locked(const std::vector<detail::Writer*>& group) {
  if (group.size() == 1 || !store_->appends_groups()) {
    for (detail::Writer* w : group) {
      try {
        w->result = execute_one_locked(w->actor, *w->command, w->key, *w->digest);
      } catch (...) {
        w->error = std::current_exception();
      }
    }
    return;
  }
  // Decide each command against the state holding the events of those before it (applied
  // now, committed below; the exclusive lock keeps them from queries until then).
  struct Slot {
    Batch batch;
    int replay_of = -1;      // replays the key of this earlier slot (committed with the group)
    bool depends = false;    // decided after events of the group were applied
    bool settled = false;    // replayed a key committed before: stands whatever the group does
  };
  std::vector<Slot> slots(group.size());
  std::vector<const Batch*> batches;
  batches.reserve(group.size());
  try {
    if (store_->last_seq() != state_.last_seq()) catch_up_locked();
  } catch (...) {
    for (detail::Writer* w : group) w->error = std::current_exception();
    return;
  }
  detail::Decision& decision = *decision_;
  std::exception_ptr failure;
  for (std::size_t i = 0; i < group.size(); ++i) {
    detail::Writer& w = *group[i];
    Slot& slot = slots[i];
    slot.depends = !batches.empty();
    try {
      if (!w.key.empty()) {
        if (auto replayed = idempotency_->replay(*store_, w.key, *w.digest, state_.last_seq())) {
          w.result = std::move(*replayed);
          slot.settled = true;
          continue;
        }
        bool pending = false;  // the key of a command earlier in this group
        for (std::size_t j = 0; j < i && !pending; ++j) {
          if (slots[j].batch.events.empty() || slots[j].batch.idempotency_key != w.key) continue;
          if (*group[j]->digest != *w.digest)
            throw Error(ErrorCode::conflict, "idempotency key '" + std::string(w.key) +
                                                 "' was first used for a different request (command or actor)");
          slot.replay_of = static_cast<int>(j);
          pending = true;
        }
        if (pending) continue;
      }
      Instant now = clock_->now();
      if (!state_.last_at().is_special() && now < state_.last_at()) now = state_.last_at();
      const detail::DecideInput input{detail::StateAccess::impl(state_), profile_, *calendar_, w.actor, now, attachments_.get()};
      detail::decide(input, *w.command, decision);
      detail::add_required_notices(input, decision, state_.last_seq() + 1);  // the outbox (src/outbox.cpp)
      if (decision.events.empty()) {  // an outbox command with nothing to record: done, nothing appended
        w.result = Result();
        slot.settled = !slot.depends;
        continue;
      }
      Batch& batch = slot.batch;
      batch.idempotency_key.assign(w.key.data(), w.key.size());
      batch.idempotency_digest = *w.digest;
      batch.partition = partition_of(detail::StateAccess::impl(state_), decision.events.front());
      std::uint64_t seq = state_.last_seq();
      for (auto& e : decision.events) batch.events.push_back(Recorded{++seq, now, w.actor, std::move(e)});
      batches.push_back(&batch);
    } catch (...) {
      w.error = std::current_exception();
      continue;
    }
    try {
      for (const auto& r : slot.batch.events) detail::StateAccess::apply(state_, r);
    } catch (...) {  // not expected (apply does not refuse): the group fails as a whole
      failure = std::current_exception();
      break;
    }
  }
  if (batches.empty()) return;  // only replays and refusals: nothing to append
  if (!failure) {
    try {
      store_->append_group(batches);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (failure) {
    rollback_locked();
    bool conflict = false;
    try {
      std::rethrow_exception(failure);
    } catch (const Error& e) {
      conflict = e.code() == ErrorCode::conflict;
    } catch (...) {
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      detail::Writer& w = *group[i];
      const Slot& slot = slots[i];
      if (slot.settled || (slot.batch.events.empty() && slot.replay_of < 0 && !slot.depends && w.error))
        continue;  // its own outcome stands
      w.error = nullptr;
      w.result = Result();
      if (!conflict) {
        w.error = failure;
        continue;
      }
      // Another writer appended first: decide each again on its own, with the usual retries.
      try {
        w.result = execute_one_locked(w.actor, *w.command, w.key, *w.digest);
      } catch (...) {
        w.error = std::current_exception();
      }
    }
    return;
  }
  // Committed: results, keys, snapshot, subscribers (in sequence order).
  const bool listening = delivery_->listening();
  for (std::size_t i = 0; i < group.size(); ++i) {
    Slot& slot = slots[i];
    if (slot.batch.events.empty()) continue;
    detail::Writer& w = *group[i];
    w.result = result_of(slot.batch.events);
    if (!w.key.empty()) idempotency_->remember(w.key, w.result, w.digest);
    if (listening) delivery_->enqueue(slot.batch.events);
  }
  for (std::size_t i = 0; i < group.size(); ++i)
    if (slots[i].replay_of >= 0) {
      group[i]->result = group[static_cast<std::size_t>(slots[i].replay_of)]->result;
      group[i]->result.replayed = true;
    }
  if (snapshot_every_)
    after_commit_snapshot_locked(batches.front()->events.front().seq, batches.back()->events.back().seq);
}

void Engine::Impl::rollback_locked() noexcept {
  // The tentative events are in the state only: start over from what the store holds. If
  // even that fails, the state is left at a committed prefix of the log, which the next
  // command catches up from; it never shows the failed group's events.
  try {
    // A fresh text pool unless the in-memory log shares this one (then the failed group's
    // texts stay in it, unreferenced).
    const auto& pool = detail::StateAccess::impl(state_).text_pool;
    State fresh = detail::StateAccess::sharing(pool.use_count() > 1 ? pool : nullptr);
    fresh.set_zone_offset_minutes(profile_.zone_offset_minutes);
    state_ = std::move(fresh);
    restore_snapshot_locked();
    state_.set_zone_offset_minutes(profile_.zone_offset_minutes);
    catch_up_locked();
  } catch (...) {
  }
}

Result Engine::Impl::execute_one_locked(PersonId actor, const Command& command, std::string_view key,
                                  const std::string& digest) {
  // Buffers reused across commands (guarded by the exclusive lock).
  Batch& batch = batch_;
  detail::Decision& decision = *decision_;
  for (int attempt = 0;; ++attempt) {
    if (store_->last_seq() != state_.last_seq()) catch_up_locked();
    if (!key.empty())
      if (auto replayed = idempotency_->replay(*store_, key, digest, state_.last_seq())) return std::move(*replayed);
    // Event times never go backwards (a clock set back, another writer's skew): the state at
    // the end of any day is then a prefix of the log, and as-of queries are exact.
    Instant now = clock_->now();
    if (!state_.last_at().is_special() && now < state_.last_at()) now = state_.last_at();
    const detail::DecideInput input{detail::StateAccess::impl(state_), profile_, *calendar_, actor, now, attachments_.get()};
    detail::decide(input, command, decision);
    // The notices its events require, in the same batch: one append is the transaction.
    detail::add_required_notices(input, decision, state_.last_seq() + 1);
    if (decision.events.empty()) return Result();  // an outbox command with nothing to record
    batch.idempotency_key.assign(key.data(), key.size());
    batch.idempotency_digest = digest;
    batch.partition = partition_of(detail::StateAccess::impl(state_), decision.events.front());
    batch.events.clear();
    std::uint64_t seq = state_.last_seq();
    for (auto& e : decision.events) batch.events.push_back(Recorded{++seq, now, actor, std::move(e)});
    try {
      store_->append(batch);
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::conflict || attempt >= max_retries_) throw;
    }
  }
  for (const auto& r : batch.events) detail::StateAccess::apply(state_, r);
  Result result = result_of(batch.events);
  if (!key.empty()) idempotency_->remember(key, result, &digest);
  if (snapshot_every_) after_commit_snapshot_locked(result.first_seq, result.last_seq);
  // Queued under the exclusive lock, so in sequence order; delivered on the delivery thread.
  if (delivery_->listening()) delivery_->enqueue(batch.events);
  return result;
}

nlohmann::json Engine::Impl::execute_json(const nlohmann::json& request) {
  if (!request.is_object()) throw Error(ErrorCode::invalid_argument, "a request must be a JSON object");
  check_json_depth(request, "a request");
  for (auto it = request.begin(); it != request.end(); ++it)
    if (it.key() != "actor" && it.key() != "idempotency_key" && it.key() != "command")
      throw Error(ErrorCode::invalid_argument, "unknown request field '" + it.key() + "'");
  if (!request.contains("actor") || !request.contains("command"))
    throw Error(ErrorCode::invalid_argument, "a request needs \"actor\" and \"command\"");
  PersonId actor;
  const auto& a = request["actor"];
  if (a.is_string() && a.get<std::string>() == "system") actor = kSystemActor;
  // Any JSON integer in range: Python ints and most JSON builders give signed numbers.
  else if ((a.is_number_unsigned() && a.get<std::uint64_t>() < kSystemActor.value) ||
           (a.is_number_integer() && !a.is_number_unsigned() && a.get<std::int64_t>() >= 0 &&
            a.get<std::int64_t>() < std::int64_t{kSystemActor.value}))
    actor = PersonId(static_cast<std::uint32_t>(a.get<std::uint64_t>()));
  else
    throw Error(ErrorCode::invalid_argument, "request field 'actor': expected a person id (an integer in 0.." +
                                                 std::to_string(kSystemActor.value - 1) + ") or \"system\"");
  std::string key;
  if (request.contains("idempotency_key")) {
    if (!request["idempotency_key"].is_string())
      throw Error(ErrorCode::invalid_argument, "idempotency_key must be a string");
    key = request["idempotency_key"].get<std::string>();
  }
  return result_to_json(execute(actor, command_from_json(request["command"]), key));
}

Subscription Engine::Impl::subscribe(std::function<void(const Recorded&)> callback) {
  if (!callback) throw Error(ErrorCode::invalid_argument, "subscribe needs a callback");
  auto hook = std::make_shared<Subscription::Hook>();
  hook->callback = std::move(callback);
  hook->delivery = delivery_;
  // Held across starting the thread and adding the hook, so that a concurrent last
  // unsubscription cannot stop the thread in between.
  std::unique_lock<std::mutex> life = delivery_->lifecycle_guard();
  delivery_->start_locked();
  {
    // Under the shared lock no command commits: every event from `from` on is queued.
    auto lock = read_lock();
    hook->from = state_.last_seq() + 1;
    delivery_->add(hook);
  }
  Subscription s;
  s.own_ = std::move(hook);
  return s;
}

void Engine::Impl::flush_subscribers() { delivery_->flush(std::nullopt); }
bool Engine::Impl::flush_subscribers(std::chrono::milliseconds timeout) { return delivery_->flush(timeout); }
std::size_t Engine::Impl::undelivered() const { return delivery_->pending(); }

std::uint64_t Engine::Impl::callback_errors() const { return delivery_->errors(); }

Date Engine::Impl::today() const { return local_date(clock_->now(), profile_.zone_offset_minutes); }
std::size_t Engine::Impl::waiting_commands() const { return writers_->waiting.load(std::memory_order_acquire); }
std::uint64_t Engine::Impl::last_seq() const {
  auto lock = read_lock();
  return state_.last_seq();
}

Item Engine::Impl::item(ItemId id) const { return read([&](const State& s) { return s.item(id); }); }
Unit Engine::Impl::unit(UnitId id) const { return read([&](const State& s) { return s.unit(id); }); }
Conference Engine::Impl::conference(ConferenceId id) const {
  return read([&](const State& s) { return s.conference(id); });
}
Opinion Engine::Impl::opinion(OpinionId id) const { return read([&](const State& s) { return s.opinion(id); }); }
Person Engine::Impl::person(PersonId id) const { return read([&](const State& s) { return s.person(id); }); }
Standing Engine::Impl::standing(ItemId id, Date as_of) const {
  try {
    return read_as_of(as_of, [&](const State& s) { return s.standing(id, as_of); });
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found || !id) throw;
    if (id.value <= read([](const State& s) { return s.item_count(); }))
      throw Error(ErrorCode::not_found,
                  "item " + std::to_string(id.value) + " did not exist yet on " + format_date(as_of));
    throw;
  }
}
std::vector<ItemId> Engine::Impl::items(const ItemQuery& q) const {
  if (q.as_of.is_special()) return read([&](const State& s) { return s.items(q); });
  return read_as_of(q.as_of, [&](const State& s) { return s.items(q); });
}
std::vector<ItemId> Engine::Impl::overdue(Date as_of, std::size_t limit) const {
  return read_as_of(as_of, [&](const State& s) { return s.overdue(as_of, limit); });
}
std::vector<ItemId> Engine::Impl::due_within(Date from, int days, std::size_t limit) const {
  if (days < 0) throw Error(ErrorCode::invalid_argument, "days must not be negative");
  check_date(from, "from");
  return due_between(from, from + boost::gregorian::date_duration(days), limit);
}
std::vector<ItemId> Engine::Impl::due_between(Date from, Date to, std::size_t limit) const {
  check_date(from, "from");
  check_date(to, "to");
  return read_as_of(from, [&](const State& s) { return s.due_between(from, to, limit); });
}
Reconciliation Engine::Impl::reconciliation(ConferenceId id) const {
  return read([&](const State& s) { return s.reconciliation(id); });
}

std::vector<SimilarItem> Engine::Impl::similar_items(UnitId unit, std::string_view text, std::size_t limit) const {
  if (limit < 1 || limit > 100)
    throw Error(ErrorCode::invalid_argument, "limit must be 1..100 (got " + std::to_string(limit) + ")");
  detail::check_text(text, "text", kMaxTextBytes, true);
  auto lock = read_lock();
  const detail::StateImpl& s = detail::StateAccess::impl(state_);
  if (!s.has_unit(unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(unit.value));
  {
    std::shared_lock<std::shared_mutex> r(similar_mutex_, std::defer_lock);
    if (!detail::no_wait()) r.lock();
    else if (!r.try_lock()) detail::would_block();
    if (similar_ && similar_->lag(s) == 0) return similar_->query(s, unit, text, limit);
  }
  {
    // The state cannot change while the read lock is held: once caught up, it stays so.
    // Without waiting (dt_try_call), only a short catch-up: building the index is a worker's.
    std::unique_lock<std::shared_mutex> w(similar_mutex_, std::defer_lock);
    if (!detail::no_wait()) w.lock();
    else if (!w.try_lock() || !similar_ || similar_->lag(s) > 1024) detail::would_block();
    if (!similar_) similar_ = std::make_unique<detail::SimilarIndex>();
    similar_->catch_up(s);
  }
  std::shared_lock<std::shared_mutex> r(similar_mutex_, std::defer_lock);
  if (!detail::no_wait()) r.lock();
  else if (!r.try_lock()) detail::would_block();
  return similar_->query(s, unit, text, limit);
}

Accounting Engine::Impl::accounting(UnitId unit, Date as_of) const {
  return read_as_of(as_of, [&](const State& s) { return s.accounting(unit, as_of); });
}

namespace {
// The last microsecond of local day d, in UTC.
Instant end_of_local_day(Date d, int zone_minutes) {
  return Instant(d + boost::gregorian::date_duration(1)) - boost::posix_time::minutes(zone_minutes) -
         boost::posix_time::microseconds(1);
}

// Events a long read of a store that cannot be read while it appends visits per hold of the
// engine's shared lock (a writer waits for at most one slice: about a millisecond).
constexpr std::size_t kReadSlice = 1024;

// Long reads ("Long reads without stalling", docs/design-notes.md): calls visit(r) for the
// events [from, upto] of the log, in order, until it returns false. upto was captured under
// the engine's lock: the log is append-only, so that prefix never changes, whatever is
// appended meanwhile. A store that reads while it appends (reads_while_appending) is read
// holding no engine lock; any other (MemoryStore) in slices of kReadSlice events, each under
// lock() (the engine's shared lock, so no append runs during it), released between slices.
template <class LockFn>
void scan_log(const EventStore& store, std::uint64_t from, std::uint64_t upto, LockFn lock,
              const std::function<bool(const Recorded&)>& visit) {
  if (from < 1) from = 1;
  if (store.reads_while_appending()) {
    if (from > upto) return;
    store.read(from, [&](const Recorded& r, std::string_view) { return r.seq <= upto && visit(r); });
    return;
  }
  bool more = true;
  while (more && from <= upto) {
    std::size_t n = 0;
    more = false;
    auto held = lock();
    store.read(from, [&](const Recorded& r, std::string_view) {
      if (r.seq > upto || !visit(r)) return false;
      from = r.seq + 1;
      if (++n < kReadSlice) return true;
      more = true;  // the slice is full: let writers in, then go on from `from`
      return false;
    });
  }
}

// The state as of instant t (events with at <= t) among the events [1, upto]; its own text
// pool (a rebuild never touches the live state's).
template <class LockFn>
State rebuild_until(const EventStore& store, int zone_minutes, Instant t, std::uint64_t upto, LockFn lock) {
  State s;
  s.set_zone_offset_minutes(zone_minutes);
  scan_log(store, 1, upto, lock, [&](const Recorded& r) {
    if (r.at > t) return false;
    detail::StateAccess::apply(s, r);
    return true;
  });
  return s;
}
}  // namespace

State Engine::Impl::state_as_of(Date d) const {
  check_date(d, "d");
  return state_as_of(end_of_local_day(d, profile_.zone_offset_minutes));
}

std::shared_ptr<const State> Engine::Impl::state_on(Date d) const {
  const Instant end = end_of_local_day(d, profile_.zone_offset_minutes);
  // One rebuild at a time: concurrent queries on the same day wait for it instead of
  // replaying the log twice. Without waiting (dt_try_call), only a cached day is answered.
  std::unique_lock<std::mutex> g(past_mutex_, std::defer_lock);
  if (!detail::no_wait()) g.lock();
  else if (!g.try_lock()) detail::would_block();
  const std::uint64_t now_seq = last_seq();
  for (auto it = past_.begin(); it != past_.end(); ++it) {
    if (it->end != end) continue;
    // Still the state of that day if nothing was appended since, or if the rebuild stopped
    // before the log's end (an event after the day: the log is append-only and its times
    // never go backwards, so no later append can belong to that day).
    if (it->log_seq == now_seq || it->state->last_seq() < it->log_seq) {
      PastState hit = *it;
      past_.erase(it);
      past_.insert(past_.begin(), hit);
      return hit.state;
    }
    past_.erase(it);
    break;
  }
  if (detail::no_wait()) detail::would_block();  // the rebuild reads the store
  auto s = std::make_shared<const State>(
      rebuild_until(*store_, profile_.zone_offset_minutes, end, now_seq, [this] { return read_lock(); }));
  if (past_states_cached_ == 0) return s;
  past_.insert(past_.begin(), PastState{end, std::max(now_seq, s->last_seq()), s});
  if (past_.size() > past_states_cached_) past_.resize(past_states_cached_);
  return s;
}

State Engine::Impl::state_as_of(Instant t) const {
  if (detail::no_wait()) detail::would_block();  // reads the store
  // The log's prefix the live state holds now (the shared lock only for this); events
  // appended after it are not included, as when the scan held the lock throughout.
  return rebuild_until(*store_, profile_.zone_offset_minutes, t, last_seq(), [this] { return read_lock(); });
}

std::vector<Recorded> Engine::Impl::events(std::uint64_t from, std::size_t limit) const {
  std::vector<Recorded> out;
  if (limit == 0) return out;
  if (detail::no_wait()) detail::would_block();  // reads the store
  scan_log(*store_, from, last_seq(), [this] { return read_lock(); }, [&](const Recorded& r) {
    out.push_back(r);
    return out.size() < limit;
  });
  return out;
}

std::vector<Recorded> Engine::Impl::history_where(const std::function<bool(const Recorded&)>& match) const {
  if (detail::no_wait()) detail::would_block();  // reads the store
  std::vector<Recorded> out;
  scan_log(*store_, 1, last_seq(), [this] { return read_lock(); }, [&](const Recorded& r) {
    if (match(r)) out.push_back(r);
    return true;
  });
  return out;
}

std::vector<Recorded> Engine::Impl::history(ItemId id) const {
  const Item it = item(id);  // not_found for unknown ids
  return history_where([&](const Recorded& r) {
    if (const auto* o = std::get_if<ev::OpinionSubmitted>(&r.event))
      return o->opinion == it.opinion;
    if (const auto* h = std::get_if<ev::ConferenceHeld>(&r.event))
      return it.conference && h->conference == it.conference;
    const Subjects s = subjects_of(r.event);
    return s.item == id || s.item2 == id;
  });
}

std::vector<Recorded> Engine::Impl::history(OpinionId id) const {
  const Opinion op = opinion(id);
  return history_where([&](const Recorded& r) {
    const Subjects s = subjects_of(r.event);
    if (s.opinion == id) return true;
    for (ItemId i : op.items)
      if (s.item == i || s.item2 == i) return !std::holds_alternative<ev::OpinionSubmitted>(r.event);
    return false;
  });
}

std::vector<Recorded> Engine::Impl::history(ConferenceId id) const {
  (void)conference(id);
  return history_where([&](const Recorded& r) { return subjects_of(r.event).conference == id; });
}

}  // namespace doithoai

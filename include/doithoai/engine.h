// doithoai/engine.h: the engine, the one object an integrator holds.
//
//   auto engine = doithoai::Engine(doithoai::builtin_profile("hanoi-2200"));
//   auto ward = engine.execute(doithoai::kSystemActor, doithoai::cmd::CreateUnit{"Phường Bồ Đề", "xa"}).id;
//
// execute(actor, command) decides the command against the current state (rules,
// permissions, deadlines), appends its events to the store and applies them; it either
// succeeds whole or throws doithoai::Error and changes nothing. A command with an
// idempotency key that was seen before with the same request (the same actor and the same
// command, compared by a SHA-256 digest of the command's canonical JSON kept with the key)
// returns the first result and appends nothing; the same key with a different request
// throws Error(conflict) naming the key. Keys stored before digests match any request.
// A key is at most kMaxNameBytes of valid UTF-8 without control characters, else
// Error(invalid_argument).
// Dates: every query that takes a date answers exactly as of the end of that local day,
// whatever the day: on or after the day of the last event from the live state, before it
// from the state rebuilt from the log (the same answer Engine::state_as_of gives; the most
// recent rebuilt days are cached, see EngineOptions::past_states_cached). Event times never
// go backwards: a command is stamped with the later of the clock and the last event's time,
// so the state at the end of a day is always a prefix of the log.
// Thread safety: one Engine may be used from many threads. Queries run concurrently under
// a shared lock; commands are serialized.
// Long reads (state_as_of, history, events, and every query for a day before the live
// state's last day, which rebuilds that day from the log) read the log's prefix up to the
// last event committed when they began, captured under the shared lock, which is then
// released: events committed meanwhile are never in their answer (the same answer as if the
// read had held the lock throughout). On a store whose reads_while_appending() is true
// (SQLite, PostgreSQL) the scan holds no engine lock, so commands and live queries go on
// while it runs; on one that is not (MemoryStore, third-party stores by default) it holds
// the shared lock for 1,024 events at a time, so a command waits for at most one such slice,
// not the whole scan. A rebuilt state has its own text pool; only the scan of the in-memory
// log reads the live state's, under the shared lock.
// Group commit: commands that arrive while another is committing wait in a queue; the
// first of them then decides every waiting command in arrival order (each against the state
// including the events of those before it) and appends all their events in one store
// transaction (EventStore::append_group: one sync). execute returns only after the commit
// that holds its events, so when it returns they are durable (as durable as the store's one
// append). If that commit fails, every command of the group that had events, replayed a key
// of the group, or was decided after one that had events throws the commit's error, and none
// of them changed anything: the state is rebuilt from the store (snapshot and log), so a
// failed group costs a replay since the last snapshot. If the group's append meets another
// writer's events (Error(conflict)), each of its commands is decided again on its own, with
// the usual retries. A command that finds no other writer queued or committing (queries
// holding the lock it just waits for, as before), a group of one, and every command on a
// store whose appends_groups() is false are decided, appended and applied one at a time as
// before. Queries never see events before they are committed (the exclusive lock is held
// across the group's commit).
// Subscribers are asynchronous: a commit queues its events (a copy, under the exclusive
// lock) and returns; one delivery thread per engine (started at the first subscribe, stopped
// when the last subscription goes and in ~Engine) calls every callback with every event
// committed after it subscribed, exactly once, in sequence order, holding no engine lock.
// Each event is handed to every subscriber (in the order they subscribed) before the next
// event is handed to any, so no subscriber sees event n+1 before every subscriber has
// returned from n, even when a callback executes a command (its events are queued behind
// the one being delivered). So a slow or blocked subscriber never delays commands or queries,
// but delays the other subscribers; a callback may query, execute, subscribe and
// unsubscribe. Subscription::reset() and ~Subscription: see Subscription. flush_subscribers()
// waits until everything committed before the call was delivered. The queue is not bounded:
// undelivered events are held in memory (undelivered() counts them) as long as subscribers
// lag. An exception thrown by a subscriber is caught and counted (callback_errors); it never
// affects the engine. ~Engine delivers what was committed, then stops. Events other writers
// append to a shared store (catch_up) are not delivered.
// Ownership: the engine owns its store; calendars and clocks are shared.
// What the header shows: only the contract. The engine's locks, state, idempotency keys,
// group-commit queue, subscribers' queue and past-day cache are behind a private
// implementation (Engine is one pointer; LevelDB's DB is the model), so changing them changes
// neither this header nor the layout a caller compiled against. read and read_as_of are
// templates over the exported read_with and read_as_of_with: the locking protocol is compiled
// into the library, never into the caller. Profile is only declared here (include
// doithoai/profile.h, or the umbrella doithoai.h, to make one) and nlohmann::json only
// forward-declared (include doithoai/json.h, or nlohmann/json.hpp, to use execute_json's).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "doithoai/attachments.h"
#include "doithoai/calendar.h"
#include "doithoai/commands.h"
#include "doithoai/events.h"
#include "doithoai/export.h"
#include "doithoai/outbox.h"
#include "doithoai/state.h"
#include "doithoai/store.h"
#include "doithoai/time.h"

namespace doithoai {

struct Profile;  // doithoai/profile.h

struct EngineOptions {
  // Default: the calendar the profile names ("weekend": Monday–Friday).
  std::shared_ptr<const Calendar> calendar;
  // Default: the system clock.
  std::shared_ptr<const Clock> clock;
  // How often a command is decided again after another writer appended first.
  int max_conflict_retries = 16;
  // Write a snapshot (Engine::snapshot) after every this many events; 0: never by itself.
  // The snapshot is written on the committing thread; a failure to write one is ignored
  // (the command already committed; the next opening replays more of the log).
  std::uint64_t snapshot_every = 0;
  // How many states rebuilt for past dates are kept for further queries on the same day
  // (each costs about the memory of the live state); 0: rebuild for every query.
  std::size_t past_states_cached = 2;
  // How many idempotency keys are kept in memory with their first result: the most recently
  // committed or retried. An older key is found in the store (EventStore::find_idempotency_key:
  // an index lookup and one event read) and gets the same answer, so the window bounds memory
  // (about 200 bytes a key plus its bytes beyond 15; 100,000 keys: about 20 MB), not behaviour.
  // Once the log holds more keys than this (or the engine opened from a snapshot), a command
  // with a key the window lacks asks the store first. 0: none kept, every keyed command asks.
  std::size_t idempotency_window = 100000;
  // Progress of the replay at construction (store.h): events applied after the snapshot, of
  // how many; not called when there is nothing to replay. For progress bars (the CLI's).
  ProgressFn replay_progress;
  // Evidence attachments (issue 14): where their bytes live (doithoai/attachments.h). With a
  // store, a command naming an attachment whose bytes it lacks is refused (not_found); with
  // none, metadata is recorded as given (verify_attachments later finds what is missing).
  std::shared_ptr<AttachmentStore> attachments;
};

// The calendar a profile names.
DOITHOAI_API std::shared_ptr<const Calendar> calendar_for(const Profile& profile);

class Engine;

// Why an item's deadline falls on its day (R09, R12): what set it, from which day, under which
// profile rule and calendar, or that an official gave the date. Engine::explain_deadline.
struct DeadlineBasis {
  ItemId item;
  std::optional<Date> deadline;           // the deadline in force (none: the item never had one)
  std::optional<Date> original_deadline;  // the first one, kept when extended (R12)
  // What set the deadline in force: "conference" (held_on + the reply rule), "intake" (the day
  // raised + the reply rule), "escalation" (the proposal's day + the reply rule), "assignment"
  // (an earlier date given on assignment), "extension" (R12, with its notice), "reopen" (the
  // day reopened + the reopen rule, or a date given), "merged" (follows the original item).
  std::string source;
  std::string rule;     // the profile's deadline rule when computed ("reply", "reopen"); else empty
  bool given = false;   // an official gave the date; it was not computed from a rule
  Date event;           // the day the period runs from, or the day the date was given
  std::string notice_number;  // the extension's written notice (R12)
  ItemId follows;       // for a merged duplicate: the item whose deadline it follows
  std::optional<DeadlineExplanation> computation;  // the calendar's account, when computed
  std::string text_vi;  // one paragraph in Vietnamese saying all of the above
};

namespace detail {
class Delivery;
}

// Keeps a subscription alive; destroying or reset()ting it unsubscribes. When reset() (or the
// destructor) returns, the callback is not running and will not be called again, whichever
// thread it ran on: what the callback uses may then be destroyed. So reset() waits for a
// call in progress (do not reset while holding something the callback waits for). Called
// from inside a callback it does not wait (a callback cannot wait for itself) and the
// subscription gets no further events. A Subscription may outlive its engine.
class DOITHOAI_API Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&&) noexcept;
  Subscription& operator=(Subscription&&) noexcept;
  ~Subscription();
  void reset();

  struct Hook;

 private:
  friend class Engine;
  std::shared_ptr<Hook> own_;
};

// A borrowed callable void(const State&), as Engine::read_with takes it: two pointers, no
// allocation; valid only while the callable it was made from lives (a function argument).
class StateCallback {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, StateCallback> &&
                                             std::is_invocable_v<F&, const State&>>>
  StateCallback(F&& f) noexcept  // NOLINT: implicit, like std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, const State& s) { (*static_cast<std::remove_reference_t<F>*>(o))(s); }) {}
  void operator()(const State& s) const { call_(object_, s); }

 private:
  void* object_;
  void (*call_)(void*, const State&);
};

class DOITHOAI_API Engine {
 public:
  // An engine on a fresh in-memory store.
  explicit Engine(Profile profile, EngineOptions options = {});
  // An engine on the given store; its events are replayed first.
  Engine(Profile profile, std::unique_ptr<EventStore> store, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Result execute(PersonId actor, const Command& command, std::string_view idempotency_key = {});
  // {"actor": 3 | "system", "idempotency_key": "..."?, "command": {"type": ..., ...}}
  // -> the Result as JSON. Errors are thrown as with execute.
  nlohmann::json execute_json(const nlohmann::json& request);

  // Runs f(const State&) under the shared lock and returns what it returns (by value).
  // The lock is taken inside the library (read_with): callers compile no locking code.
  template <class F>
  auto read(F&& f) const {
    using R = std::decay_t<std::invoke_result_t<F&, const State&>>;
    if constexpr (std::is_void_v<R>) {
      read_with([&](const State& s) { f(s); });
    } else {
      std::optional<R> out;  // R need not be default-constructible
      read_with([&](const State& s) { out.emplace(f(s)); });
      return R(std::move(*out));
    }
  }
  // Runs f(const State&) on the state as it was at the end of local day as_of: the live
  // state (under the shared lock) when as_of is on or after the day of the last event, a
  // state rebuilt from the log otherwise. f sees a State whose answers_for(as_of) is true.
  // Error(invalid_argument) for a not-a-date as_of.
  template <class F>
  auto read_as_of(Date as_of, F&& f) const {
    using R = std::decay_t<std::invoke_result_t<F&, const State&>>;
    if constexpr (std::is_void_v<R>) {
      read_as_of_with(as_of, [&](const State& s) { f(s); });
    } else {
      std::optional<R> out;
      read_as_of_with(as_of, [&](const State& s) { out.emplace(f(s)); });
      return R(std::move(*out));
    }
  }
  // What read and read_as_of call: f runs once, on the calling thread, under the lock; what
  // it throws propagates (the lock released). StateCallback only borrows f for the call.
  void read_with(StateCallback f) const;
  void read_as_of_with(Date as_of, StateCallback f) const;

  // Convenience queries (each takes the shared lock once).
  Item item(ItemId id) const;
  Unit unit(UnitId id) const;
  Conference conference(ConferenceId id) const;
  Opinion opinion(OpinionId id) const;
  Person person(PersonId id) const;
  // Each query below that takes a date is exact as of any date (see "Dates" above).
  // R15 bucket of the item as of the date; not_found if it did not exist yet that day.
  Standing standing(ItemId id, Date as_of) const;
  // With q.as_of set, every filter is applied to the state of that day.
  std::vector<ItemId> items(const ItemQuery& q) const;
  // Items outstanding at the end of as_of whose deadline was before it, earliest first.
  std::vector<ItemId> overdue(Date as_of, std::size_t limit = 100) const;
  // Items outstanding at the end of `from` whose deadline falls in [from, from + days].
  std::vector<ItemId> due_within(Date from, int days, std::size_t limit = 1000) const;
  std::vector<ItemId> due_between(Date from, Date to, std::size_t limit = 1000) const;
  Accounting accounting(UnitId unit, Date as_of) const;
  Reconciliation reconciliation(ConferenceId id) const;
  // R07 at intake: the open items (open, assigned, reply written) of `unit` whose text is most
  // like `text`, best first, at most `limit` (1..100), for the office to consider merging
  // (MergeDuplicate) before or after submitting a new item. Words are compared folded (case,
  // diacritics and đ ignored) and weighted by their rarity among the unit's items; see
  // SimilarItem. Live state only. Errors: not_found (unit), invalid_argument (text empty,
  // over kMaxTextBytes or not UTF-8; limit out of range).
  std::vector<SimilarItem> similar_items(UnitId unit, std::string_view text, std::size_t limit = 10) const;

  // The notification outbox (issue 15; doithoai/outbox.h). outbox_fetch: up to `limit`
  // (1..1000) pending notices (not delivered, not under a live lease), oldest first, each
  // then leased until the clock's now + `lease` (1 s..1 day): no other fetch hands it out
  // while the lease is live. Leases are in memory only: after a restart, or when a lease
  // ends without a "delivered" acknowledgement, the notice is handed out again (at least
  // once). Lateness is judged as of today. Error(invalid_argument) for a limit or lease out
  // of range. Safe from many threads while commands run.
  std::vector<Notice> outbox_fetch(std::size_t limit = 10, std::chrono::seconds lease = std::chrono::seconds(60));
  // Records a delivery attempt (cmd::AcknowledgeNotice by the system actor): outcome
  // "delivered" (done; its lease released) or "failed" (still pending, handed out again when
  // its lease ends; counted as a failed attempt), on day `on` (default today). Acknowledging
  // a delivered notice again appends nothing and returns a Result with first_seq 0.
  // Errors: not_found (notice), invalid_argument (outcome, detail, on).
  Result outbox_ack(NoticeId notice, std::string_view outcome, std::string_view detail = {}, Date on = Date());
  // Notices as of the end of q.as_of (none: now), exact for any day (see "Dates").
  std::vector<Notice> outbox(const OutboxQuery& q = {}) const;
  // Issued, delivered, late, pending as of the end of as_of, for the subtree of `unit` (none: all).
  OutboxCounts outbox_counts(UnitId unit, Date as_of) const;

  // R09, R12: why the item's deadline in force falls on its day (calendar, rule, citation,
  // days skipped), reconstructed from the item's history.
  DeadlineBasis explain_deadline(ItemId id) const;

  // R20: every event concerning the entity, in order.
  std::vector<Recorded> history(ItemId id) const;
  std::vector<Recorded> history(OpinionId id) const;
  std::vector<Recorded> history(ConferenceId id) const;
  // Events with seq >= from, at most limit of them, committed before the call (see "Long
  // reads" above, as for history and state_as_of).
  std::vector<Recorded> events(std::uint64_t from, std::size_t limit) const;
  // The whole state as it was at instant t (events with at <= t), rebuilt from the log.
  State state_as_of(Instant t) const;
  // The state at the end of local day d (in the profile's zone), rebuilt from the log.
  State state_as_of(Date d) const;

  // Calls callback(event) on the delivery thread for every event committed after this call
  // (see "Subscribers" above).
  Subscription subscribe(std::function<void(const Recorded&)> callback);
  std::uint64_t callback_errors() const;
  // Waits until every event committed before the call has been delivered to every
  // subscriber. From inside a callback it returns false at once (it would wait for itself).
  void flush_subscribers();
  // The same, giving up after timeout; true when caught up.
  bool flush_subscribers(std::chrono::milliseconds timeout);
  // Events committed but not yet handed to subscribers (the memory the queue holds).
  std::size_t undelivered() const;

  const Profile& profile() const;
  const Calendar& calendar() const;
  const Clock& clock() const;
  // The store the engine appends to (e.g. to verify() a durable one). Safe to read while the
  // engine works (store.h), except the in-memory log of Engine(profile) (no store given),
  // which shares the engine's text pool: read that one while no command runs.
  const EventStore& store() const;
  Date today() const;
  std::uint64_t last_seq() const;
  // Commands waiting in the group-commit queue now, those being committed included (a
  // gauge; a command that found no queue and the lock free commits without queueing).
  std::size_t waiting_commands() const;
  // Reads events other writers appended to a shared store.
  void catch_up();
  // ---- Evidence attachments (issue 14; R13, R20) ----
  // The store of EngineOptions::attachments, or null.
  std::shared_ptr<AttachmentStore> attachment_store() const;
  // R20: verify_attachments (attachments.h) of the live state against the attachment store.
  // Error(unsupported) when the engine has none. Reads every attachment's bytes.
  AttachmentReport verify_attachments() const;
  // R13: the bytes of a public attachment (State::attachment_public) by its SHA-256. Content
  // that is not public (unknown, not publishable, its reply not published or a draft) is
  // Error(not_found), the same answer as absent content, so a public caller learns nothing of
  // private evidence; Error(invalid_argument) for a malformed hash; Error(unsupported) with
  // no store. The store is read outside the engine's lock.
  std::string public_attachment(std::string_view sha256) const;
  // Writes the current state to the store as a snapshot, so that opening replays only the
  // events after it. Returns the sequence it stands for (0 when the log is empty).
  // Stores without snapshots (MemoryStore) drop it. Throws Error(storage) on I/O failure.
  std::uint64_t snapshot();

 protected:
  // Delivers what was committed and stops the delivery thread; later commits are not
  // delivered. ~Engine calls it; a derived class whose callbacks need something the
  // destructor holds (Python: the GIL) calls it first, after releasing that.
  void close_subscribers();

 private:
  // Locks, the state, the idempotency keys, the group-commit queue, the subscribers' queue
  // and the cache of past days: src/engine_impl.h.
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace doithoai

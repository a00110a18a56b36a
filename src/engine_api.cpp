// Engine's public members: each forwards to Engine::Impl (src/engine_impl.h), whose bodies
// are in engine.cpp, engine_snapshot.cpp and engine_explain.cpp. Only the reads' entry points
// (read_with, read_as_of_with), which the header templates call, are more than a forwarder.
#include "engine_impl.h"
#include "state_impl.h"

#include <nlohmann/json.hpp>

#include "doithoai/error.h"

namespace doithoai {

Engine::Engine(Profile profile, EngineOptions options)
    : impl_(std::make_unique<Impl>(std::move(profile), std::move(options))) {}
Engine::Engine(Profile profile, std::unique_ptr<EventStore> store, EngineOptions options)
    : impl_(std::make_unique<Impl>(std::move(profile), std::move(store), std::move(options))) {}
// Subscribers are closed while the whole Impl is alive (a callback may still query).
Engine::~Engine() { impl_->close_subscribers(); }
void Engine::close_subscribers() { impl_->close_subscribers(); }

Result Engine::execute(PersonId actor, const Command& command, std::string_view idempotency_key) {
  return impl_->execute(actor, command, idempotency_key);
}
nlohmann::json Engine::execute_json(const nlohmann::json& request) { return impl_->execute_json(request); }

void Engine::read_with(StateCallback f) const {
  impl_->read([&](const State& s) { f(s); });
}
void Engine::read_as_of_with(Date as_of, StateCallback f) const {
  impl_->read_as_of(as_of, [&](const State& s) { f(s); });
}

Item Engine::item(ItemId id) const { return impl_->item(id); }
Unit Engine::unit(UnitId id) const { return impl_->unit(id); }
Conference Engine::conference(ConferenceId id) const { return impl_->conference(id); }
Opinion Engine::opinion(OpinionId id) const { return impl_->opinion(id); }
Person Engine::person(PersonId id) const { return impl_->person(id); }
Standing Engine::standing(ItemId id, Date as_of) const { return impl_->standing(id, as_of); }
std::vector<ItemId> Engine::items(const ItemQuery& q) const { return impl_->items(q); }
std::vector<ItemId> Engine::overdue(Date as_of, std::size_t limit) const { return impl_->overdue(as_of, limit); }
std::vector<ItemId> Engine::due_within(Date from, int days, std::size_t limit) const {
  return impl_->due_within(from, days, limit);
}
std::vector<ItemId> Engine::due_between(Date from, Date to, std::size_t limit) const {
  return impl_->due_between(from, to, limit);
}
Accounting Engine::accounting(UnitId unit, Date as_of) const { return impl_->accounting(unit, as_of); }
Reconciliation Engine::reconciliation(ConferenceId id) const { return impl_->reconciliation(id); }
std::vector<SimilarItem> Engine::similar_items(UnitId unit, std::string_view text, std::size_t limit) const {
  return impl_->similar_items(unit, text, limit);
}
std::vector<Notice> Engine::outbox_fetch(std::size_t limit, std::chrono::seconds lease) {
  return impl_->outbox_fetch(limit, lease);
}
Result Engine::outbox_ack(NoticeId notice, std::string_view outcome, std::string_view detail, Date on) {
  return impl_->outbox_ack(notice, outcome, detail, on);
}
std::vector<Notice> Engine::outbox(const OutboxQuery& q) const { return impl_->outbox(q); }
OutboxCounts Engine::outbox_counts(UnitId unit, Date as_of) const { return impl_->outbox_counts(unit, as_of); }
DeadlineBasis Engine::explain_deadline(ItemId id) const { return impl_->explain_deadline(id); }

std::vector<Recorded> Engine::history(ItemId id) const { return impl_->history(id); }
std::vector<Recorded> Engine::history(OpinionId id) const { return impl_->history(id); }
std::vector<Recorded> Engine::history(ConferenceId id) const { return impl_->history(id); }
std::vector<Recorded> Engine::events(std::uint64_t from, std::size_t limit) const {
  return impl_->events(from, limit);
}
State Engine::state_as_of(Instant t) const { return impl_->state_as_of(t); }
State Engine::state_as_of(Date d) const { return impl_->state_as_of(d); }

Subscription Engine::subscribe(std::function<void(const Recorded&)> callback) {
  return impl_->subscribe(std::move(callback));
}
std::uint64_t Engine::callback_errors() const { return impl_->callback_errors(); }
void Engine::flush_subscribers() { impl_->flush_subscribers(); }
bool Engine::flush_subscribers(std::chrono::milliseconds timeout) { return impl_->flush_subscribers(timeout); }
std::size_t Engine::undelivered() const { return impl_->undelivered(); }

const Profile& Engine::profile() const { return impl_->profile(); }
const Calendar& Engine::calendar() const { return impl_->calendar(); }
const Clock& Engine::clock() const { return impl_->clock(); }
const EventStore& Engine::store() const { return impl_->store(); }

// ---- evidence attachments (issue 14) ----
std::shared_ptr<AttachmentStore> Engine::attachment_store() const { return impl_->attachments_; }
AttachmentReport Engine::verify_attachments() const {
  if (!impl_->attachments_) throw Error(ErrorCode::unsupported, "the engine has no attachment store");
  // The references under the shared lock; the bytes read with no engine lock held.
  const auto refs = impl_->read([](const State& s) { return detail::attachment_refs(s); });
  return detail::verify_attachment_refs(refs, *impl_->attachments_);
}
std::string Engine::public_attachment(std::string_view sha256) const {
  if (!is_sha256_hex(sha256))
    throw Error(ErrorCode::invalid_argument, "an attachment hash is 64 lowercase hex digits (SHA-256)");
  if (!impl_->attachments_) throw Error(ErrorCode::unsupported, "the engine has no attachment store");
  const bool pub = impl_->read([&](const State& s) { return s.attachment_public(sha256); });
  if (!pub) throw Error(ErrorCode::not_found, "no public attachment " + std::string(sha256));
  return impl_->attachments_->get(sha256);
}
Date Engine::today() const { return impl_->today(); }
std::uint64_t Engine::last_seq() const { return impl_->last_seq(); }
std::size_t Engine::waiting_commands() const { return impl_->waiting_commands(); }
void Engine::catch_up() { impl_->catch_up(); }
std::uint64_t Engine::snapshot() { return impl_->snapshot(); }

}  // namespace doithoai

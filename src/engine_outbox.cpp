// Engine's outbox members (issue 15; contract: doithoai/engine.h and doithoai/outbox.h).
// Notices are in the state (src/outbox.cpp); leases only here, in memory.
#include <algorithm>

#include "doithoai/error.h"
#include "engine_impl.h"
#include "outbox.h"
#include "state_access.h"
#include "state_impl.h"

namespace doithoai {

std::vector<Notice> Engine::Impl::outbox_fetch(std::size_t limit, std::chrono::seconds lease) {
  if (limit < 1 || limit > 1000)
    throw Error(ErrorCode::invalid_argument, "limit must be 1..1000 (got " + std::to_string(limit) + ")");
  if (lease.count() < 1 || lease.count() > 86400)
    throw Error(ErrorCode::invalid_argument,
                "lease must be 1..86400 seconds (got " + std::to_string(lease.count()) + ")");
  const Instant now = clock_->now();
  const Instant until = now + boost::posix_time::seconds(static_cast<long>(lease.count()));
  const Date as_of = today();
  std::vector<Notice> out;
  auto lock = read_lock();
  // Held across the scan and the grants: two fetches never lease the same notice.
  std::lock_guard<std::mutex> guard(lease_mutex_);
  const detail::StateImpl& s = detail::StateAccess::impl(state_);
  if (leases_.size() > 4096) {  // forget ended leases and those of delivered notices
    for (auto it = leases_.begin(); it != leases_.end();)
      it = (it->second <= now || !s.outbox.pending.count(it->first)) ? leases_.erase(it) : std::next(it);
  }
  for (std::uint32_t id : s.outbox.pending) {
    if (out.size() >= limit) break;
    auto it = leases_.find(id);
    if (it != leases_.end() && it->second > now) continue;  // leased to someone else
    leases_[id] = until;
    out.push_back(detail::notice_of(s, id, as_of));
  }
  return out;
}

Result Engine::Impl::outbox_ack(NoticeId notice, std::string_view outcome, std::string_view detail, Date on) {
  Result r = execute(kSystemActor, cmd::AcknowledgeNotice{notice, std::string(outcome), std::string(detail), on});
  if (outcome == "delivered") {
    std::lock_guard<std::mutex> guard(lease_mutex_);
    leases_.erase(notice.value);
  }
  return r;
}

std::vector<Notice> Engine::Impl::outbox(const OutboxQuery& q) const {
  if (q.as_of.is_special()) return read([&](const State& s) { return outbox_notices(s, q); });
  return read_as_of(q.as_of, [&](const State& s) { return outbox_notices(s, q); });
}

OutboxCounts Engine::Impl::outbox_counts(UnitId unit, Date as_of) const {
  return read_as_of(as_of, [&](const State& s) { return doithoai::outbox_counts(s, unit, as_of); });
}

}  // namespace doithoai

// The engine's snapshot hooks, kept apart from engine.cpp.
#include "engine_impl.h"
#include "doithoai/error.h"
#include "idempotency.h"
#include "snapshot.h"
#include "state_access.h"
#include "state_impl.h"

namespace doithoai {

void Engine::Impl::restore_snapshot_locked() {
  std::uint64_t seq = 0;
  std::string image;
  if (!store_->load_snapshot(seq, image)) return;
  try {
    detail::StateImpl impl;
    std::unordered_map<std::string, Result> idem;
    detail::read_snapshot(image, impl, idem);
    if (impl.last_seq != seq) return;  // not the state it claims to be: replay instead
    // State exposes its projection read-only; the engine owns this State outright.
    const_cast<detail::StateImpl&>(detail::StateAccess::impl(state_)) = std::move(impl);
    idempotency_->restore(std::move(idem));
  } catch (const Error&) {
    // A damaged or foreign image: the log is the truth, replay it from the start.
  }
}

std::uint64_t Engine::Impl::snapshot() {
  if (detail::no_wait()) detail::would_block();  // writes the store
  auto lock = read_lock();
  const std::uint64_t seq = state_.last_seq();
  if (seq == 0) return 0;
  std::string image;
  detail::write_snapshot(detail::StateAccess::impl(state_), idempotency_->results(), image);
  store_->save_snapshot(seq, image);
  return seq;
}

void Engine::Impl::after_commit_snapshot_locked(std::uint64_t first, std::uint64_t last) noexcept {
  if ((first - 1) / snapshot_every_ == last / snapshot_every_) return;
  try {
    std::string image;
    detail::write_snapshot(detail::StateAccess::impl(state_), idempotency_->results(), image);
    store_->save_snapshot(last, image);
  } catch (...) {
    // The command committed; a missing snapshot only makes the next opening slower.
  }
}

}  // namespace doithoai

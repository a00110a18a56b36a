// Internal: reads that never wait, for dt_try_call (include/doithoai/c.h).
//
// While a NoWaitScope lives on a thread, the engine's reads on that thread do not wait where
// they otherwise would: the engine's lock is held or queued for by a command (its commit may
// take a disk sync), a past day is not among the cached states and would be rebuilt from the
// store, a read would scan the store (history, events, state_as_of), or a command or catch-up
// would take the exclusive lock. There they throw WouldBlock before changing anything; the
// caller (an event loop) runs the same call again where waiting is fine (a worker thread).
#pragma once

namespace doithoai::detail {

// Not a std::exception, so that no `catch (const std::exception&)` on the way turns it into
// an error: only dt_try_call catches it (and NoWaitScope's users).
struct WouldBlock {};

inline thread_local bool t_no_wait = false;

inline bool no_wait() noexcept { return t_no_wait; }

[[noreturn]] inline void would_block() { throw WouldBlock{}; }

class NoWaitScope {
 public:
  NoWaitScope() noexcept : previous_(t_no_wait) { t_no_wait = true; }
  ~NoWaitScope() { t_no_wait = previous_; }
  NoWaitScope(const NoWaitScope&) = delete;
  NoWaitScope& operator=(const NoWaitScope&) = delete;

 private:
  bool previous_;
};

}  // namespace doithoai::detail

// Internal: the library's own access to a State (and to the in-memory store's text pool),
// which the public headers do not offer. Users read a State; only the library folds events
// into one (the engine, stores' verify, checkpoints, the views' fast paths) and tests that
// build states by hand. Tests, fuzz harnesses and benchmarks may include it (src/ is on
// their include path); nothing installed does.
#pragma once

#include <memory>

#include "doithoai/events.h"
#include "doithoai/state.h"
#include "doithoai/store.h"

namespace doithoai::detail {

struct StateImpl;
class TextPool;

struct StateAccess {
  // Folds one event into s. Events must come in sequence order. An event that cannot follow
  // the state (a sequence gap, an id it names that does not exist, a created id that is not
  // the next, a status it cannot follow, a counter that would overflow) throws
  // Error(corruption) naming r.seq and leaves the state unchanged: logs are checked as read.
  // Needs exclusive access to s.
  DOITHOAI_API static void apply(State& s, const Recorded& r);
  // The projection itself (src/state_impl.h), read-only.
  static const StateImpl& impl(const State& s) { return *s.impl_; }
  // An empty state whose texts live in the given pool (shared with the engine's in-memory
  // log); null: a pool of its own.
  DOITHOAI_API static State sharing(std::shared_ptr<TextPool> pool);
  // An in-memory store writing texts to that pool instead of inline.
  DOITHOAI_API static std::unique_ptr<MemoryStore> memory_store(std::shared_ptr<TextPool> pool);
};

}  // namespace doithoai::detail

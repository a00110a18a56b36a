// decide(): visits the command with the Decider (src/rules/decider.h).
#include "rules/decider.h"

namespace doithoai::detail {

void decide(const DecideInput& in, const Command& command, Decision& out) {
  out.events.clear();
  out.result = Result{};
  rules::Decider d(in, out);
  std::visit(d, command);
}

}  // namespace doithoai::detail

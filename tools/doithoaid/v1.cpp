// placeholder of the base branch: replaced by the v1 routes
#include "config.h"
namespace doithoaid {
void add_v1_routes(Router&, Context&) {}
}  // namespace doithoaid

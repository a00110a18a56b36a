// placeholder of the base branch: replaced by the open311 routes
#include "config.h"
namespace doithoaid {
void add_open311_routes(Router&, Context&) {}
}  // namespace doithoaid

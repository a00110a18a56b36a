#include "doithoai/error.h"

namespace doithoai {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::permission_denied: return "permission_denied";
    case ErrorCode::invalid_transition: return "invalid_transition";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::storage: return "storage";
    case ErrorCode::corruption: return "corruption";
    case ErrorCode::unsupported: return "unsupported";
  }
  return "unknown";
}

}  // namespace doithoai

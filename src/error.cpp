#include "doithoai/error.h"

namespace doithoai {

std::string printable_message(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    int n = -1;  // continuation bytes of a valid sequence starting here, -1: invalid
    if (c < 0x80) n = 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) n = 2;
    else if (c >= 0xF0 && c <= 0xF4) n = 3;
    if (n > 0) {
      if (end - p <= n) {
        n = -1;
      } else {
        std::uint32_t cp = c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
        for (int k = 1; k <= n && n > 0; ++k) {
          if ((p[k] & 0xC0) != 0x80) n = -1;
          else cp = (cp << 6) | (p[k] & 0x3F);
        }
        if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) n = -1;
        if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) n = -1;
      }
    }
    if (n < 0) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n + 1));
      p += n + 1;
    }
  }
  return out;
}

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

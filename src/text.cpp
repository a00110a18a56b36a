#include "text.h"

#include "doithoai/error.h"

namespace doithoai::detail {

bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
      if (c < 0xC2) return false;  // overlong
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += n + 1;
  }
  return true;
}

void check_text(std::string_view s, const char* field, std::size_t max_bytes, bool required) {
  if (s.empty()) {
    if (required) throw Error(ErrorCode::invalid_argument, std::string(field) + " is required");
    return;
  }
  if (s.size() > max_bytes)
    throw Error(ErrorCode::invalid_argument, std::string(field) + " is longer than " +
                                                 std::to_string(max_bytes) + " bytes");
  for (unsigned char c : s)
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      throw Error(ErrorCode::invalid_argument,
                  std::string(field) + " holds a control character");
  if (!valid_utf8(s))
    throw Error(ErrorCode::invalid_argument, std::string(field) + " is not valid UTF-8");
  bool blank = true;
  for (unsigned char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      blank = false;
      break;
    }
  if (blank && required)
    throw Error(ErrorCode::invalid_argument, std::string(field) + " is blank");
}

}  // namespace doithoai::detail

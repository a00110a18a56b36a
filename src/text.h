// Internal: UTF-8 validation and the text-field checks every command applies.
#pragma once

#include <string>
#include <string_view>

namespace doithoai::detail {

bool valid_utf8(std::string_view s) noexcept;
// Throws invalid_argument naming `field` when s is not valid UTF-8, holds a control
// character other than tab/newline/carriage return, is empty while required, or is longer
// than max_bytes.
void check_text(std::string_view s, const char* field, std::size_t max_bytes, bool required);

}  // namespace doithoai::detail

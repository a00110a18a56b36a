// Shared checks of profile loading (src/profile.cpp, src/views/profile_sections.cpp): every
// refusal names the JSON path of what it refuses.
#pragma once

#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "doithoai/error.h"

namespace doithoai::detail {

[[noreturn]] inline void profile_bad(const std::string& path, const std::string& what) {
  throw Error(ErrorCode::invalid_argument, "profile " + path + ": " + what);
}

// Refuses a non-object, and fields other than `allowed`, naming the first unknown one by its path.
inline void profile_only(const nlohmann::json& j, const std::string& path,
                         std::initializer_list<const char*> allowed) {
  if (!j.is_object()) profile_bad(path, "expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) profile_bad(path + "." + it.key(), "unknown field");
  }
}

}  // namespace doithoai::detail

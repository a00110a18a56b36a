// Shared by the libFuzzer harnesses (fuzz/*.cpp; docs/design-notes.md "Fuzzing and sanitizers").
// A harness feeds the bytes to one decoder of outside data. doithoai::Error is the documented
// failure and is swallowed; any other exception escapes LLVMFuzzerTestOneInput (libFuzzer
// reports it as a crash) and a broken invariant aborts through FUZZ_CHECK.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "doithoai/error.h"

#define FUZZ_CHECK(cond)                                                             \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

namespace fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Runs f(); true when it returned, false when it threw doithoai::Error. Anything else escapes.
template <class F>
bool accepts(F&& f) {
  try {
    f();
    return true;
  } catch (const doithoai::Error&) {
    return false;
  }
}

}  // namespace fuzz

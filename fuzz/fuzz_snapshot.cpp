// Snapshot images (detail::read_snapshot; src/snapshot.h). Stores hand the engine an image only
// after its checksum and anchor match, so this is defence in depth: any bytes must be decoded
// or refused with Error(corruption), never read out of bounds. An image that decodes must
// re-encode to an image that decodes and re-encodes to the same bytes.
#include <string>
#include <unordered_map>

#include "doithoai/commands.h"
#include "fuzz_common.h"
#include "snapshot.h"
#include "state_impl.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doithoai;
  detail::StateImpl s;
  std::unordered_map<std::string, Result> idem;
  if (!fuzz::accepts([&] { detail::read_snapshot(fuzz::bytes(data, size), s, idem); })) return 0;
  std::string once;
  detail::write_snapshot(s, idem, once);
  detail::StateImpl s2;
  std::unordered_map<std::string, Result> idem2;
  detail::read_snapshot(once, s2, idem2);  // must not throw: it is our own image
  std::string twice;
  detail::write_snapshot(s2, idem2, twice);
  FUZZ_CHECK(once == twice);
  return 0;
}

// Rule profiles as JSON (load_profile, behind load_profile_file and Engine construction): any
// text is parsed and loaded; a loaded profile must survive profile_to_json -> load_profile
// with the same JSON, and an engine must start on it.
#include "doithoai/doithoai.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doithoai;
  fuzz::accepts([&] {
    const Profile p = load_profile(parse_json(fuzz::bytes(data, size)));
    const nlohmann::json once = profile_to_json(p);
    const Profile again = load_profile(once);
    FUZZ_CHECK(profile_to_json(again) == once);
    Engine engine(p);
    (void)engine.read([](const State& s) { return s.last_seq(); });
  });
  return 0;
}

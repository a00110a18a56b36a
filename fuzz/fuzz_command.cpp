// Commands as JSON (command_from_json, behind execute_json and the Python API): any text is
// parsed (parse_json) and decoded; a decoded command must re-encode to JSON that decodes to
// a command with the same encoding (json.h: "encoding then decoding gives back an equal value").
#include "doithoai/json.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doithoai;
  fuzz::accepts([&] {
    const nlohmann::json j = parse_json(fuzz::bytes(data, size));
    const Command c = command_from_json(j);
    const nlohmann::json once = command_to_json(c);
    const Command again = command_from_json(once);
    FUZZ_CHECK(again.index() == c.index());
    FUZZ_CHECK(command_to_json(again) == once);
    FUZZ_CHECK(command_type(again) == once.at("type").get<std::string>());
  });
  return 0;
}

// Requests as JSON (Engine::execute_json: {"actor", "idempotency_key"?, "command"}), executed
// against a small directory: a ward with an office, a resident and a held conference with one
// assigned item. The world is built afresh for every input, so each run is reproducible.
// A request that succeeds must replay under the same key to the same result.
#include "doithoai/doithoai.h"
#include "fuzz_common.h"
#include "world.h"

using fuzz::World;
using namespace doithoai;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World w;
  fuzz::accepts([&] {
    nlohmann::json request = parse_json(fuzz::bytes(data, size));
    const nlohmann::json result = w.engine->execute_json(request);
    if (request.is_object()) {  // the same request again under a key it did not use: a replay
      request["idempotency_key"] = "fuzz-replay-key";
      const nlohmann::json first = w.engine->execute_json(request);
      const nlohmann::json second = w.engine->execute_json(request);
      FUZZ_CHECK(second.at("replayed") == true);
      FUZZ_CHECK(second.at("first_seq") == first.at("first_seq"));
      FUZZ_CHECK(second.at("id") == first.at("id"));
    }
    (void)result;
  });
  return 0;
}

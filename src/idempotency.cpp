#include "idempotency.h"

#include <openssl/evp.h>

#include "doithoai/error.h"
#include "doithoai/json.h"
#include "doithoai/model.h"
#include "text.h"

namespace doithoai::detail {

std::string request_digest(PersonId actor, const Command& c) {
  std::string buf = "doithoai.request.v1";
  for (int i = 3; i >= 0; --i) buf.push_back(static_cast<char>((actor.value >> (8 * i)) & 0xFF));
  try {
    buf += command_to_json(c).dump();
  } catch (const nlohmann::json::exception&) {  // dump() refuses text that is not UTF-8
    throw Error(ErrorCode::invalid_argument, "the command holds text that is not valid UTF-8");
  }
  std::string out(32, '\0');
  unsigned int n = 0;
  if (!EVP_Digest(buf.data(), buf.size(), reinterpret_cast<unsigned char*>(out.data()), &n, EVP_sha256(), nullptr) ||
      n != 32)
    throw Error(ErrorCode::storage, "SHA-256 failed");
  return out;
}

void check_idempotency_key(std::string_view key) {
  if (key.size() > kMaxNameBytes)
    throw Error(ErrorCode::invalid_argument, "idempotency key longer than " + std::to_string(kMaxNameBytes) + " bytes");
  for (const unsigned char c : key)
    if (c < 0x20 || c == 0x7F)
      throw Error(ErrorCode::invalid_argument, "idempotency key holds a control character");
  if (!valid_utf8(key)) throw Error(ErrorCode::invalid_argument, "idempotency key is not valid UTF-8");
}

}  // namespace doithoai::detail

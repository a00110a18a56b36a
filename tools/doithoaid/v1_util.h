// Internal helpers of the /v1 routes (v1.cpp, v1_commands.cpp, v1_reads.cpp): strict query
// parameters, request bodies, the key's unit scope. Not part of any public interface.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"

namespace doithoaid::v1 {

using nlohmann::json;

constexpr std::uint64_t kDefaultLimit = 100;  // list pages when `limit` is not given
constexpr std::uint64_t kMaxLimit = 1000;     // the largest page a client may ask for
constexpr std::uint64_t kMaxId = 4294967294;  // ids are u32; 4294967295 is the system actor
constexpr int kMaxDepth = 64;                 // as doithoai::kMaxJsonDepth (docs/json.md)

[[noreturn]] void bad(const std::string& message);  // ServiceError(DT_INVALID_ARGUMENT)
bool valid_utf8(const std::string& s);
// Throws invalid_argument when the text nests arrays/objects deeper than kMaxDepth or is not
// valid UTF-8; checked before parsing, so a hostile body costs one linear scan.
json parse_body(const std::string& body);
// Serializes a JSON value; never throws on text (all text was checked on the way in).
std::string dump(const json& j);

// The query string, held to a fixed set of names: an unknown or repeated name is refused
// (a typo must not silently widen a read).
class Query {
 public:
  Query(const Request& req, std::initializer_list<const char*> allowed);
  bool has(const char* name) const;
  std::optional<std::string> text(const char* name) const;
  std::optional<std::uint64_t> id(const char* name) const;  // 1..kMaxId
  std::uint64_t limit(std::uint64_t def = kDefaultLimit, std::uint64_t max = kMaxLimit) const;
  std::optional<std::string> date(const char* name) const;  // YYYY-MM-DD (the engine checks the day)

 private:
  const Request& req_;
};

std::uint64_t path_id(const Request& req, const char* name);  // {id} segments: 1..kMaxId, else 404
// "2022", "2022-09", "2022-Q3", "2022-H1", "2022-9M", "2022-01-01..2022-03-15" -> the
// engine's period object (docs/c-abi.md).
json period_of(const std::string& text);
Response json_response(const json& j, int status = 200);

// What an API key may reach: its units and their descendants, or everything (all_units).
class Scope {
 public:
  Scope(const Context& ctx, const ApiKey& key) : ctx_(ctx), key_(key) {}
  bool all() const { return key_.all_units; }
  bool covers(std::uint64_t unit) const;  // walks the parent chain
  void require(std::uint64_t unit) const;  // kForbidden when not covered
  // The key's units that are not below another of its units (to run one query per subtree).
  std::vector<std::uint64_t> roots() const;
  std::vector<std::uint64_t> units() const;  // every unit in scope, ascending
  json entity(const char* method, std::uint64_t id) const;  // dt_call method {"id"}
  // The unit an entity belongs to: item/opinion/conference/agency/organization -> "unit".
  std::uint64_t unit_of(const char* method, std::uint64_t id) const;

 private:
  const Context& ctx_;
  const ApiKey& key_;
};

void add_v1_command_routes(Router& router, Context& ctx);
void add_v1_read_routes(Router& router, Context& ctx);
void add_v1_attachment_routes(Router& router, Context& ctx);  // v1_attachments.cpp (issue 14)

}  // namespace doithoaid::v1

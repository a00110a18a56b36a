// doithoai/json.h: the JSON forms of commands, events and entities (docs/json.md).
//
// Commands: {"type": "assign", "item": 7, "agency": 2, "deadline": "2022-10-30"}.
// Events:   {"seq": 12, "at": "2022-09-30T08:00:00.000000Z", "actor": 3,
//            "type": "item_assigned", "v": 1, "data": {...}}.
// Dates are "YYYY-MM-DD", instants ISO 8601 UTC with "Z", ids integers (null: none),
// enums their snake_case names. Decoding rejects unknown fields, wrong types, bad dates
// and unknown names with Error(invalid_argument); encoding then decoding gives back an
// equal value.
#pragma once

#include <nlohmann/json.hpp>

#include "doithoai/commands.h"
#include "doithoai/events.h"
#include "doithoai/export.h"
#include "doithoai/model.h"

namespace doithoai {

DOITHOAI_API nlohmann::json command_to_json(const Command& c);
DOITHOAI_API Command command_from_json(const nlohmann::json& j);
DOITHOAI_API std::string_view command_type(const Command& c);

DOITHOAI_API nlohmann::json event_to_json(const Event& e);  // the "data" object only
DOITHOAI_API Event event_from_json(std::string_view type, int version, const nlohmann::json& data);
DOITHOAI_API nlohmann::json recorded_to_json(const Recorded& r);
DOITHOAI_API Recorded recorded_from_json(const nlohmann::json& j);

DOITHOAI_API nlohmann::json result_to_json(const Result& r);

// Entities (found by nlohmann's ADL: `nlohmann::json j = item;`).
DOITHOAI_API void to_json(nlohmann::json& j, const Unit& v);
DOITHOAI_API void to_json(nlohmann::json& j, const Agency& v);
DOITHOAI_API void to_json(nlohmann::json& j, const Organization& v);
DOITHOAI_API void to_json(nlohmann::json& j, const Person& v);
DOITHOAI_API void to_json(nlohmann::json& j, const RoleGrant& v);
DOITHOAI_API void to_json(nlohmann::json& j, const Conference& v);
DOITHOAI_API void to_json(nlohmann::json& j, const Opinion& v);
DOITHOAI_API void to_json(nlohmann::json& j, const Item& v);

// The deepest nesting of arrays and objects accepted wherever JSON enters the library
// (parse_json, execute_json, command_from_json, recorded_from_json, load_profile, and the
// Python conversion both ways); a document nested deeper is Error(invalid_argument).
// A scalar is depth 0, [] and {} depth 1. No JSON form of the library needs more than 6.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Throws Error(invalid_argument) naming `what` when j nests deeper than kMaxJsonDepth.
// Iterative: safe on any value, however deep.
DOITHOAI_API void check_json_depth(const nlohmann::json& j, std::string_view what = "JSON");

// Parses text as JSON, turning parse errors into Error(invalid_argument); text nested
// deeper than kMaxJsonDepth is refused before it is parsed.
DOITHOAI_API nlohmann::json parse_json(std::string_view text);

}  // namespace doithoai

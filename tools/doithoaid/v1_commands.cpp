// POST /v1/commands: the JSON request of docs/json.md, with the key deciding the actor and
// the units a command may touch (docs/service.md, "/v1 API").
#include <algorithm>
#include <map>

#include "config.h"
#include "v1_util.h"

namespace doithoaid::v1 {
namespace {

// How a command names the unit it acts in. Every command type the service accepts is listed:
// a type missing here is refused rather than executed unchecked.
enum class Target { none, unit, parent, item, conference, role };
struct CommandRule {
  Target target;
  bool directory;  // a directory command: a key with `system` may run it as the system actor anywhere
  const char* second = nullptr;  // a second field of the same kind (merge_unit.into, merge_duplicate.into)
};

const std::map<std::string, CommandRule>& rules() {
  static const std::map<std::string, CommandRule> r = {
      {"create_unit", {Target::parent, true}},
      {"rename_unit", {Target::unit, true}},
      {"merge_unit", {Target::unit, true, "into"}},
      {"dissolve_unit", {Target::unit, true}},
      {"create_agency", {Target::unit, true}},
      {"create_organization", {Target::unit, true}},
      {"register_person", {Target::none, true}},
      {"grant_role", {Target::role, true}},
      {"revoke_role", {Target::role, true}},
      {"plan_conference", {Target::unit, false}},
      {"hold_conference", {Target::conference, false}},
      {"issue_conclusion_notice", {Target::conference, false}},
      {"close_conference", {Target::conference, false}},
      {"publish_conference_results", {Target::conference, false}},
      {"submit_opinion", {Target::unit, false}},
      {"answer_on_spot", {Target::item, false}},
      {"merge_duplicate", {Target::item, false, "into"}},
      {"assign", {Target::item, false}},
      {"write_reply", {Target::item, false}},
      {"record_delivery", {Target::item, false}},
      {"escalate", {Target::item, false}},
      {"decide_intake", {Target::item, false}},
      {"extend", {Target::item, false}},
      {"record_finding", {Target::item, false}},
      {"reopen", {Target::item, false}},
      {"close_item", {Target::item, false}},
      {"publish_reply", {Target::item, false}},
      {"approve_reply", {Target::item, false}},  // R13, R14 review (issue 15)
      {"return_reply", {Target::item, false}},
      {"record_satisfaction", {Target::item, false}},  // issue 14 (R10, R14)
      {"place_item", {Target::item, false}},           // issue 14 (R04, R18): an item's own place
      {"record_council_session", {Target::unit, false}},
      {"record_voter_request", {Target::unit, false}},
      {"record_reception", {Target::unit, false}},
  };
  return r;
}

// An id field of the command: 0 when absent or null; a malformed one is refused here with the
// engine's code (the engine would refuse it too, but the scope check reads it first).
std::uint64_t id_field(const json& command, const char* name) {
  const auto it = command.find(name);
  if (it == command.end() || it->is_null()) return 0;
  if (!it->is_number_unsigned() || it->get<std::uint64_t>() < 1 || it->get<std::uint64_t>() > kMaxId)
    bad(std::string("command field '") + name + "' must be an id in 1.." + std::to_string(kMaxId));
  return it->get<std::uint64_t>();
}

void check_scope(const Scope& scope, const std::string& type, const CommandRule& rule, const json& command) {
  if (scope.all()) return;
  auto require_field = [&](const char* field, const char* method) {
    const std::uint64_t id = id_field(command, field);
    if (!method) return scope.require(id);  // a unit field; 0 (none) needs the whole directory
    if (id == 0) bad("command '" + type + "' needs '" + field + "'");
    scope.require(scope.unit_of(method, id));
  };
  switch (rule.target) {
    case Target::none: return;
    case Target::unit:
      require_field("unit", nullptr);
      if (type == "submit_opinion" && id_field(command, "conference")) require_field("conference", "conference");
      break;
    case Target::parent: require_field("parent", nullptr); break;
    case Target::item: require_field("item", "item"); break;
    case Target::conference: require_field("conference", "conference"); break;
    case Target::role:
      // Roles are granted in a unit; agency and organization roles also name an entity
      // that belongs to one.
      require_field("unit", nullptr);
      if (id_field(command, "agency")) require_field("agency", "agency");
      if (id_field(command, "organization")) require_field("organization", "organization");
      break;
  }
  if (rule.second) {
    if (rule.target == Target::unit) require_field(rule.second, nullptr);
    else require_field(rule.second, "item");
  }
}

Response post_command(Context& ctx, Request& req) {
  const ApiKey& key = *req.key;
  const auto content_type = req.header("content-type");
  if (content_type && content_type->rfind("application/json", 0) != 0)
    bad("the request body must be application/json");
  json body = parse_body(req.body);
  if (!body.is_object()) bad("the request body must be a JSON object {\"actor\", \"idempotency_key\", \"command\"}");
  for (const auto& [k, v] : body.items())
    if (k != "actor" && k != "idempotency_key" && k != "command") bad("unknown field '" + k + "' in the request");
  if (!body.contains("command") || !body["command"].is_object()) bad("the request needs a 'command' object");
  json& command = body["command"];
  if (!command.contains("type") || !command["type"].is_string()) bad("the command needs a 'type' string");
  const std::string type = command["type"].get<std::string>();
  const auto rule = rules().find(type);
  if (rule == rules().end()) bad("unknown command type '" + type + "'");

  // Idempotency: the header sets the key; the body may carry the same one.
  if (const auto header = req.header("idempotency-key")) {
    if (!valid_utf8(*header)) bad("the Idempotency-Key header is not valid UTF-8");
    if (body.contains("idempotency_key") && !body["idempotency_key"].is_null() &&
        body["idempotency_key"] != json(*header))
      bad("the Idempotency-Key header and the body's idempotency_key differ");
    body["idempotency_key"] = *header;
  }

  // The actor (docs/service.md): a key acts as its own person unless it may name one.
  const bool named = body.contains("actor") && !body["actor"].is_null();
  json actor;
  if (named) {
    const json& a = body["actor"];
    if (a.is_string()) {
      if (a.get<std::string>() != "system") bad("actor must be a person id or \"system\"");
      if (!key.system) throw ServiceError(kForbidden, "this API key may not act as the system actor");
      actor = "system";
    } else if (a.is_number_unsigned() && a.get<std::uint64_t>() >= 1 && a.get<std::uint64_t>() <= kMaxId) {
      if (!key.may_assert_actor && !(key.actor && static_cast<std::uint64_t>(*key.actor) == a.get<std::uint64_t>()))
        throw ServiceError(kForbidden, "this API key acts as its own person and may not name another actor");
      actor = a;
    } else {
      bad("actor must be a person id in 1.." + std::to_string(kMaxId) + " or \"system\"");
    }
  } else if (key.actor) {
    actor = *key.actor;
  } else {
    bad("the request names no actor and this API key has none");
  }
  body["actor"] = actor;

  const bool as_system = actor.is_string();
  if (!(as_system && rule->second.directory && key.system)) check_scope(Scope(ctx, key), type, rule->second, command);

  json result = json::parse(ctx.engine.execute(dump(body)));
  const bool replayed = result.value("replayed", false);
  return json_response(result, replayed ? 200 : 201);
}

}  // namespace

void add_v1_command_routes(Router& router, Context& ctx) {
  router.add("POST", "/v1/commands", Access::key, [&ctx](Request& req) { return post_command(ctx, req); });
}

}  // namespace doithoaid::v1

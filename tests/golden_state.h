// The state a golden log produces, as canonical JSON (tests/golden/README.md): every unit,
// agency, organization, person with roles, conference with its reconciliation, opinion and
// item in their JSON forms (docs/json.md), the accounting of each top-level unit and the
// overdue list as of the day of the last event. Shared by the golden test and its generator.
#pragma once

#include <openssl/evp.h>

#include <string>

#include "doithoai/doithoai.h"

namespace golden {

using namespace doithoai;
using nlohmann::json;

template <class F>
json collect(F&& get) {  // get(id) for ids 1, 2, ... until one does not exist
  json out = json::array();
  for (std::uint32_t id = 1;; ++id) {
    try {
      out.push_back(get(id));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::not_found) throw;
      return out;
    }
  }
}

inline json ids(const std::vector<ItemId>& v) {
  json a = json::array();
  for (ItemId i : v) a.push_back(i.value);
  return a;
}

inline json state_json(const State& s) {
  json j;
  j["last_seq"] = s.last_seq();
  j["units"] = collect([&](std::uint32_t id) { return json(s.unit(UnitId(id))); });
  j["agencies"] = collect([&](std::uint32_t id) { return json(s.agency(AgencyId(id))); });
  j["organizations"] = collect([&](std::uint32_t id) { return json(s.organization(OrganizationId(id))); });
  j["persons"] = collect([&](std::uint32_t id) {
    json p = s.person(PersonId(id));
    p["roles"] = s.roles_of(PersonId(id));
    return p;
  });
  j["conferences"] = collect([&](std::uint32_t id) {
    json c = s.conference(ConferenceId(id));
    const Reconciliation r = s.reconciliation(ConferenceId(id));
    c["reconciliation"] = {{"collected_in_advance", ids(r.collected_in_advance)},
                           {"raised_at_conference", ids(r.raised_at_conference)},
                           {"answered", ids(r.answered)},
                           {"unanswered", ids(r.unanswered)}};
    return c;
  });
  j["opinions"] = collect([&](std::uint32_t id) { return json(s.opinion(OpinionId(id))); });
  j["items"] = collect([&](std::uint32_t id) { return json(s.item(ItemId(id))); });
  const Date day = s.last_date();
  json acc = json::array();
  for (UnitId u : s.units()) {
    if (s.unit(u).parent) continue;
    const Accounting a = s.accounting(u, day);
    acc.push_back({{"unit", u.value},       {"opinions", a.opinions},   {"items", a.items},
                   {"resolved", a.resolved}, {"outstanding", a.outstanding}, {"overdue", a.overdue},
                   {"replied", a.replied},   {"replied_on_time", a.replied_on_time},
                   {"handed_on", a.handed_on}, {"escalated", a.escalated}, {"closed", a.closed},
                   {"extensions", a.extensions}, {"reopened_items", a.reopened_items}, {"merged", a.merged}});
  }
  j["accounting"] = acc;
  j["overdue"] = ids(s.overdue(day, 100000));
  return j;
}

inline std::string sha256_hex(const std::string& text) {
  unsigned char h[32];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), h, &n, EVP_sha256(), nullptr);
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(d[h[i] >> 4]);
    out.push_back(d[h[i] & 15]);
  }
  return out;
}

// The part of `current` that `golden` has: the same keys (recursively) and array lengths.
// A later release may add fields to the JSON forms; it must not change or drop these.
inline json project(const json& golden, const json& current) {
  if (golden.is_object()) {
    json out = json::object();
    for (auto it = golden.begin(); it != golden.end(); ++it)
      out[it.key()] = current.is_object() && current.contains(it.key()) ? project(it.value(), current[it.key()])
                                                                          : json("<missing>");
    return out;
  }
  if (golden.is_array() && current.is_array() && golden.size() == current.size()) {
    json out = json::array();
    for (std::size_t i = 0; i < golden.size(); ++i) out.push_back(project(golden[i], current[i]));
    return out;
  }
  return current;
}

}  // namespace golden

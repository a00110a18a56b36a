// Rules of directory: R01 units (create, rename, merge, dissolve), agencies, organizations, persons and role grants (R19).
// Tests: tests/test_rules_directory.cpp. Shared checks: decider.h.
#include "rules/decider.h"

namespace doithoai::detail::rules {

// ---- directory ----
void Decider::operator()(const cmd::CreateUnit& c) {
  if (c.parent) {
    active_unit(c.parent);
    admin_of(c.parent);
  } else if (actor != kSystemActor) {
    deny("only the system actor may create a top-level unit");
  }
  name(c.name, "name");
  name(c.level, "level");
  if (!p.levels.empty() && std::find(p.levels.begin(), p.levels.end(), c.level) == p.levels.end())
    invalid("level '" + c.level + "' is not a level of profile " + p.name);
  unique_code(s.unit_codes, c.code, "unit");
  const Date on = when(c.created_on, "created_on");
  const UnitId id(static_cast<std::uint32_t>(s.units.size()));
  emit(ev::UnitCreated{id, c.code, c.name, c.level, c.parent, on, c.remote});
  out.result.id = id.value;
}
void Decider::operator()(const cmd::RenameUnit& c) {
  const UnitRec& u = active_unit(c.unit);
  admin_of(c.unit);
  name(c.name, "name");
  if (c.name == u.value.name) transition("unit already has that name");
  emit(ev::UnitRenamed{c.unit, c.name, when(c.on, "on")});
}
void Decider::operator()(const cmd::MergeUnit& c) {
  active_unit(c.unit);
  active_unit(c.into);
  admin_of(c.unit);
  admin_of(c.into);
  if (c.unit == c.into) invalid("a unit cannot merge into itself");
  if (s.unit_in_subtree(c.into, c.unit)) invalid("a unit cannot merge into one of its own sub-units");
  // The unit's items go with it, except the closed ones (recorded: events.h).
  std::vector<ItemId> moved;
  for (std::size_t i = 1; i < s.items.size(); ++i)
    if (s.items[i].unit == c.unit && s.items[i].status != ItemStatus::closed)
      moved.push_back(ItemId(static_cast<std::uint32_t>(i)));
  emit(ev::UnitMerged{c.unit, c.into, when(c.on, "on"), std::move(moved)});
}
void Decider::operator()(const cmd::DissolveUnit& c) {
  const UnitRec& u = active_unit(c.unit);
  admin_of(c.unit);
  for (UnitId ch : u.children)
    if (s.units[ch.value].value.status == UnitStatus::active)
      transition("unit has active sub-units; merge or dissolve them first");
  for (std::size_t i = 1; i < s.items.size(); ++i)
    if (s.items[i].unit == c.unit && !is_resolved(s.items[i].status) && s.items[i].status != ItemStatus::merged)
      transition("unit has outstanding items; merge it into its successor instead (R01)");
  emit(ev::UnitDissolved{c.unit, when(c.on, "on")});
}
void Decider::operator()(const cmd::CreateAgency& c) {
  active_unit(c.unit);
  admin_of(c.unit);
  name(c.name, "name");
  unique_code(s.agency_codes, c.code, "agency");
  const AgencyId id(static_cast<std::uint32_t>(s.agencies.size()));
  emit(ev::AgencyCreated{id, c.unit, c.code, c.name, c.department});
  out.result.id = id.value;
}
void Decider::operator()(const cmd::CreateOrganization& c) {
  active_unit(c.unit);
  admin_of(c.unit);
  name(c.name, "name");
  name(c.kind, "kind", false);
  unique_code(s.organization_codes, c.code, "organization");
  const OrganizationId id(static_cast<std::uint32_t>(s.organizations.size()));
  emit(ev::OrganizationCreated{id, c.unit, c.code, c.name, c.kind});
  out.result.id = id.value;
}
void Decider::digits_field(const std::string& v, const char* field, std::initializer_list<std::size_t> lengths) {
  if (v.empty()) return;
  for (char ch : v)
    if (ch < '0' || ch > '9') invalid(std::string(field) + " must contain digits only");
  if (std::find(lengths.begin(), lengths.end(), v.size()) == lengths.end())
    invalid(std::string(field) + " has the wrong number of digits");
}
void Decider::operator()(const cmd::RegisterPerson& c) {
  bool may = actor == kSystemActor;
  for (std::size_t u = 1; !may && u < s.units.size(); ++u)
    may = s.holds(actor, Role::administrator, UnitId(static_cast<std::uint32_t>(u)));
  if (!may) deny("only the system actor or an administrator may register people");
  name(c.name, "name");
  unique_code(s.person_codes, c.code, "person");
  name(c.address, "address", false);
  digits_field(c.citizen_id, "citizen_id", {9, 12});
  std::string phone;
  for (char ch : c.phone)
    if (ch != ' ' && ch != '.' && ch != '-') phone += ch;
  if (!phone.empty()) {
    if (phone[0] == '+') phone = phone.substr(1);
    digits_field(phone, "phone", {9, 10, 11, 12});
  }
  const PersonId id(static_cast<std::uint32_t>(s.persons.size()));
  emit(ev::PersonRegistered{id, c.code, c.name, c.phone, c.citizen_id, c.address, c.consent_public});
  out.result.id = id.value;
}
void Decider::check_grant(PersonId person_id, Role role, UnitId u, AgencyId a, OrganizationId o) const {
  person(person_id, "person");
  active_unit(u);
  admin_of(u);
  const bool agency_role = role == Role::agency_head || role == Role::agency_officer;
  if (agency_role) {
    if (!s.has_agency(a)) missing("agency", a.value);
    if (s.agencies[a.value].unit != u) invalid("agency " + id_str(a.value) + " does not belong to unit " + id_str(u.value));
  } else if (a) {
    invalid("only agency roles take an agency");
  }
  if (role == Role::organization_rep) {
    if (!s.has_org(o)) missing("organization", o.value);
    if (s.organizations[o.value].unit != u)
      invalid("organization " + id_str(o.value) + " does not belong to unit " + id_str(u.value));
  } else if (o) {
    invalid("only organization_rep takes an organization");
  }
}
void Decider::operator()(const cmd::GrantRole& c) {
  check_grant(c.person, c.role, c.unit, c.agency, c.organization);
  for (const auto& g : s.persons[c.person.value].grants)
    if (g.role == c.role && g.unit == c.unit && g.agency == c.agency && g.organization == c.organization)
      transition("the person already holds that role");
  emit(ev::RoleGranted{c.person, c.role, c.unit, c.agency, c.organization});
}
void Decider::operator()(const cmd::RevokeRole& c) {
  check_grant(c.person, c.role, c.unit, c.agency, c.organization);
  bool held = false;
  for (const auto& g : s.persons[c.person.value].grants)
    held = held || (g.role == c.role && g.unit == c.unit && g.agency == c.agency && g.organization == c.organization);
  if (!held) transition("the person does not hold that role");
  emit(ev::RoleRevoked{c.person, c.role, c.unit, c.agency, c.organization});
}

}  // namespace doithoai::detail::rules

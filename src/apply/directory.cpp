// Apply for directory: R01 units, agencies, organizations, persons and their roles.
// Each function records an event the Decider (src/rules/) made or a checked log holds;
// see applier.h.
#include "apply/applier.h"

namespace doithoai::detail {

void Applier::operator()(const ev::UnitCreated& e) {
  UnitRec r;
  r.value.id = e.unit;
  r.value.code = e.code;
  r.value.name = e.name;
  r.value.level = e.level;
  r.value.parent = e.parent;
  r.value.created_on = e.on;
  r.value.remote = e.remote;
  r.value.names.push_back({e.on, e.name});
  s.units.resize(std::max<std::size_t>(s.units.size(), e.unit.value + 1));
  s.units[e.unit.value] = std::move(r);
  if (e.parent) s.units[e.parent.value].children.push_back(e.unit);
  if (!e.code.empty()) s.unit_codes[e.code] = e.unit;
}
void Applier::operator()(const ev::UnitRenamed& e) {
  Unit& u = s.units[e.unit.value].value;
  u.name = e.name;
  u.names.push_back({e.on, e.name});
}
void Applier::operator()(const ev::UnitMerged& e) {
  UnitRec& from = s.units[e.unit.value];
  UnitRec& into = s.units[e.into.value];
  from.value.status = UnitStatus::merged;
  from.value.successor = e.into;
  from.value.ended_on = e.on;
  for (UnitId c : from.children) {
    s.units[c.value].value.parent = e.into;
    into.children.push_back(c);
  }
  from.children.clear();
  for (AgencyId a : from.agencies) {
    s.agencies[a.value].unit = e.into;
    into.agencies.push_back(a);
  }
  from.agencies.clear();
  for (OrganizationId o : from.organizations) {
    s.organizations[o.value].unit = e.into;
    into.organizations.push_back(o);
  }
  from.organizations.clear();
  if (e.moved_items) {
    for (ItemId i : *e.moved_items) s.items[i.value].unit = e.into;
  } else {
    for (ItemId i : v1::moved_items(s, e.unit)) s.items[i.value].unit = e.into;
  }
}
void Applier::operator()(const ev::UnitDissolved& e) {
  Unit& u = s.units[e.unit.value].value;
  u.status = UnitStatus::dissolved;
  u.ended_on = e.on;
}
void Applier::operator()(const ev::AgencyCreated& e) {
  s.agencies.resize(std::max<std::size_t>(s.agencies.size(), e.agency.value + 1));
  s.agencies[e.agency.value] = Agency{e.agency, e.unit, e.code, e.name, e.department};
  s.units[e.unit.value].agencies.push_back(e.agency);
  if (!e.code.empty()) s.agency_codes[e.code] = e.agency;
}
void Applier::operator()(const ev::OrganizationCreated& e) {
  s.organizations.resize(std::max<std::size_t>(s.organizations.size(), e.organization.value + 1));
  s.organizations[e.organization.value] = Organization{e.organization, e.unit, e.code, e.name, e.kind};
  s.units[e.unit.value].organizations.push_back(e.organization);
  if (!e.code.empty()) s.organization_codes[e.code] = e.organization;
}
void Applier::operator()(const ev::PersonRegistered& e) {
  s.persons.resize(std::max<std::size_t>(s.persons.size(), e.person.value + 1));
  PersonRec& p = s.persons[e.person.value];
  p.value = Person{e.person, e.code, e.name, e.phone, e.citizen_id, e.address, e.consent_public};
  if (!e.code.empty()) s.person_codes[e.code] = e.person;
  ++s.persons_version;  // what is derived from the persons (the Redactor's tables) is stale
}
void Applier::operator()(const ev::RoleGranted& e) {
  s.persons[e.person.value].grants.push_back(
      RoleGrant{e.person, e.role, e.unit, e.agency, e.organization});
}
void Applier::operator()(const ev::RoleRevoked& e) {
  auto& g = s.persons[e.person.value].grants;
  g.erase(std::remove_if(g.begin(), g.end(),
                         [&](const RoleGrant& x) {
                           return x.role == e.role && x.unit == e.unit && x.agency == e.agency &&
                                  x.organization == e.organization;
                         }),
          g.end());
}

}  // namespace doithoai::detail

// R01 units and R19 roles for the directory.
#include <catch2/catch.hpp>

#include "fixture.h"

using namespace doithoai;
using fx::World;

TEST_CASE("R01 units form a hierarchy of any depth with named levels") {
  World w;
  const UnitId group(w.run(kSystemActor, cmd::CreateUnit{"Tổ dân phố 5", "xa", w.ward}).id);
  w.engine->read([&](const State& s) {
    CHECK(s.unit(group).parent == w.ward);
    CHECK(s.in_subtree(group, w.city));
    CHECK(s.in_subtree(w.ward, w.district));
    CHECK_FALSE(s.in_subtree(w.district, w.ward));
    CHECK(s.children(w.district) == std::vector<UnitId>{w.ward, w.other_ward});
    CHECK(s.find_unit("BD") == w.ward);
    return 0;
  });
  REQUIRE_ERROR(invalid_argument, w.run(kSystemActor, cmd::CreateUnit{"Ấp", "thon", w.ward}));
  REQUIRE_ERROR(invalid_transition, w.run(kSystemActor, cmd::CreateUnit{"Trùng mã", "xa", w.district, "BD"}));
  REQUIRE_ERROR(not_found, w.run(kSystemActor, cmd::CreateUnit{"Mồ côi", "xa", UnitId(999)}));
}

TEST_CASE("R01 renaming keeps every earlier name readable") {
  World w;
  w.set_day(2025, 7, 1);
  w.run(w.admin, cmd::RenameUnit{w.ward, "Phường Bồ Đề (mới)"});
  const Unit u = w.engine->unit(w.ward);
  REQUIRE(u.names.size() == 2);
  CHECK(u.names[0].name == "Phường Bồ Đề");
  CHECK(u.names[1].name == "Phường Bồ Đề (mới)");
  CHECK(u.names[1].from == Date(2025, 7, 1));
  CHECK(u.name == "Phường Bồ Đề (mới)");
}

TEST_CASE("R01 merging units moves open items, agencies and children to the successor") {
  World w;
  const ItemId open = w.letter(w.resident);
  const ItemId done = w.letter(w.resident2);
  w.run(w.office, cmd::Assign{done, w.land, std::nullopt});
  w.reply_all(done, w.land_officer, Date(2022, 9, 20));
  w.run(w.front_chair, cmd::CloseItem{done});
  w.set_day(2025, 7, 1);
  w.run(w.admin, cmd::MergeUnit{w.ward, w.other_ward});
  const Unit old = w.engine->unit(w.ward);
  CHECK(old.status == UnitStatus::merged);
  CHECK(old.successor == w.other_ward);
  CHECK(old.ended_on == Date(2025, 7, 1));
  CHECK(w.engine->item(open).unit == w.other_ward);
  CHECK(w.engine->item(open).raised_in == w.ward);
  CHECK(w.engine->item(done).unit == w.ward);  // closed items stay where they were settled
  CHECK(w.engine->read([&](const State& s) { return s.agency(w.land).unit; }) == w.other_ward);
  // A merged unit takes no new work.
  REQUIRE_ERROR(invalid_transition, w.letter(w.resident));
  // History is still readable through the old unit's id.
  CHECK(w.engine->unit(w.ward).name == "Phường Bồ Đề");
}

TEST_CASE("R01 a unit with outstanding items cannot be dissolved, only merged") {
  World w;
  w.letter(w.resident);
  REQUIRE_ERROR(invalid_transition, w.run(w.admin, cmd::DissolveUnit{w.ward}));
  const UnitId empty(w.run(kSystemActor, cmd::CreateUnit{"Phường trống", "xa", w.district}).id);
  w.run(w.admin, cmd::DissolveUnit{empty});
  CHECK(w.engine->unit(empty).status == UnitStatus::dissolved);
  REQUIRE_ERROR(invalid_transition, w.run(w.admin, cmd::DissolveUnit{empty}));
}

TEST_CASE("R19 only administrators change the directory") {
  World w;
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::CreateUnit{"Phường X", "xa", w.district}));
  REQUIRE_ERROR(permission_denied, w.run(w.party_head, cmd::CreateAgency{w.ward, "Ban mới"}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::GrantRole{w.resident, Role::party_head, w.ward}));
  REQUIRE_ERROR(permission_denied, w.run(w.admin, cmd::CreateUnit{"Tỉnh khác", "tinh"}));
  // The district's administrator manages the district's subtree.
  CHECK(w.run(w.admin, cmd::CreateAgency{w.ward, "Ban mới"}).id > 0);
  REQUIRE_ERROR(permission_denied, w.run(w.admin, cmd::CreateAgency{w.city, "Sở mới"}));
}

TEST_CASE("R19 agency and organization roles must name an agency or organization of the unit") {
  World w;
  REQUIRE_ERROR(not_found, w.run(kSystemActor, cmd::GrantRole{w.resident, Role::agency_officer, w.ward}));
  REQUIRE_ERROR(invalid_argument, w.run(kSystemActor, cmd::GrantRole{w.resident, Role::agency_officer, w.ward, w.other_agency}));
  REQUIRE_ERROR(invalid_argument, w.run(kSystemActor, cmd::GrantRole{w.resident, Role::party_head, w.ward, w.land}));
  REQUIRE_ERROR(invalid_transition, w.run(kSystemActor, cmd::GrantRole{w.party_head, Role::party_head, w.ward}));
  w.run(kSystemActor, cmd::RevokeRole{w.party_head, Role::party_head, w.ward});
  CHECK(w.engine->read([&](const State& s) { return s.roles_of(w.party_head).size(); }) == 0);
  REQUIRE_ERROR(invalid_transition, w.run(kSystemActor, cmd::RevokeRole{w.party_head, Role::party_head, w.ward}));
}

TEST_CASE("people's identifiers are validated on registration") {
  World w;
  REQUIRE_ERROR(invalid_argument, w.run(kSystemActor, cmd::RegisterPerson{"A", "", "12ab"}));
  REQUIRE_ERROR(invalid_argument, w.run(kSystemActor, cmd::RegisterPerson{"A", "", "", "12345"}));
  const PersonId p(w.run(kSystemActor, cmd::RegisterPerson{"Phạm Văn Dũng", "P-1", "0912 345 678", "001089012345"}).id);
  CHECK(w.engine->person(p).citizen_id == "001089012345");
  REQUIRE_ERROR(invalid_transition, w.run(kSystemActor, cmd::RegisterPerson{"Khác", "P-1"}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::RegisterPerson{"Tự đăng ký"}));
}

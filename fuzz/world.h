// The small directory of fuzz_request and make_seeds: Hà Nội > Long Biên > Bồ Đề with an
// office, the ward's heads, the front, a land officer and a resident, a conference held on
// 2022-09-30 and one item assigned to the land agency, on a manual clock.
#pragma once

#include <memory>

#include "doithoai/doithoai.h"

namespace fuzz {
using namespace doithoai;

struct World {
  std::shared_ptr<ManualClock> clock =
      std::make_shared<ManualClock>(Instant(Date(2022, 9, 30), boost::posix_time::hours(2)));
  std::unique_ptr<Engine> engine;
  UnitId ward;
  AgencyId land;
  PersonId office, head, party, front, officer, resident;
  ConferenceId conf;
  ItemId item;
  World() {
    EngineOptions o;
    o.clock = clock;
    static const Profile profile = builtin_profile("hanoi-2200");  // loaded once: most of the cost
    engine = std::make_unique<Engine>(profile, std::move(o));
    auto sys = [&](const Command& c) { return engine->execute(kSystemActor, c).id; };
    const UnitId city(sys(cmd::CreateUnit{"Thành phố Hà Nội", "tinh", UnitId(), "HN"}));
    const UnitId district(sys(cmd::CreateUnit{"Quận Long Biên", "huyen", city, "LB"}));
    ward = UnitId(sys(cmd::CreateUnit{"Phường Bồ Đề", "xa", district, "BD"}));
    land = AgencyId(sys(cmd::CreateAgency{ward, "Bộ phận Địa chính"}));
    auto person = [&](const char* name, Role role, AgencyId a = AgencyId()) {
      const PersonId p(sys(cmd::RegisterPerson{name}));
      engine->execute(kSystemActor, cmd::GrantRole{p, role, ward, a, OrganizationId()});
      return p;
    };
    office = person("Văn phòng UBND phường", Role::office);
    head = person("Chủ tịch UBND phường", Role::government_head);
    party = person("Bí thư Đảng ủy phường", Role::party_head);
    front = person("Chủ tịch UBMTTQ phường", Role::front_chair);
    officer = person("Cán bộ địa chính", Role::agency_officer, land);
    resident = person("Trần Văn Bình", Role::resident);
    conf = ConferenceId(engine->execute(office, cmd::PlanConference{ward, ConferenceKind::periodic, "all_residents",
                                                                    Date(2022, 9, 30), Date(2022, 9, 20), "131-KH/QU"})
                            .id);
    engine->execute(office, cmd::HoldConference{conf, Date(), {party, head}, 180, "Báo cáo"});
    item = engine->execute(office, cmd::SubmitOpinion{ward, conf, Channel::at_conference, resident, OrganizationId(),
                                                      Date(), "", {{"land", "Đề nghị làm rõ tiến độ GPMB"}}})
               .items.at(0);
    engine->execute(office, cmd::Assign{item, land});
  }
};

}  // namespace fuzz

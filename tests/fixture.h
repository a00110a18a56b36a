// A small directory for tests: Hà Nội > Long Biên > Bồ Đề, with heads, office, front,
// agencies, an organization and residents, on a manual clock at 2022-09-20 09:00 (UTC+7).
#pragma once

#include <memory>

#include "doithoai/doithoai.h"
#include "require_error.h"

namespace fx {

using namespace doithoai;

inline Instant at(int y, int m, int d, int hour_local = 9) {
  return Instant(Date(y, m, d), boost::posix_time::hours(hour_local - 7));
}

struct World {
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(at(2022, 9, 20));
  std::unique_ptr<Engine> engine;
  UnitId city, district, ward, other_ward;
  PersonId party_head, gov_head, office, front_chair, front_officer, council, district_front;
  PersonId land_officer, urban_officer, district_officer, district_office, resident, resident2, org_rep, outsider, admin;
  AgencyId land, urban, district_land, other_agency;
  OrganizationId women;

  explicit World(Profile profile = builtin_profile("hanoi-2200"), EngineOptions options = {}) {
    options.clock = clock;
    engine = std::make_unique<Engine>(std::move(profile), std::move(options));
    auto sys = [&](const Command& c) { return engine->execute(kSystemActor, c).id; };
    city = UnitId(sys(cmd::CreateUnit{"Thành phố Hà Nội", "tinh", UnitId(), "HN"}));
    district = UnitId(sys(cmd::CreateUnit{"Quận Long Biên", "huyen", city, "LB"}));
    ward = UnitId(sys(cmd::CreateUnit{"Phường Bồ Đề", "xa", district, "BD"}));
    other_ward = UnitId(sys(cmd::CreateUnit{"Phường Ngọc Lâm", "xa", district, "NL"}));
    land = AgencyId(sys(cmd::CreateAgency{ward, "Bộ phận Địa chính - Xây dựng"}));
    urban = AgencyId(sys(cmd::CreateAgency{ward, "Đội Trật tự đô thị"}));
    other_agency = AgencyId(sys(cmd::CreateAgency{other_ward, "Bộ phận Địa chính phường Ngọc Lâm"}));
    district_land = AgencyId(sys(cmd::CreateAgency{district, "Phòng Tài nguyên và Môi trường quận", true}));
    women = OrganizationId(sys(cmd::CreateOrganization{ward, "Hội Liên hiệp Phụ nữ phường", "women_union"}));
    auto person = [&](const char* name, Role role, UnitId unit, AgencyId a = AgencyId(), OrganizationId o = OrganizationId()) {
      PersonId p(sys(cmd::RegisterPerson{name}));
      engine->execute(kSystemActor, cmd::GrantRole{p, role, unit, a, o});
      return p;
    };
    party_head = person("Nguyễn Thị Thanh Hằng", Role::party_head, ward);
    gov_head = person("Nguyễn Văn Luyện", Role::government_head, ward);
    office = person("Văn phòng UBND phường", Role::office, ward);
    front_chair = person("Chủ tịch UBMTTQ phường", Role::front_chair, ward);
    front_officer = person("Cán bộ MTTQ phường", Role::front_officer, ward);
    council = person("Đại biểu HĐND phường", Role::council_member, ward);
    district_front = person("Chủ tịch UBMTTQ quận", Role::front_chair, district);
    land_officer = person("Cán bộ địa chính", Role::agency_officer, ward, land);
    urban_officer = person("Đội trưởng TTĐT", Role::agency_head, ward, urban);
    district_officer = person("Trưởng phòng TN-MT", Role::agency_head, district, district_land);
    district_office = person("Văn phòng UBND quận", Role::office, district);
    resident = person("Trần Văn Bình", Role::resident, ward);
    resident2 = person("Lê Thị Cúc", Role::resident, ward);
    org_rep = person("Chủ tịch Hội Phụ nữ", Role::organization_rep, ward, AgencyId(), women);
    outsider = person("Người ngoài", Role::resident, other_ward);
    admin = person("Quản trị quận", Role::administrator, district);
  }

  Result run(PersonId actor, const Command& c) { return engine->execute(actor, c); }
  void set_day(int y, int m, int d, int hour_local = 9) { clock->set(at(y, m, d, hour_local)); }

  // A conference of the ward planned with notice on 2022-09-20 for 2022-09-30.
  ConferenceId plan() {
    return ConferenceId(run(office, cmd::PlanConference{ward, ConferenceKind::periodic, "all_residents",
                                                        Date(2022, 9, 30), Date(), "131-KH/QU"}).id);
  }
  void hold(ConferenceId c) {
    set_day(2022, 9, 30, 14);
    run(office, cmd::HoldConference{c, Date(), {party_head, gov_head}, 180, "Báo cáo 9 tháng"});
  }
  // One opinion with one item raised by `who` at the held conference.
  ItemId raise(ConferenceId c, PersonId who, const char* topic = "land", const char* text = "Đề nghị làm rõ tiến độ GPMB") {
    return run(office, cmd::SubmitOpinion{ward, c, Channel::at_conference, who, OrganizationId(), Date(), "",
                                          {{topic, text}}}).items.at(0);
  }
  // A resident's item raised at the held conference of 30/9/2022 (due 30/10/2022) and
  // assigned to the land agency: the start of most follow-up tests.
  ItemId assigned_item() {
    const ConferenceId c = plan();
    hold(c);
    const ItemId i = raise(c, resident);
    run(office, cmd::Assign{i, land, std::nullopt});
    return i;
  }
  // A letter to the ward (no conference), with its default deadline from intake.
  ItemId letter(PersonId who, const char* topic = "urban_order", const char* text = "Lấn chiếm vỉa hè ngõ 30") {
    return run(who, cmd::SubmitOpinion{ward, ConferenceId(), Channel::letter, who, OrganizationId(), Date(), "",
                                       {{topic, text}}}).items.at(0);
  }
  void reply_all(ItemId item, PersonId officer, Date on) {
    run(officer, cmd::WriteReply{item, "12/TB-UBND", on, officer, "Nội dung trả lời"});
    for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
      run(office, cmd::RecordDelivery{item, r, on});
  }
};

}  // namespace fx

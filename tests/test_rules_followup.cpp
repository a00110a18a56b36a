// R04, R05 intake and who may submit (R19); R09 assignment; R10 replies; R11 outside competence;
// R12 extension.
#include <catch2/catch.hpp>

#include <map>

#include "fixture.h"

using namespace doithoai;
using fx::World;
using nlohmann::json;

TEST_CASE("R04 every channel records who raised it, when, where and on what") {
  World w;
  const ConferenceId c = w.plan();
  for (Channel ch : {Channel::mailbox, Channel::voter_meeting, Channel::citizen_reception, Channel::police_forum,
                     Channel::letter, Channel::online_portal}) {
    const Result r = w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), ch, w.resident, OrganizationId(), Date(2022, 9, 18), "", {{"traffic", "Đèn tín hiệu hỏng"}}});
    const Opinion o = w.engine->opinion(OpinionId(r.id));
    CHECK(o.channel == ch);
    CHECK(o.raised_by == w.resident);
    CHECK(o.raised_on == Date(2022, 9, 18));
    CHECK(o.unit == w.ward);
    CHECK(o.topic == "traffic");
  }
  const Result adv = w.run(w.org_rep, cmd::SubmitOpinion{w.ward, c, Channel::collected_in_advance, PersonId(), w.women, Date(), "social_policy", {{"social_policy", "Trợ cấp"}}});
  CHECK(w.engine->opinion(OpinionId(adv.id)).conference == c);
  CHECK(w.engine->opinion(OpinionId(adv.id)).raised_by_org == w.women);
  // Exactly one raiser; the conference channels need their conference; escalation is internal.
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, w.women, Date(), "", {{"land", "x"}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, PersonId(), OrganizationId(), Date(), "", {{"land", "x"}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::at_conference, w.resident, OrganizationId(), Date(), "", {{"land", "x"}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::escalation, w.resident, OrganizationId(), Date(), "", {{"land", "x"}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "", {{"astrology", "x"}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(2030, 1, 1), "", {{"land", "x"}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "", {}}));
}

TEST_CASE("R05 items are the unit of account: one opinion holds many items") {
  World w;
  const Result r = w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::mailbox, w.resident, OrganizationId(), Date(), "", {{"land", "a"}, {"traffic", "b"}, {"environment", "c"}}});
  REQUIRE(r.items.size() == 3);
  CHECK(w.engine->opinion(OpinionId(r.id)).items == r.items);
  CHECK(w.engine->item(r.items[1]).topic == "traffic");
  const Accounting a = w.engine->accounting(w.ward, Date(2022, 9, 20));
  CHECK(a.opinions == 1);
  CHECK(a.items == 3);
}

// ---- R19: who may enter an opinion on behalf of its raiser (the whole matrix) ----

namespace {
enum class Pos { same, parent, grandparent, child, sibling };
const char* pos_name(Pos p) {
  switch (p) {
    case Pos::same: return "same unit";
    case Pos::parent: return "parent";
    case Pos::grandparent: return "grandparent";
    case Pos::child: return "child unit";
    case Pos::sibling: return "sibling unit";
  }
  return "?";
}
}  // namespace

TEST_CASE("R19 an opinion is entered on behalf of its raiser only by the heads, office or front of its unit or an ancestor") {
  World w;  // Hà Nội > Long Biên > Bồ Đề (the opinion's unit) and its sibling Ngọc Lâm
  const auto sys = [&](const Command& c) { return w.run(kSystemActor, c).id; };
  const UnitId child = UnitId(sys(cmd::CreateUnit{"Tổ dân phố số 5", "xa", w.ward, "BD-TDP5"}));
  const std::vector<std::pair<Pos, UnitId>> positions{
      {Pos::same, w.ward}, {Pos::parent, w.district}, {Pos::grandparent, w.city}, {Pos::child, child}, {Pos::sibling, w.other_ward}};
  const std::vector<Role> roles{Role::administrator, Role::party_head,   Role::government_head, Role::office,
                                Role::front_chair,   Role::front_officer, Role::council_member, Role::agency_head,
                                Role::agency_officer, Role::organization_rep, Role::resident};
  // One person per role and position; agency and organization roles get their own agency or
  // organization of that unit (never the raising organization, whose representative is the raiser).
  std::map<std::pair<Role, Pos>, PersonId> holder;
  int n = 0;
  for (const auto& [pos, unit] : positions) {
    const AgencyId agency(sys(cmd::CreateAgency{unit, "Cơ quan " + std::to_string(++n), false, "AG" + std::to_string(n)}));
    const OrganizationId org(sys(cmd::CreateOrganization{unit, "Hội Cựu chiến binh " + std::to_string(n), "veterans", "OR" + std::to_string(n)}));
    for (Role role : roles) {
      const PersonId p(sys(cmd::RegisterPerson{"Người giữ vai trò " + std::to_string(++n)}));
      const bool needs_agency = role == Role::agency_head || role == Role::agency_officer;
      sys(cmd::GrantRole{p, role, unit, needs_agency ? agency : AgencyId(),
                         role == Role::organization_rep ? org : OrganizationId()});
      holder[{role, pos}] = p;
    }
  }
  const PersonId nobody(sys(cmd::RegisterPerson{"Người không có vai trò"}));
  const ConferenceId conf = w.plan();  // planned: advance collection is open

  const auto on_behalf = [](Role r) {
    return r == Role::party_head || r == Role::government_head || r == Role::office || r == Role::front_chair ||
           r == Role::front_officer;
  };
  const auto above_or_same = [](Pos p) { return p == Pos::same || p == Pos::parent || p == Pos::grandparent; };
  int allowed = 0, denied = 0;
  // Submits for the resident w.resident or the organization w.women of the ward; returns whether it was allowed.
  const auto attempt = [&](PersonId actor, bool by_org, Channel ch) {
    cmd::SubmitOpinion c{w.ward, ch == Channel::collected_in_advance ? conf : ConferenceId(), ch,
                         by_org ? PersonId() : w.resident, by_org ? w.women : OrganizationId(), Date(), "",
                         {{"land", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất"}}};
    const auto before = w.engine->last_seq();
    try {
      w.run(actor, c);
    } catch (const Error& e) {
      INFO("message: " << e.what());
      CHECK(e.code() == ErrorCode::permission_denied);
      CHECK(w.engine->last_seq() == before);  // a denial changes nothing
      ++denied;
      return false;
    }
    CHECK(w.engine->last_seq() == before + 1);
    ++allowed;
    return true;
  };
  for (Channel ch : {Channel::citizen_reception, Channel::collected_in_advance})
    for (bool by_org : {false, true}) {
      CAPTURE(to_string(ch), by_org);
      for (const auto& [pos, unit] : positions)
        for (Role role : roles) {
          CAPTURE(to_string(role), pos_name(pos));
          const bool expected = above_or_same(pos) &&
                                (on_behalf(role) || (role == Role::organization_rep && ch == Channel::collected_in_advance));
          CHECK(attempt(holder[{role, pos}], by_org, ch) == expected);
        }
      // No role at all, the system actor, an unknown id: never.
      CHECK_FALSE(attempt(nobody, by_org, ch));
      CHECK_FALSE(attempt(kSystemActor, by_org, ch));
      CHECK_FALSE(attempt(PersonId(987654), by_org, ch));
    }
  // 2 channels x 2 raiser kinds x (5 roles x 3 positions), and the organization representatives
  // of the 3 positions for advance collection, for both raiser kinds.
  CHECK(allowed == 2 * 2 * 5 * 3 + 2 * 3);
  CHECK(denied == 2 * 2 * (11 * 5 + 3) - allowed);
}

TEST_CASE("R19 the raiser submits their own opinion, an organization's representative the organization's") {
  World w;
  const ConferenceId conf = w.plan();
  const auto before = w.engine->last_seq();
  const auto submit = [&](PersonId actor, PersonId by, OrganizationId org, Channel ch = Channel::letter) {
    return w.run(actor, cmd::SubmitOpinion{w.ward, ch == Channel::collected_in_advance ? conf : ConferenceId(), ch, by, org,
                                           Date(), "", {{"traffic", "Đèn tín hiệu hỏng"}}});
  };
  submit(w.resident, w.resident, OrganizationId());
  submit(w.org_rep, PersonId(), w.women);                              // its representative, any channel
  submit(w.org_rep, w.resident, OrganizationId(), Channel::collected_in_advance);  // collecting in advance
  CHECK(w.engine->last_seq() == before + 3);
  // Not for another resident, not for an organization one does not represent, not outside advance collection.
  REQUIRE_ERROR(permission_denied, submit(w.resident, w.resident2, OrganizationId()));
  REQUIRE_ERROR(permission_denied, submit(w.resident, PersonId(), w.women));
  REQUIRE_ERROR(permission_denied, submit(w.org_rep, w.resident, OrganizationId()));
  CHECK(w.engine->last_seq() == before + 3);
}

TEST_CASE("R09 assignment defaults to 30 days after the conference; only heads or office assign") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId i = w.raise(c, w.resident);
  w.set_day(2022, 10, 3);
  REQUIRE_ERROR(permission_denied, w.run(w.front_chair, cmd::Assign{i, w.land, std::nullopt}));
  REQUIRE_ERROR(permission_denied, w.run(w.land_officer, cmd::Assign{i, w.land, std::nullopt}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Assign{i, w.other_agency, std::nullopt}));
  REQUIRE_ERROR(not_found, w.run(w.office, cmd::Assign{i, AgencyId(77), std::nullopt}));
  REQUIRE_ERROR(not_found, w.run(w.office, cmd::Assign{ItemId(9999), w.land, std::nullopt}));
  // Later than the default needs R12; earlier is allowed.
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Assign{i, w.land, Date(2022, 11, 5)}));
  w.run(w.gov_head, cmd::Assign{i, w.land, std::nullopt});
  CHECK(w.engine->item(i).deadline == Date(2022, 10, 30));
  CHECK(w.engine->item(i).agency == w.land);
  CHECK(w.engine->item(i).status == ItemStatus::assigned);
  w.run(w.office, cmd::Assign{i, w.urban, Date(2022, 10, 20)});
  CHECK(w.engine->item(i).agency == w.urban);
  CHECK(w.engine->item(i).deadline == Date(2022, 10, 20));
  CHECK(w.engine->item(i).original_deadline == Date(2022, 10, 30));
}

TEST_CASE("R09 an item outside any conference is due 30 days after intake") {
  World w;  // 2022-09-20
  const ItemId i = w.letter(w.resident);
  CHECK(w.engine->item(i).deadline == Date(2022, 10, 20));
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  CHECK(w.engine->item(i).deadline == Date(2022, 10, 20));
}

TEST_CASE("R09 a reply deadline assigned on national-default lands after Tết Quý Mão, not inside it") {
  // The built-in profiles count on the Vietnamese calendar: 30 days after a letter of Friday
  // 23/12/2022 end on Sunday 22/1/2023, inside Tết (20/1-26/1/2023, Công văn 8056/VPCP-KGVX);
  // national-default ends on the next working day (Civil Code 2015 art. 148): Friday 27/1.
  World w(builtin_profile("national-default"));
  w.set_day(2022, 12, 23);
  const ItemId i = w.letter(w.resident);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  CHECK(w.engine->item(i).deadline == Date(2023, 1, 27));
  const DeadlineExplanation x =
      w.engine->calendar().explain(Date(2022, 12, 23), builtin_profile("national-default").deadlines.reply);
  CHECK(x.deadline == Date(2023, 1, 27));
  CHECK(x.calendar_name == "vietnam");
  CHECK(x.skipped.size() == 5);  // 22/1 (Sunday) to 26/1
  // The weekend calendar, still available by name, would have made Monday 23/1 (mùng 2 Tết) the deadline.
  auto j = profile_to_json(builtin_profile("national-default"));
  j["calendar"] = "weekend";
  World plain(load_profile(j));
  plain.set_day(2022, 12, 23);
  CHECK(plain.engine->item(plain.letter(plain.resident)).deadline == Date(2023, 1, 23));
}

TEST_CASE("R10 a written reply counts only when delivered to all four recipients") {
  World w;
  const ItemId i = w.letter(w.resident);
  REQUIRE_ERROR(invalid_transition, w.run(w.urban_officer, cmd::WriteReply{i, "1/TL", Date(), w.urban_officer, "Trả lời"}));
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.set_day(2022, 10, 10);
  // Only the assigned agency replies.
  REQUIRE_ERROR(permission_denied, w.run(w.land_officer, cmd::WriteReply{i, "1/TL", Date(), w.land_officer, "Trả lời"}));
  REQUIRE_ERROR(permission_denied, w.run(w.office, cmd::WriteReply{i, "1/TL", Date(), w.urban_officer, "Trả lời"}));
  REQUIRE_ERROR(invalid_argument, w.run(w.urban_officer, cmd::WriteReply{i, "", Date(), w.urban_officer, "Trả lời"}));
  REQUIRE_ERROR(invalid_argument, w.run(w.urban_officer, cmd::WriteReply{i, "1/TL", Date(), w.resident, "Trả lời"}));
  w.run(w.urban_officer, cmd::WriteReply{i, "45/TL-UBND", Date(), w.urban_officer, "Đã xử lý lấn chiếm"});
  CHECK(w.engine->item(i).status == ItemStatus::reply_written);
  CHECK(w.engine->read([&](const State& s) { return s.standing(i, Date(2022, 10, 10)); }) == Standing::not_yet_due);
  w.run(w.office, cmd::RecordDelivery{i, Recipient::party_head, Date()});
  w.run(w.office, cmd::RecordDelivery{i, Recipient::government_head, Date()});
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::RecordDelivery{i, Recipient::party_head, Date()}));
  w.run(w.urban_officer, cmd::RecordDelivery{i, Recipient::front_chair, Date()});
  CHECK(w.engine->item(i).status == ItemStatus::reply_written);
  w.set_day(2022, 10, 12);
  w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date()});
  const Item it = w.engine->item(i);
  CHECK(it.status == ItemStatus::replied);
  REQUIRE(it.reply);
  CHECK(it.reply->number == "45/TL-UBND");
  CHECK(it.reply->signer == w.urban_officer);
  CHECK(it.reply->deliveries.size() == 4);
  CHECK(it.reply->completed_on == Date(2022, 10, 12));
  CHECK(it.resolved_on == Date(2022, 10, 12));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date()}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::RecordDelivery{i, Recipient::raiser, Date()}));
}

TEST_CASE("R10 the recipients come from the profile") {
  auto j = profile_to_json(builtin_profile("hanoi-2200"));
  j["reply_recipients"] = {"raiser"};
  World w(load_profile(j));
  const ItemId i = w.letter(w.resident);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.run(w.urban_officer, cmd::WriteReply{i, "1/TL", Date(), w.urban_officer, "Trả lời"});
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::RecordDelivery{i, Recipient::party_head, Date()}));
  w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date()});
  CHECK(w.engine->item(i).status == ItemStatus::replied);
}

TEST_CASE("R11 escalation creates a linked proposal in the higher unit, handled under the same rules") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId i = w.raise(c, w.resident, "land", "Bồi thường GPMB dự án đường 40m");
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Escalate{i, w.other_ward, AgencyId(), "x", Date(), Date(2022, 9, 30)}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Escalate{i, w.ward, AgencyId(), "x", Date(), Date(2022, 9, 30)}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Escalate{i, w.district, AgencyId(), "Đề nghị", Date(), Date()}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Escalate{i, w.district, w.land, "Đề nghị", Date(), Date(2022, 9, 30)}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::Escalate{i, w.district, AgencyId(), "Đề nghị", Date(), Date(2022, 9, 30)}));
  w.set_day(2022, 10, 4);
  const Result r = w.run(w.office, cmd::Escalate{i, w.district, w.district_land, "Đề nghị quận giải quyết bồi thường", Date(), Date(2022, 10, 4)});
  const ItemId up(r.id);
  const Item low = w.engine->item(i);
  CHECK(low.status == ItemStatus::handed_on);
  CHECK(low.outcome == Outcome::escalated);
  CHECK(low.escalated_to == up);
  CHECK(low.raiser_notified_on == Date(2022, 10, 4));
  const Item high = w.engine->item(up);
  CHECK(high.unit == w.district);
  CHECK(high.escalated_from == i);
  CHECK(high.status == ItemStatus::assigned);
  CHECK(high.agency == w.district_land);
  CHECK(high.deadline == Date(2022, 11, 3));
  CHECK(w.engine->opinion(high.opinion).channel == Channel::escalation);
  CHECK(w.engine->opinion(high.opinion).from_unit == w.ward);
  CHECK(w.engine->opinion(high.opinion).raised_by == w.resident);
  // The ward sees the district's progress on its item; the district's agency replies.
  CHECK(w.engine->read([&](const State& s) { return s.can_view(w.party_head, up); }));
  CHECK_FALSE(w.engine->read([&](const State& s) { return s.can_view(w.outsider, up); }));
  REQUIRE_ERROR(permission_denied, w.run(w.land_officer, cmd::WriteReply{up, "1", Date(), w.land_officer, "x"}));
  w.run(w.district_officer, cmd::WriteReply{up, "88/UBND-TNMT", Date(), w.district_officer, "Quận đã phê duyệt phương án"});
  for (Recipient rc : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
    w.run(w.district_office, cmd::RecordDelivery{up, rc, Date()});
  CHECK(w.engine->item(w.engine->item(i).escalated_to).status == ItemStatus::replied);
  // The district's front supervises it.
  REQUIRE_ERROR(permission_denied, w.run(w.front_chair, cmd::CloseItem{up}));
  w.run(w.district_front, cmd::CloseItem{up});
  CHECK(w.engine->item(up).status == ItemStatus::closed);
}

TEST_CASE("R11 intake outcomes: accepted, more time, refused, transferred, redirected") {
  World w;
  const ItemId a = w.letter(w.resident), b = w.letter(w.resident), c = w.letter(w.resident),
               d = w.letter(w.resident), e = w.letter(w.resident);
  w.run(w.office, cmd::DecideIntake{a, Outcome::accepted});
  CHECK(w.engine->item(a).outcome == Outcome::accepted);
  CHECK(w.engine->item(a).status == ItemStatus::open);
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::DecideIntake{b, Outcome::more_time}));
  w.run(w.office, cmd::DecideIntake{b, Outcome::more_time, "Cần xác minh thực địa"});
  CHECK(w.engine->item(b).status == ItemStatus::open);
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::DecideIntake{c, Outcome::refused, "Không thuộc phạm vi đối thoại"}));
  w.run(w.office, cmd::DecideIntake{c, Outcome::refused, "Không thuộc phạm vi đối thoại", "", false, Date(), Date(2022, 9, 20)});
  CHECK(w.engine->item(c).status == ItemStatus::handed_on);
  CHECK(w.engine->item(c).outcome_reason == "Không thuộc phạm vi đối thoại");
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::DecideIntake{d, Outcome::transferred, "", "", false, Date(), Date(2022, 9, 20)}));
  w.run(w.office, cmd::DecideIntake{d, Outcome::transferred, "", "Công an quận Long Biên", false, Date(), Date(2022, 9, 20)});
  CHECK(w.engine->item(d).outcome == Outcome::transferred);
  // A complaint follows its own statutory time: 30 days, 45 if complex.
  w.run(w.office, cmd::DecideIntake{e, Outcome::redirected_complaint, "Khiếu nại quyết định hành chính", "", true, Date(), Date(2022, 9, 20)});
  CHECK(w.engine->item(e).outcome_due == Date(2022, 11, 4));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::DecideIntake{a, Outcome::escalated}));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::DecideIntake{c, Outcome::accepted}));
}

TEST_CASE("R11 complaints in remote areas get the longer statutory times") {
  World w;
  const UnitId remote(w.run(kSystemActor, cmd::CreateUnit{"Xã vùng cao", "xa", w.district, "", Date(), true}).id);
  const PersonId off(w.run(kSystemActor, cmd::RegisterPerson{"Văn phòng xã"}).id);
  w.run(kSystemActor, cmd::GrantRole{off, Role::office, remote});
  const ItemId i = w.run(off, cmd::SubmitOpinion{remote, ConferenceId(), Channel::citizen_reception, w.resident, OrganizationId(), Date(), "", {{"land", "Khiếu nại"}}}).items[0];
  w.run(off, cmd::DecideIntake{i, Outcome::redirected_complaint, "Khiếu nại", "", true, Date(), Date(2022, 9, 20)});
  CHECK(w.engine->item(i).outcome_due == Date(2022, 11, 21));  // 60 days, 19/11 is a Saturday
}

TEST_CASE("R12 an extension needs a written notice naming the new date and agency; the original is kept") {
  World w;
  const ItemId i = w.assigned_item();
  w.set_day(2022, 10, 25);
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Extend{i, Date(2022, 11, 30), "", Date(2022, 10, 25)}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Extend{i, Date(2022, 11, 30), "102/TB-UBND", Date()}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Extend{i, Date(2022, 10, 29), "102/TB-UBND", Date(2022, 10, 25)}));
  REQUIRE_ERROR(permission_denied, w.run(w.land_officer, cmd::Extend{i, Date(2022, 11, 30), "102/TB-UBND", Date(2022, 10, 25)}));
  w.run(w.office, cmd::Extend{i, Date(2022, 11, 30), "102/TB-UBND", Date(2022, 10, 25), AgencyId(), "Liên quan nhiều ngành"});
  const Item it = w.engine->item(i);
  CHECK(it.deadline == Date(2022, 11, 30));
  CHECK(it.original_deadline == Date(2022, 10, 30));
  REQUIRE(it.extensions.size() == 1);
  CHECK(it.extensions[0].previous == Date(2022, 10, 30));
  CHECK(it.extensions[0].notice_number == "102/TB-UBND");
  CHECK(it.extensions[0].agency == w.land);
  const Accounting a = w.engine->accounting(w.ward, Date(2022, 11, 5));
  CHECK(a.extended_items == 1);
  CHECK(a.extensions == 1);
  CHECK(a.not_yet_due == 1);
  CHECK(a.overdue == 0);
}

TEST_CASE("R09 explain_deadline: a reply due over Tết moves to the next working day, with the days skipped and why") {
  World w(builtin_profile("national-default"));
  w.set_day(2022, 12, 22);
  const ItemId i = w.letter(w.resident);
  const DeadlineBasis b = w.engine->explain_deadline(i);
  CHECK(b.deadline == Date(2023, 1, 27));  // 30 days end on Saturday 21/1, in the Tết break 20–26/1/2023
  CHECK(b.source == "intake");
  CHECK(b.rule == "reply");
  CHECK_FALSE(b.given);
  CHECK(b.event == Date(2022, 12, 22));
  REQUIRE(b.computation);
  CHECK(b.computation->calendar_name == "vietnam");
  CHECK(b.computation->computed_end == Date(2023, 1, 21));
  CHECK(b.computation->moved);
  CHECK(b.computation->rule.citation == w.engine->profile().deadlines.reply.citation);
  REQUIRE(b.computation->skipped.size() >= 5);
  bool tet = false;
  for (const auto& d : b.computation->skipped) tet = tet || d.reason.find("Tết") != std::string::npos;
  CHECK(tet);
  CHECK(b.text_vi.find("27/01/2023") != std::string::npos);
}

TEST_CASE("R09 explain_deadline: Bồ Đề's reply deadline 30/10/2022 is kept on a Sunday by the hanoi-2200 rule") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId i = w.raise(c, w.resident);
  const DeadlineBasis b = w.engine->explain_deadline(i);
  CHECK(b.deadline == Date(2022, 10, 30));
  CHECK(b.source == "conference");
  CHECK(b.event == Date(2022, 9, 30));
  REQUIRE(b.computation);
  CHECK(b.computation->kept_on_day_off);
  CHECK_FALSE(b.computation->moved);
  // A duplicate follows its original's deadline and says so.
  const ItemId dup = w.raise(c, w.resident2);
  w.run(w.office, cmd::MergeDuplicate{dup, i});
  const DeadlineBasis m = w.engine->explain_deadline(dup);
  CHECK(m.source == "merged");
  CHECK(m.follows == i);
  CHECK(m.deadline == Date(2022, 10, 30));
  REQUIRE_ERROR(not_found, w.engine->explain_deadline(ItemId(999)));
}

TEST_CASE("R12 explain_deadline: an extension's date is given with its notice; the original is kept") {
  World w;
  const ItemId i = w.assigned_item();
  w.set_day(2022, 10, 25);
  w.run(w.office, cmd::Extend{i, Date(2022, 11, 30), "102/TB-UBND", Date(2022, 10, 25), AgencyId(), "Phức tạp"});
  const DeadlineBasis b = w.engine->explain_deadline(i);
  CHECK(b.deadline == Date(2022, 11, 30));
  CHECK(b.original_deadline == Date(2022, 10, 30));
  CHECK(b.source == "extension");
  CHECK(b.given);
  CHECK(b.notice_number == "102/TB-UBND");
  CHECK_FALSE(b.computation);
  CHECK(b.text_vi.find("102/TB-UBND") != std::string::npos);
  CHECK(b.text_vi.find("30/10/2022") != std::string::npos);
  // R14: a reopened item's new deadline comes from the reopen rule.
  w.reply_all(i, w.land_officer, Date(2022, 10, 25));
  w.set_day(2022, 11, 2);
  w.run(w.front_chair, cmd::Reopen{i, "Chưa thỏa đáng", std::nullopt, Date()});
  const DeadlineBasis r = w.engine->explain_deadline(i);
  CHECK(r.source == "reopen");
  CHECK(r.rule == "reopen");
  CHECK(r.event == Date(2022, 11, 2));
  REQUIRE(r.computation);
  CHECK(r.deadline == r.computation->deadline);
}

// ---- R12 extension caps (profile "extension_limits", issue 15) ----
namespace {
// hanoi-2200 with the denunciation and complaint topics, capped as vn-2025 caps them (or not).
Profile capped_profile(bool caps) {
  json j = profile_to_json(builtin_profile("hanoi-2200"));
  j["topics"].push_back({{"code", "denunciation"}, {"label", "Tố cáo"}});
  j["topics"].push_back({{"code", "complaint"}, {"label", "Khiếu nại"}});
  if (caps)
    j["extension_limits"] = json::array(
        {{{"topics", {"denunciation"}}, {"max_count", 2}, {"max_days", 30}, {"citation", "Luật Tố cáo 2018, điều 30"}},
         {{"topics", {"complaint"}}, {"max_count", 1}, {"max_days", 15}, {"citation", "Luật Khiếu nại 2011, điều 28"}}});
  return load_profile(j);
}
ItemId assigned_on(World& w, const char* topic) {
  const ItemId i = w.letter(w.resident, topic, "Tố cáo cán bộ địa chính");
  w.run(w.office, cmd::Assign{i, w.land, std::nullopt});
  return i;
}
}  // namespace

TEST_CASE("R12 extension caps: a denunciation is extended at most twice, 30 days each (Luật Tố cáo 2018 art. 30)") {
  World w(capped_profile(true));
  const ItemId i = assigned_on(w, "denunciation");  // raised 2022-09-20, due 2022-10-20
  REQUIRE(w.engine->item(i).deadline == Date(2022, 10, 20));
  w.set_day(2022, 10, 18);
  const std::uint64_t before = w.engine->last_seq();
  const json item_before = json(w.engine->item(i));
  // 31 days: beyond the length cap, refused with the citation; nothing changes.
  try {
    w.run(w.office, cmd::Extend{i, Date(2022, 11, 20), "1/TB", Date(2022, 10, 18)});
    FAIL("an extension of 31 days was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(std::string(e.what()).find("Luật Tố cáo 2018, điều 30") != std::string::npos);
    CHECK(std::string(e.what()).find("2022-11-19") != std::string::npos);
  }
  CHECK(w.engine->last_seq() == before);
  CHECK(json(w.engine->item(i)) == item_before);
  // Exactly 30 days, twice.
  w.run(w.office, cmd::Extend{i, Date(2022, 11, 19), "1/TB", Date(2022, 10, 18)});
  w.set_day(2022, 11, 15);
  w.run(w.office, cmd::Extend{i, Date(2022, 12, 19), "2/TB", Date(2022, 11, 15)});
  // A third: refused whatever its length, the count cap citing the law; nothing changes.
  w.set_day(2022, 12, 15);
  const std::uint64_t after_two = w.engine->last_seq();
  const json item_two = json(w.engine->item(i));
  try {
    w.run(w.office, cmd::Extend{i, Date(2022, 12, 20), "3/TB", Date(2022, 12, 15)});
    FAIL("a third extension was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_transition);
    CHECK(std::string(e.what()).find("at most 2") != std::string::npos);
    CHECK(std::string(e.what()).find("R12: Luật Tố cáo 2018, điều 30") != std::string::npos);
  }
  CHECK(w.engine->last_seq() == after_two);
  CHECK(json(w.engine->item(i)) == item_two);
  const Item it = w.engine->item(i);
  CHECK(it.extensions.size() == 2);
  CHECK(it.original_deadline == Date(2022, 10, 20));
  CHECK(it.deadline == Date(2022, 12, 19));
}

TEST_CASE("R12 extension caps: a complaint once; other topics and uncapped profiles without limit") {
  World w(capped_profile(true));
  const ItemId k = assigned_on(w, "complaint");
  const ItemId other = assigned_on(w, "land");
  w.set_day(2022, 10, 18);
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Extend{k, Date(2022, 11, 5), "1/TB", Date(2022, 10, 18)}));
  w.run(w.office, cmd::Extend{k, Date(2022, 11, 4), "1/TB", Date(2022, 10, 18)});
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::Extend{k, Date(2022, 11, 5), "2/TB", Date(2022, 10, 18)}));
  // A topic no limit names: any number, any length.
  for (int n = 1; n <= 4; ++n)
    w.run(w.office, cmd::Extend{other, Date(2022 + n, 1, 1), "X/" + std::to_string(n), Date(2022, 10, 18)});
  CHECK(w.engine->item(other).extensions.size() == 4);
  // The same profile without limits: no cap at all.
  World u(capped_profile(false));
  const ItemId d = assigned_on(u, "denunciation");
  u.set_day(2022, 10, 18);
  for (int n = 1; n <= 3; ++n)
    u.run(u.office, cmd::Extend{d, Date(2023, n, 28), "X/" + std::to_string(n), Date(2022, 10, 18)});
  CHECK(u.engine->item(d).extensions.size() == 3);
}

TEST_CASE("R12 extension caps: a log extended beyond a cap replays unchanged under a capped profile") {
  World u(capped_profile(false));
  const ItemId d = assigned_on(u, "denunciation");
  u.set_day(2022, 10, 18);
  for (int n = 1; n <= 3; ++n)
    u.run(u.office, cmd::Extend{d, Date(2023, n, 28), "X/" + std::to_string(n), Date(2022, 10, 18)});
  auto store = std::make_unique<MemoryStore>();
  Batch b;
  b.events = u.engine->events(1, 1000000);
  store->append(b);
  Engine capped(capped_profile(true), std::move(store));
  CHECK(capped.last_seq() == u.engine->last_seq());
  CHECK(json(capped.item(d)) == json(u.engine->item(d)));
  CHECK(capped.item(d).extensions.size() == 3);
  // Only new decisions meet the cap: a fourth is refused.
  REQUIRE_ERROR(invalid_transition,
                capped.execute(u.office, cmd::Extend{d, Date(2023, 4, 1), "X/4", Date(2022, 10, 18)}));
}

TEST_CASE("R12 extension caps: profile validation and the shipped vn-2025 caps") {
  const Profile v = builtin_profile("vn-2025");
  REQUIRE(v.extension_limits.size() == 2);
  CHECK(v.extension_limits[0].topics == std::vector<std::string>{"denunciation"});
  CHECK(v.extension_limits[0].max_count == 2);
  CHECK(v.extension_limits[0].max_days == 30);
  CHECK(v.extension_limits[1].max_count == 1);
  CHECK(load_profile(profile_to_json(v)).extension_limits.size() == 2);  // round trip
  for (const char* name : {"hanoi-2200", "national-default"}) CHECK(builtin_profile(name).extension_limits.empty());
  json j = profile_to_json(builtin_profile("hanoi-2200"));
  auto bad = [&](json limits) {
    json k = j;
    k["extension_limits"] = std::move(limits);
    REQUIRE_ERROR(invalid_argument, load_profile(k));
  };
  bad(json::object());
  bad(json::array({{{"max_count", 2}}}));                                          // no citation
  bad(json::array({{{"citation", "x"}}}));                                         // no cap at all
  bad(json::array({{{"topics", {"nope"}}, {"max_count", 1}, {"citation", "x"}}})); // unknown topic
  bad(json::array({{{"max_count", -1}, {"citation", "x"}}}));
  bad(json::array({{{"max_days", 0}, {"citation", "x"}}}));
  bad(json::array({{{"max_count", 1}, {"day_type", "working"}, {"citation", "x"}}}));  // day_type without max_days
  bad(json::array({{{"max_count", 1}, {"citation", "x"}, {"extra", 1}}}));
}

TEST_CASE("R12 extension caps: max_days in working days counts from the previous deadline") {
  json j = profile_to_json(capped_profile(false));
  j["extension_limits"] = json::array(
      {{{"max_days", 5}, {"day_type", "working"}, {"citation", "quy chế thử: 5 ngày làm việc"}}});
  World w(load_profile(j));
  const ItemId i = assigned_on(w, "land");  // due Thu 2022-10-20; 5 working days on: Thu 2022-10-27
  w.set_day(2022, 10, 18);
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Extend{i, Date(2022, 10, 28), "1/TB", Date(2022, 10, 18)}));
  w.run(w.office, cmd::Extend{i, Date(2022, 10, 27), "1/TB", Date(2022, 10, 18)});
  w.run(w.office, cmd::Extend{i, Date(2022, 11, 3), "2/TB", Date(2022, 10, 18)});  // no count cap
  CHECK(w.engine->item(i).extensions.size() == 2);
}

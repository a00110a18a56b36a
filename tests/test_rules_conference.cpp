// R02 conference kinds, R03 lifecycle, R06 answers on the spot, R07 reconciliation, R08 notice.
#include <catch2/catch.hpp>

#include "fixture.h"

using namespace doithoai;
using fx::World;

TEST_CASE("R02 conferences are periodic, unscheduled or thematic, for an audience, chaired by the heads") {
  World w;
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::PlanConference{w.ward, ConferenceKind::thematic, "youth", Date(2022, 10, 5)}));
  const ConferenceId t(w.run(w.office, cmd::PlanConference{w.ward, ConferenceKind::thematic, "youth", Date(2022, 10, 5), Date(), "", AgencyId(), "merging_residential"}).id);
  CHECK(w.engine->conference(t).kind == ConferenceKind::thematic);
  CHECK(w.engine->conference(t).audience == "youth");
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::PlanConference{w.ward, ConferenceKind::unscheduled, "aliens", Date(2022, 10, 5)}));
  const ConferenceId c = w.plan();
  w.set_day(2022, 9, 30);
  // Chairs must be the unit's heads.
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::HoldConference{c, Date(), {w.resident}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::HoldConference{c, Date(), {}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::HoldConference{c, Date(), {w.party_head, w.party_head}}));
  w.run(w.office, cmd::HoldConference{c, Date(), {w.party_head, w.gov_head}, 150});
  CHECK(w.engine->conference(c).chairs == std::vector<PersonId>{w.party_head, w.gov_head});
  CHECK(w.engine->conference(c).attendance == 150);
}

TEST_CASE("R02 a department's dialogue is chaired by the department's head") {
  World w;
  w.set_day(2022, 9, 1);
  REQUIRE_ERROR(invalid_argument, w.run(w.district_officer, cmd::PlanConference{w.ward, ConferenceKind::thematic, "commune_officials", Date(2022, 9, 30), Date(), "", w.district_land, "land"}));
  const ConferenceId c(w.run(w.district_officer, cmd::PlanConference{w.district, ConferenceKind::thematic, "commune_officials", Date(2022, 9, 30), Date(), "", w.district_land, "land"}).id);
  w.set_day(2022, 9, 30);
  REQUIRE_ERROR(invalid_argument, w.run(w.district_officer, cmd::HoldConference{c, Date(), {w.party_head}}));
  w.run(w.district_officer, cmd::HoldConference{c, Date(), {w.district_officer}});
  CHECK(w.engine->conference(c).status == ConferenceStatus::held);
  // The ward's heads do not run the district department's dialogue.
  REQUIRE_ERROR(permission_denied, w.run(w.party_head, cmd::IssueConclusionNotice{c, "1/TB", Date(), "Kết luận"}));
}

TEST_CASE("R03 public notice at least 7 days before a commune conference") {
  World w;  // today is 2022-09-20
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::PlanConference{w.ward, ConferenceKind::periodic, "all_residents", Date(2022, 9, 26)}));
  CHECK(w.run(w.office, cmd::PlanConference{w.ward, ConferenceKind::periodic, "all_residents", Date(2022, 9, 27)}).id > 0);
  // Holding earlier than the notice allows is refused even if it was planned correctly.
  const ConferenceId c = w.plan();
  w.set_day(2022, 9, 26);
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::HoldConference{c, Date(), {w.party_head}}));
  // District conferences are not bound by the commune rule of the profile.
  const ConferenceId d(w.run(w.district_office, cmd::PlanConference{w.district, ConferenceKind::unscheduled, "all_residents", Date(2022, 9, 27)}).id);
  CHECK(w.engine->conference(d).status == ConferenceStatus::planned);
}

TEST_CASE("R03 the lifecycle runs planned, held, concluded, closed, and only forward") {
  World w;
  const ConferenceId c = w.plan();
  const ItemId advance = w.run(w.front_officer, cmd::SubmitOpinion{w.ward, c, Channel::collected_in_advance, w.resident, OrganizationId(), Date(), "", {{"land", "Cấp sổ đỏ chậm"}}}).items[0];
  CHECK_FALSE(w.engine->item(advance).deadline);  // due only once the conference is held
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::IssueConclusionNotice{c, "1/TB", Date(), "x"}));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::Assign{advance, w.land, std::nullopt}));
  w.hold(c);
  CHECK(w.engine->conference(c).status == ConferenceStatus::held);
  CHECK(w.engine->item(advance).deadline == Date(2022, 10, 30));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::HoldConference{c, Date(), {w.party_head}}));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::CloseConference{c}));
  const ItemId raised = w.raise(c, w.resident2);
  w.run(w.office, cmd::AnswerOnSpot{raised, w.gov_head, "Đã có kế hoạch"});
  w.set_day(2022, 10, 5);
  w.run(w.office, cmd::IssueConclusionNotice{c, "25-TB/ĐU", Date(), "Kết luận của người đứng đầu"});
  CHECK(w.engine->conference(c).status == ConferenceStatus::concluded);
  // Not every item is resolved: cannot close.
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::CloseConference{c}));
  w.run(w.office, cmd::Assign{advance, w.land, std::nullopt});
  w.reply_all(advance, w.land_officer, Date(2022, 10, 5));
  w.run(w.office, cmd::CloseConference{c});
  CHECK(w.engine->conference(c).status == ConferenceStatus::closed);
  CHECK(w.engine->conference(c).closed_on == Date(2022, 10, 5));
  REQUIRE_ERROR(invalid_transition, w.raise(c, w.resident));
}

TEST_CASE("R03 a conference closes when the rest are formally handed on") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId a = w.raise(c, w.resident);
  w.run(w.office, cmd::IssueConclusionNotice{c, "25-TB/ĐU", Date(), "Kết luận"});
  w.run(w.office, cmd::Escalate{a, w.district, w.district_land, "Đề nghị quận xem xét", Date(), Date(2022, 9, 30)});
  w.run(w.office, cmd::CloseConference{c});
  CHECK(w.engine->conference(c).status == ConferenceStatus::closed);
}

TEST_CASE("R06 answers on the spot record the gist and who gave it") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId i = w.raise(c, w.resident);
  // An official of the unit named by the chair may answer; a resident may not.
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::AnswerOnSpot{i, w.resident2, "x"}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::AnswerOnSpot{i, w.gov_head, "x"}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::AnswerOnSpot{i, w.gov_head, ""}));
  w.run(w.party_head, cmd::AnswerOnSpot{i, w.land_officer, "Hồ sơ sẽ xong trong tháng 10"});
  const Item it = w.engine->item(i);
  CHECK(it.status == ItemStatus::answered);
  REQUIRE(it.answer);
  CHECK(it.answer->answered_by == w.land_officer);
  CHECK(it.answer->gist == "Hồ sơ sẽ xong trong tháng 10");
  CHECK(it.answer->on == Date(2022, 9, 30));
  CHECK(it.resolved_on == Date(2022, 9, 30));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::AnswerOnSpot{i, w.gov_head, "lần 2"}));
  // Once the Front closes it, it still counts as answered on the spot.
  w.run(w.front_chair, cmd::CloseItem{i});
  const Accounting a = w.engine->accounting(w.ward, Date(2022, 9, 30));
  CHECK(a.answered_on_spot == 1);
  CHECK(a.closed == 1);
  CHECK(a.replied == 0);
  // A letter has no conference to answer at.
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::AnswerOnSpot{w.letter(w.resident), w.gov_head, "x"}));
}

TEST_CASE("R07 reconciliation lists advance and raised items, answered and not, and duplicates both ways") {
  World w;
  const ConferenceId c = w.plan();
  const ItemId adv1 = w.run(w.org_rep, cmd::SubmitOpinion{w.ward, c, Channel::collected_in_advance, PersonId(), w.women, Date(), "", {{"security", "Mất trộm xe đạp"}, {"culture_society", "Sân chơi trẻ em"}}}).items[0];
  const ItemId adv2 = ItemId(adv1.value + 1);
  w.hold(c);
  const ItemId r1 = w.raise(c, w.resident, "security", "Trộm cắp xe đạp ở ngõ 12");
  const ItemId r2 = w.raise(c, w.resident2, "land");
  w.run(w.office, cmd::MergeDuplicate{r1, adv1});
  w.run(w.office, cmd::AnswerOnSpot{r2, w.gov_head, "Đã trả lời"});
  const Reconciliation rc = w.engine->reconciliation(c);
  CHECK(rc.collected_in_advance == std::vector<ItemId>{adv1, adv2});
  CHECK(rc.raised_at_conference == std::vector<ItemId>{r1, r2});
  CHECK(rc.answered == std::vector<ItemId>{r2});
  CHECK(rc.unanswered == std::vector<ItemId>{adv1, adv2});
  REQUIRE(rc.duplicates.size() == 1);
  CHECK(rc.duplicates[0] == std::make_pair(r1, adv1));
  CHECK(w.engine->item(adv1).duplicates == std::vector<ItemId>{r1});
  CHECK(w.engine->item(r1).merged_into == adv1);
  // The duplicate follows the original's outcome.
  CHECK(w.engine->read([&](const State& s) { return s.standing(r1, Date(2022, 10, 1)); }) == Standing::not_yet_due);
  w.run(w.office, cmd::Assign{adv1, w.urban, std::nullopt});
  w.set_day(2022, 10, 1);
  w.reply_all(adv1, w.urban_officer, Date(2022, 10, 1));
  CHECK(w.engine->read([&](const State& s) { return s.standing(r1, Date(2022, 10, 1)); }) == Standing::resolved);
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::MergeDuplicate{adv2, adv2}));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::MergeDuplicate{r2, adv2}));  // answered, not open
}

TEST_CASE("R08 the conclusion notice is due 10 days after the conference and lateness is kept") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  w.set_day(2022, 10, 11);
  REQUIRE_ERROR(permission_denied, w.run(w.front_chair, cmd::IssueConclusionNotice{c, "25-TB/ĐU", Date(), "Kết luận"}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::IssueConclusionNotice{c, "", Date(), "Kết luận"}));
  w.run(w.office, cmd::IssueConclusionNotice{c, "25-TB/ĐU", Date(), "Kết luận"});
  const auto n = w.engine->conference(c).notice;
  REQUIRE(n);
  CHECK(n->due == Date(2022, 10, 10));
  CHECK(n->issued_on == Date(2022, 10, 11));
  CHECK_FALSE(n->on_time);
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::IssueConclusionNotice{c, "26-TB/ĐU", Date(), "lần 2"}));
}

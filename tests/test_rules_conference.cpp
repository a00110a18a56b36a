// R02 conference kinds, R03 lifecycle, R06 answers on the spot, R07 reconciliation, R08 notice.
#include <algorithm>
#include <atomic>
#include <thread>
#include <catch2/catch.hpp>

#include "fixture.h"
#include "views_world.h"

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

TEST_CASE("R07 duplicate suggestions at intake: the unit's open items with the same words, diacritics and case aside, best first") {
  World w;
  const ItemId road = w.letter(w.resident, "urban_order", "Đường ngõ 12 phố Ngọc Thụy xuống cấp, nhiều ổ gà");
  const ItemId road2 = w.letter(w.resident2, "urban_order", "Mặt đường ngõ 12 bị hỏng");
  const ItemId light = w.letter(w.resident, "urban_order", "Đèn chiếu sáng ngõ 30 không sáng");
  const PersonId other_office(w.engine->execute(kSystemActor, cmd::RegisterPerson{"Văn phòng UBND phường Ngọc Lâm"}).id);
  w.engine->execute(kSystemActor, cmd::GrantRole{other_office, Role::office, w.other_ward});
  const ItemId other = w.run(other_office, cmd::SubmitOpinion{w.other_ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                                                              {{"urban_order", "Đường ngõ 12 phố Ngọc Thụy xuống cấp, nhiều ổ gà"}}}).items.at(0);
  // Written without diacritics and in capitals, as people type: the same words.
  const std::vector<SimilarItem> s = w.engine->similar_items(w.ward, "DUONG NGO 12 PHO NGOC THUY XUONG CAP NHIEU O GA");
  REQUIRE(s.size() >= 2);
  CHECK(s[0].item == road);
  CHECK(s[0].score == Approx(1.0));  // exactly its words
  CHECK(s[1].item == road2);
  CHECK(s[1].score < s[0].score);
  CHECK(s[1].score > 0);
  for (const SimilarItem& x : s) CHECK(x.item != other);  // another unit's item is never suggested
  for (std::size_t i = 1; i < s.size(); ++i) CHECK(s[i].score <= s[i - 1].score);
  // Rare words weigh more than common ones: "đèn" and "30" find the light before the roads.
  const std::vector<SimilarItem> l = w.engine->similar_items(w.ward, "đèn ngõ 30", 1);
  REQUIRE(l.size() == 1);
  CHECK(l[0].item == light);
  CHECK(w.engine->similar_items(w.ward, "Hỏi về chế độ hưu trí").empty());
  // Items added after the index was built are found; merged and resolved ones drop out.
  const ItemId road3 = w.letter(w.resident2, "urban_order", "Đường ngõ 12 phố Ngọc Thụy xuống cấp nhiều ổ gà");
  w.run(w.office, cmd::MergeDuplicate{road, road3});
  const std::vector<SimilarItem> after = w.engine->similar_items(w.ward, "Đường ngõ 12 phố Ngọc Thụy xuống cấp, nhiều ổ gà");
  REQUIRE_FALSE(after.empty());
  CHECK(after[0].item == road3);
  for (const SimilarItem& x : after) CHECK(x.item != road);  // merged: follows road3
  w.run(w.office, cmd::Assign{road2, w.urban, std::nullopt});
  w.reply_all(road2, w.urban_officer, w.engine->today());
  REQUIRE(w.engine->item(road2).status == ItemStatus::replied);
  for (const SimilarItem& x : w.engine->similar_items(w.ward, "Mặt đường ngõ 12 bị hỏng", 100)) CHECK(x.item != road2);
  // Bad input: a clear error, nothing changed.
  const std::uint64_t seq = w.engine->last_seq();
  REQUIRE_ERROR(not_found, w.engine->similar_items(UnitId(999), "đường"));
  REQUIRE_ERROR(invalid_argument, w.engine->similar_items(w.ward, ""));
  REQUIRE_ERROR(invalid_argument, w.engine->similar_items(w.ward, std::string("\xC3\x28", 2)));
  REQUIRE_ERROR(invalid_argument, w.engine->similar_items(w.ward, std::string(kMaxTextBytes + 1, 'a')));
  REQUIRE_ERROR(invalid_argument, w.engine->similar_items(w.ward, "đường", 0));
  REQUIRE_ERROR(invalid_argument, w.engine->similar_items(w.ward, "đường", 101));
  CHECK(w.engine->last_seq() == seq);
}

TEST_CASE("R07 duplicate suggestions while commands add items from other threads") {
  World w;
  const ItemId first = w.letter(w.resident, "urban_order", "Rác thải tồn đọng tại chợ Long Biên");
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::thread writer([&] {
    for (int k = 0; k < 300; ++k) w.letter(w.resident2, "urban_order", ("Phản ánh số " + std::to_string(k) + " về rác thải").c_str());
    done = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      while (!done) {
        const auto s = w.engine->similar_items(w.ward, "rác thải tồn đọng tại chợ Long Biên", 5);
        if (s.empty() || s[0].item != first) ++wrong;
      }
    });
  writer.join();
  for (auto& t : readers) t.join();
  CHECK(wrong == 0);
  // Every item the writer added is in the index now.
  const auto all = w.engine->similar_items(w.ward, "Phản ánh số 299 về rác thải", 1);
  REQUIRE(all.size() == 1);
  CHECK(w.engine->item(all[0].item).text == "Phản ánh số 299 về rác thải");
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

// ---- Local Government Law 2025 (No. 72/2025/QH15) art. 43, on the "vn-2025" profile ----
namespace art43 {
using views_test::D;

// A province and a commune of the two-tier government, with heads, office and a
// representative of the commune People's Council standing committee.
struct Commune {
  views_test::World w{"vn-2025", D(2026, 3, 2)};
  UnitId province, commune;
  views_test::Heads ph, ch;
  PersonId standing, council_member;
  Commune() {
    province = w.unit("Tỉnh Lâm Đồng", "tinh");
    commune = w.unit("Xã Hàm Tân", "xa", province);
    ph = w.heads(province);
    ch = w.heads(commune);
    standing = w.person("Phó Chủ tịch HĐND xã", true);
    w.grant(standing, Role::council_standing, commune);
    council_member = w.person("Đại biểu HĐND xã", true);
    w.grant(council_member, Role::council_member, commune);
  }
  ConferenceId plan(Date on, ConferenceFormat format = ConferenceFormat::in_person, const std::string& cluster = "",
                    UnitId unit = {}) {
    cmd::PlanConference c;
    c.unit = unit ? unit : commune;
    c.audience = "all_residents";
    c.planned_on = on;
    c.format = format;
    c.cluster = cluster;
    return ConferenceId(w.run(unit == province ? ph.office : ch.office, c).id);
  }
  cmd::HoldConference hold_cmd(ConferenceId c, std::vector<PersonId> co_chairs) const {
    cmd::HoldConference h{c, Date(), {ch.government}, 120, ""};
    h.co_chairs = std::move(co_chairs);
    return h;
  }
};
}  // namespace art43

TEST_CASE("R03 art. 43 (vn-2025): a commune dialogue is announced at least 7 days before it is held") {
  art43::Commune x;  // today 2026-03-02
  auto& w = x.w;
  const auto seq = w.engine.last_seq();
  REQUIRE_ERROR(invalid_argument, x.plan(art43::D(2026, 3, 8)));  // 6 days' notice
  CHECK(w.engine.last_seq() == seq);                                 // refused: nothing recorded
  const ConferenceId c = x.plan(art43::D(2026, 3, 9));                // exactly 7 days
  CHECK(w.engine.conference(c).noticed_on == art43::D(2026, 3, 2));
  // Holding it earlier than the notice allows is refused and changes nothing.
  w.at(art43::D(2026, 3, 8));
  const auto before = w.engine.last_seq();
  REQUIRE_ERROR(invalid_transition, w.run(x.ch.office, x.hold_cmd(c, {x.standing})));
  CHECK(w.engine.last_seq() == before);
  CHECK(w.engine.conference(c).status == ConferenceStatus::planned);
  w.at(art43::D(2026, 3, 9));
  w.run(x.ch.office, x.hold_cmd(c, {x.standing}));
  CHECK(w.engine.conference(c).held_on == art43::D(2026, 3, 9));
  // The art. 43 notice binds communes only: a provincial conference may be planned sooner.
  CHECK(x.plan(art43::D(2026, 3, 10), ConferenceFormat::in_person, "", x.province).value > 0);
}

TEST_CASE("R03 art. 43 (vn-2025): co-chaired by the People's Council standing committee, format and cluster recorded") {
  art43::Commune x;
  auto& w = x.w;
  const ConferenceId c = x.plan(art43::D(2026, 3, 12), ConferenceFormat::online, "Cụm thôn 1, 2 và 3");
  CHECK(w.engine.conference(c).format == ConferenceFormat::online);
  CHECK(w.engine.conference(c).cluster == "Cụm thôn 1, 2 và 3");
  w.at(art43::D(2026, 3, 12));
  const auto seq = w.engine.last_seq();
  // Without a co-chair from the council's standing committee the commune dialogue is refused.
  REQUIRE_ERROR(invalid_argument, w.run(x.ch.office, x.hold_cmd(c, {})));
  // A council member who is not in the standing committee does not count.
  REQUIRE_ERROR(invalid_argument, w.run(x.ch.office, x.hold_cmd(c, {x.council_member})));
  // Nor does a chair listed again as co-chair, or an unknown person.
  REQUIRE_ERROR(invalid_argument, w.run(x.ch.office, x.hold_cmd(c, {x.ch.government})));
  REQUIRE_ERROR(not_found, w.run(x.ch.office, x.hold_cmd(c, {PersonId(9999)})));
  CHECK(w.engine.last_seq() == seq);
  CHECK(w.engine.conference(c).status == ConferenceStatus::planned);
  w.run(x.ch.office, x.hold_cmd(c, {x.standing}));
  const Conference held = w.engine.conference(c);
  CHECK(held.status == ConferenceStatus::held);
  CHECK(held.co_chairs == std::vector<PersonId>{x.standing});
  CHECK(held.chairs == std::vector<PersonId>{x.ch.government});
  // The JSON forms carry the new fields, and the events survive encode/decode.
  const nlohmann::json j = held;
  CHECK(j["format"] == "online");
  CHECK(j["cluster"] == "Cụm thôn 1, 2 và 3");
  CHECK(j["co_chairs"] == nlohmann::json::array({x.standing.value}));
  for (const auto& r : w.engine.history(c)) {
    const nlohmann::json e = recorded_to_json(r);
    CHECK(recorded_to_json(recorded_from_json(nlohmann::json::parse(e.dump()))) == e);
  }
  CHECK(w.engine.history(c).back().event.index() == Event(ev::ConferenceHeld{}).index());
  CHECK(recorded_to_json(w.engine.history(c).back())["data"]["co_chairs"] == nlohmann::json::array({x.standing.value}));
  // A provincial conference needs no council co-chair.
  const ConferenceId p = x.plan(art43::D(2026, 3, 12), ConferenceFormat::in_person, "", x.province);
  w.run(x.ph.office, cmd::HoldConference{p, Date(), {x.ph.party}, 300, ""});
  CHECK(w.engine.conference(p).co_chairs.empty());
}

TEST_CASE("R03 art. 43: formats a profile does not allow are refused; old events read as in person") {
  auto doc = builtin_profile("vn-2025").source;
  doc["commune_dialogue"]["formats"] = {"in_person", "online"};
  views_test::World w(load_profile(doc), art43::D(2026, 3, 2));
  const UnitId pr = w.unit("Tỉnh Sơn La", "tinh");
  const UnitId xa = w.unit("Xã Mường Bú", "xa", pr);
  const views_test::Heads h = w.heads(xa);
  cmd::PlanConference c;
  c.unit = xa;
  c.audience = "all_residents";
  c.planned_on = art43::D(2026, 3, 20);
  c.format = ConferenceFormat::social_network;
  const auto seq = w.engine.last_seq();
  REQUIRE_ERROR(invalid_argument, w.run(h.office, c));
  CHECK(w.engine.last_seq() == seq);
  c.format = ConferenceFormat::online;
  CHECK(w.run(h.office, c).id > 0);
  // Unknown format names and unknown fields of the section are refused at load.
  auto bad = builtin_profile("vn-2025").source;
  bad["commune_dialogue"]["formats"] = {"radio"};
  REQUIRE_ERROR(invalid_argument, load_profile(bad));
  bad = builtin_profile("vn-2025").source;
  bad["commune_dialogue"]["co_chairs"] = 1;
  try {
    load_profile(bad);
    FAIL("accepted an unknown field");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("$.commune_dialogue.co_chairs") != std::string::npos);
  }
  // Events stored before art. 43 fields existed decode with their defaults.
  const Recorded old = recorded_from_json(nlohmann::json::parse(
      R"({"seq": 1, "at": "2022-09-20T02:00:00.000000Z", "actor": 3, "type": "conference_planned", "v": 1,
          "data": {"conference": 1, "unit": 3, "code": "", "kind": "periodic", "audience": "all_residents",
                   "department": null, "topic": "", "plan_ref": "", "planned_on": "2022-09-30",
                   "noticed_on": "2022-09-20"}})"));
  const auto& planned = std::get<ev::ConferencePlanned>(old.event);
  CHECK(planned.format == ConferenceFormat::in_person);
  CHECK(planned.cluster.empty());
  const Recorded old_held = recorded_from_json(nlohmann::json::parse(
      R"({"seq": 2, "at": "2022-09-30T02:00:00.000000Z", "actor": 3, "type": "conference_held", "v": 1,
          "data": {"conference": 1, "held_on": "2022-09-30", "chairs": [1, 2], "attendance": 10, "report": "",
                   "reply_due": "2022-10-30", "notice_due": "2022-10-10"}})"));
  CHECK(std::get<ev::ConferenceHeld>(old_held.event).co_chairs.empty());
}

TEST_CASE("R13 art. 43 (vn-2025): commune dialogue results are published no later than 10 days after") {
  art43::Commune x;
  auto& w = x.w;
  const ConferenceId a = x.plan(art43::D(2026, 3, 10));
  const ConferenceId b = x.plan(art43::D(2026, 3, 10), ConferenceFormat::social_network);
  w.at(art43::D(2026, 3, 10));
  w.run(x.ch.office, x.hold_cmd(a, {x.standing}));
  w.run(x.ch.office, x.hold_cmd(b, {x.standing}));
  w.at(art43::D(2026, 3, 20));  // the tenth day: on time
  w.run(x.ch.office, cmd::PublishConferenceResults{a, Date()});
  w.at(art43::D(2026, 3, 21));  // the eleventh: late
  w.run(x.ch.office, cmd::PublishConferenceResults{b, Date()});
  REQUIRE_ERROR(invalid_transition, w.run(x.ch.office, cmd::PublishConferenceResults{a, Date()}));
  const auto rows = w.engine.read([&](const State& s) {
    return results_publication(s, w.engine.profile(), w.engine.calendar(), x.commune, art43::D(2026, 3, 31));
  });
  REQUIRE(rows.size() == 2);
  for (const auto& r : rows) {
    CHECK(r.due == art43::D(2026, 3, 20));
    CHECK(r.late == (r.conference == b));
    CHECK(r.days_late == (r.conference == b ? 1 : 0));
  }
  ReportRequest q;
  q.unit = x.commune;
  q.period = Period::month(2026, 3);
  const Report rep = make_report(w.engine, q);
  CHECK(rep.results_published_on_time == 1);
  CHECK(rep.results_published_late == 1);
  for (const auto& line : rep.conference_list) {
    CHECK(line.results_due == art43::D(2026, 3, 20));
    CHECK(line.results_late == (line.id == b));
  }
  CHECK(std::find(rep.citations.begin(), rep.citations.end(), w.engine.profile().deadlines.publication.citation) !=
        rep.citations.end());
}

// R14 supervision, R15 status accounting, R19 roles, R20 audit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include "doithoai/json.h"
#include "fixture.h"
#include "state_access.h"
#include "store_support.h"

using namespace doithoai;
using fx::World;
using nlohmann::json;

TEST_CASE("R14 the front records findings, reopens with a new deadline, and alone closes for good") {
  World w;
  const ItemId i = w.letter(w.resident);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.reply_all(i, w.urban_officer, Date(2022, 9, 20));
  REQUIRE_ERROR(permission_denied, w.run(w.office, cmd::CloseItem{i}));
  REQUIRE_ERROR(permission_denied, w.run(w.party_head, cmd::Reopen{i, "x"}));
  REQUIRE_ERROR(permission_denied, w.run(w.council, cmd::RecordFinding{i, "x"}));  // council not a supervisor in hanoi-2200
  w.set_day(2022, 10, 1);
  w.run(w.front_officer, cmd::RecordFinding{i, "Vỉa hè vẫn bị lấn chiếm", false});
  w.run(w.front_chair, cmd::Reopen{i, "Chưa giải quyết dứt điểm"});
  Item it = w.engine->item(i);
  CHECK(it.status == ItemStatus::assigned);
  CHECK(it.reopened == 1);
  CHECK(it.deadline == Date(2022, 10, 31));
  CHECK_FALSE(it.reply);
  REQUIRE(it.findings.size() == 1);
  CHECK(it.findings[0].by == w.front_officer);
  CHECK_FALSE(it.findings[0].satisfactory);
  REQUIRE_ERROR(invalid_transition, w.run(w.front_chair, cmd::CloseItem{i}));  // outstanding again
  w.reply_all(i, w.urban_officer, Date(2022, 10, 1));
  // The district's front supervises the units below it too.
  w.run(w.district_front, cmd::CloseItem{i, "Đã kiểm tra thực địa"});
  it = w.engine->item(i);
  CHECK(it.status == ItemStatus::closed);
  CHECK(it.closed_on == Date(2022, 10, 1));
  REQUIRE_ERROR(invalid_transition, w.run(w.front_chair, cmd::Reopen{i, "lại"}));
  REQUIRE_ERROR(invalid_transition, w.run(w.front_chair, cmd::CloseItem{i}));
}

TEST_CASE("R14 the council supervises where the profile says so") {
  auto j = profile_to_json(builtin_profile("hanoi-2200"));
  j["supervisors"] = {"front", "council"};
  World w(load_profile(j));
  const ItemId i = w.letter(w.resident);
  w.run(w.council, cmd::RecordFinding{i, "HĐND ghi nhận"});
  CHECK(w.engine->item(i).findings.size() == 1);
  // A profile without the front is refused.
  j["supervisors"] = {"council"};
  REQUIRE_ERROR(invalid_argument, load_profile(j));
}

TEST_CASE("R15 every item is exactly one of resolved, not yet due, overdue as of any date") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  std::vector<ItemId> items;
  for (int k = 0; k < 6; ++k) items.push_back(w.raise(c, k % 2 ? w.resident : w.resident2));
  w.run(w.office, cmd::AnswerOnSpot{items[0], w.gov_head, "Trả lời ngay"});
  w.set_day(2022, 10, 3);
  for (int k = 1; k < 6; ++k) w.run(w.office, cmd::Assign{items[k], k < 3 ? w.land : w.urban, std::nullopt});
  w.set_day(2022, 10, 20);
  w.reply_all(items[1], w.land_officer, Date(2022, 10, 20));
  w.run(w.office, cmd::Extend{items[5], Date(2022, 12, 15), "7/TB", Date(2022, 10, 20)});
  w.set_day(2022, 11, 2);
  w.reply_all(items[2], w.land_officer, Date(2022, 11, 2));  // late: due 30/10
  const auto check = [&](Date d, std::uint64_t resolved, std::uint64_t nyd, std::uint64_t overdue) {
    const Accounting a = w.engine->accounting(w.ward, d);
    INFO("as of " << format_date(d));
    CHECK(a.items == 6);
    CHECK(a.resolved == resolved);
    CHECK(a.not_yet_due == nyd);
    CHECK(a.overdue == overdue);
    CHECK(a.resolved + a.outstanding == a.items);
    CHECK(a.not_yet_due + a.overdue == a.outstanding);
  };
  check(Date(2022, 9, 30), 1, 5, 0);
  check(Date(2022, 10, 25), 2, 4, 0);
  check(Date(2022, 10, 31), 2, 1, 3);  // items 2,3,4 overdue; 5 extended
  check(Date(2022, 11, 2), 3, 1, 2);
  const Accounting a = w.engine->accounting(w.ward, Date(2022, 11, 2));
  CHECK(a.answered_on_spot == 1);
  CHECK(a.replied == 2);
  CHECK(a.replied_on_time == 1);
  CHECK(a.replied_late == 1);
  // The subtree of the district and city include the ward; the other ward has nothing.
  CHECK(w.engine->accounting(w.city, Date(2022, 11, 2)).items == 6);
  CHECK(w.engine->accounting(w.other_ward, Date(2022, 11, 2)).items == 0);
  // The overdue page is earliest deadline first.
  const auto od = w.engine->overdue(Date(2022, 11, 2), 10);
  CHECK(od == std::vector<ItemId>{items[3], items[4]});
  CHECK(w.engine->due_within(Date(2022, 12, 1), 30) == std::vector<ItemId>{items[5]});
  CHECK(w.engine->items({w.ward, std::nullopt, Standing::overdue, Date(2022, 11, 2)}).size() == 2);
}

TEST_CASE("R19 each role may act only where it holds the role, and a denial changes nothing") {
  World w;
  const ItemId i = w.letter(w.resident);
  const auto before = w.engine->last_seq();
  REQUIRE_ERROR(permission_denied, w.run(w.outsider, cmd::Assign{i, w.urban, std::nullopt}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::Assign{i, w.urban, std::nullopt}));
  REQUIRE_ERROR(permission_denied, w.run(w.district_office, cmd::Assign{i, w.urban, std::nullopt}));
  REQUIRE_ERROR(permission_denied, w.run(PersonId(12345), cmd::Assign{i, w.urban, std::nullopt}));
  // A resident raises only their own opinions; an organization's representative, the organization's.
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident2, OrganizationId(), Date(), "", {{"land", "x"}}}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, PersonId(), w.women, Date(), "", {{"land", "x"}}}));
  CHECK(w.engine->last_seq() == before);
  CHECK(w.engine->item(i).status == ItemStatus::open);
  // Visibility: residents see their own items, agencies their assigned ones, heads and front their subtree.
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.engine->read([&](const State& s) {
    CHECK(s.can_view(w.resident, i));
    CHECK_FALSE(s.can_view(w.resident2, i));
    CHECK(s.can_view(w.urban_officer, i));
    CHECK_FALSE(s.can_view(w.land_officer, i));
    CHECK(s.can_view(w.district_front, i));
    CHECK_FALSE(s.can_view(w.outsider, i));
    ItemQuery q;
    q.visible_to = w.resident2;
    CHECK(s.items(q).empty());
    q.visible_to = w.resident;
    CHECK(s.items(q) == std::vector<ItemId>{i});
    return 0;
  });
}

TEST_CASE("R20 every event carries sequence, instant, actor, type and payload; history replays") {
  World w;
  const ItemId i = w.letter(w.resident);
  w.set_day(2022, 9, 21);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.set_day(2022, 9, 25);
  w.reply_all(i, w.urban_officer, Date(2022, 9, 25));
  const auto h = w.engine->history(i);
  REQUIRE(h.size() == 7);
  CHECK(event_type(h[0].event) == "opinion_submitted");
  CHECK(h[0].actor == w.resident);
  CHECK(event_type(h[1].event) == "item_assigned");
  CHECK(h[1].actor == w.office);
  CHECK(h[1].at == fx::at(2022, 9, 21));
  CHECK(event_type(h[2].event) == "reply_written");
  for (std::size_t k = 1; k < h.size(); ++k) CHECK(h[k].seq > h[k - 1].seq);
  const json j = recorded_to_json(h[1]);
  CHECK(j["type"] == "item_assigned");
  CHECK(j["v"] == 1);
  CHECK(j["data"]["deadline"] == "2022-10-20");
  // The whole state as of a past instant.
  State past = w.engine->state_as_of(fx::at(2022, 9, 21, 12));
  CHECK(past.item(i).status == ItemStatus::assigned);
  CHECK(past.last_seq() == h[1].seq);
  State earlier = w.engine->state_as_of(fx::at(2022, 9, 20, 12));
  CHECK(earlier.item(i).status == ItemStatus::open);
  CHECK(w.engine->item(i).status == ItemStatus::replied);
  // The log is append-only and gap-free.
  const auto all = w.engine->events(1, 100000);
  for (std::size_t k = 0; k < all.size(); ++k) CHECK(all[k].seq == k + 1);
}

TEST_CASE("R20 replaying the log rebuilds the same state") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId i = w.raise(c, w.resident);
  w.run(w.office, cmd::Assign{i, w.land, std::nullopt});
  w.run(w.office, cmd::Escalate{w.raise(c, w.resident2), w.district, AgencyId(), "Đề nghị", Date(), Date(2022, 9, 30)});
  State copy;
  for (const auto& r : w.engine->events(1, 1000000)) detail::StateAccess::apply(copy, r);
  const Item a = copy.item(i), b = w.engine->item(i);
  CHECK(json(a) == json(b));
  CHECK(json(copy.item(ItemId(i.value + 2))) == json(w.engine->item(ItemId(i.value + 2))));
  CHECK(copy.last_seq() == w.engine->last_seq());
}

// ---- Review before publication (R13, R14; profile "reply_review", issue 15) ----
namespace {
Profile reviewed_profile(const char* reviewer) {
  json j = profile_to_json(builtin_profile("hanoi-2200"));
  j["reply_review"] = {{"reviewer", reviewer}, {"citation", "Quy chế thử: văn bản trả lời được thẩm định trước khi gửi"}};
  return load_profile(j);
}
// Everything observable of one item and the log's length, to prove a refusal changed nothing.
std::pair<std::uint64_t, json> seen(const World& w, ItemId i) { return {w.engine->last_seq(), json(w.engine->item(i))}; }
void deliver_all(World& w, ItemId i) {
  for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
    w.run(w.office, cmd::RecordDelivery{i, r, Date()});
}
}  // namespace

TEST_CASE("R14 review: a draft reply is approved by the office before delivery, or returned for rework") {
  World w(reviewed_profile("office"));
  const ItemId i = w.assigned_item();  // due 2022-10-30
  w.set_day(2022, 10, 10);
  w.run(w.land_officer, cmd::WriteReply{i, "12/TL-UBND", Date(), w.land_officer, "Dự thảo: chưa nêu căn cứ"});
  Item it = w.engine->item(i);
  CHECK(it.status == ItemStatus::reply_written);
  REQUIRE(it.reply);
  CHECK(it.reply->draft);
  CHECK_FALSE(it.reply->approved_on);
  CHECK(json(it)["reply"]["draft"] == true);
  // A draft is not delivered, published, approved by the wrong people or returned without a reason.
  auto before = seen(w, i);
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date()}));
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::PublishReply{i, Date()}));
  REQUIRE_ERROR(permission_denied, w.run(w.land_officer, cmd::ApproveReply{i}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::ApproveReply{i}));
  REQUIRE_ERROR(permission_denied, w.run(w.front_chair, cmd::ReturnReply{i, "Chưa đạt"}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::ReturnReply{i, ""}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::ApproveReply{i, "", Date(2022, 10, 9)}));  // before the reply
  REQUIRE_ERROR(not_found, w.run(w.office, cmd::ApproveReply{ItemId(9999)}));
  CHECK(seen(w, i) == before);
  // Returned: the item is the agency's again, the draft gone from the item (kept in the log).
  w.set_day(2022, 10, 12);
  w.run(w.office, cmd::ReturnReply{i, "Chưa nêu căn cứ pháp lý"});
  it = w.engine->item(i);
  CHECK(it.status == ItemStatus::assigned);
  CHECK_FALSE(it.reply);
  CHECK(it.returned == 1);
  before = seen(w, i);
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::ApproveReply{i}));               // no draft now
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::ReturnReply{i, "Lần nữa"}));
  CHECK(seen(w, i) == before);
  // Rework, approval, then delivery counts as replied.
  w.set_day(2022, 10, 14);
  w.run(w.land_officer, cmd::WriteReply{i, "13/TL-UBND", Date(), w.land_officer, "Căn cứ Luật Đất đai 2013, ..."});
  w.set_day(2022, 10, 15);
  w.run(w.office, cmd::ApproveReply{i, "Đạt"});
  it = w.engine->item(i);
  CHECK_FALSE(it.reply->draft);
  CHECK(it.reply->approved_on == Date(2022, 10, 15));
  CHECK(it.reply->approved_by == w.office);
  CHECK(it.status == ItemStatus::reply_written);
  before = seen(w, i);
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::ApproveReply{i}));               // approve twice
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::ReturnReply{i, "Muộn"}));         // approved
  CHECK(seen(w, i) == before);
  w.set_day(2022, 10, 16);
  deliver_all(w, i);
  CHECK(w.engine->item(i).status == ItemStatus::replied);
  w.set_day(2022, 10, 17);
  w.run(w.office, cmd::PublishReply{i, Date()});
  before = seen(w, i);
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::ReturnReply{i, "Đã công khai"}));  // published
  CHECK(seen(w, i) == before);
  // History: the review's events with their actors.
  std::vector<std::string> types;
  for (const auto& r : w.engine->history(i)) types.emplace_back(event_type(r.event));
  CHECK(std::count(types.begin(), types.end(), "reply_returned") == 1);
  CHECK(std::count(types.begin(), types.end(), "reply_approved") == 1);
  for (const auto& r : w.engine->history(i))
    if (event_type(r.event) == "reply_returned") {
      const json j = recorded_to_json(r);
      CHECK(j["data"]["reason"] == "Chưa nêu căn cứ pháp lý");
      CHECK(j["data"]["agency"] == w.land.value);
      CHECK(r.actor == w.office);
    } else if (event_type(r.event) == "reply_written") {
      CHECK(recorded_to_json(r)["data"]["draft"] == true);
    }
  // As of past dates: a draft before the approval, assigned after the return.
  State d = w.engine->state_as_of(Date(2022, 10, 14));
  REQUIRE(d.item(i).reply);
  CHECK(d.item(i).reply->draft);
  CHECK(d.item(i).reply->number == "13/TL-UBND");
  CHECK(d.item(i).returned == 1);
  State r = w.engine->state_as_of(Date(2022, 10, 12));
  CHECK(r.item(i).status == ItemStatus::assigned);
  State a = w.engine->state_as_of(Date(2022, 10, 11));
  CHECK(a.item(i).reply->draft);
  CHECK(a.item(i).returned == 0);
  // Replay rebuilds the same item (decisions are in the events, no profile needed).
  State copy;
  for (const auto& e : w.engine->events(1, 1000000)) detail::StateAccess::apply(copy, e);
  CHECK(json(copy.item(i)) == json(w.engine->item(i)));
}

TEST_CASE("R14 review by the front where the profile names it; none asked, no drafts") {
  World w(reviewed_profile("front"));
  const ItemId i = w.assigned_item();
  w.set_day(2022, 10, 10);
  w.run(w.land_officer, cmd::WriteReply{i, "12/TL-UBND", Date(), w.land_officer, "Dự thảo"});
  REQUIRE_ERROR(permission_denied, w.run(w.office, cmd::ApproveReply{i}));
  REQUIRE_ERROR(permission_denied, w.run(w.gov_head, cmd::ApproveReply{i}));
  w.run(w.district_front, cmd::ReturnReply{i, "Chưa thỏa đáng"});  // the front of a unit above
  w.run(w.land_officer, cmd::WriteReply{i, "13/TL-UBND", Date(), w.land_officer, "Bản sửa"});
  w.run(w.front_officer, cmd::ApproveReply{i});
  CHECK(w.engine->item(i).reply->approved_by == w.front_officer);
  deliver_all(w, i);
  CHECK(w.engine->item(i).status == ItemStatus::replied);

  // Without "reply_review" (every shipped profile): replies are no drafts; nothing to approve.
  for (const char* name : {"hanoi-2200", "national-default", "vn-2025"}) CHECK_FALSE(builtin_profile(name).reply_review);
  World u;
  const ItemId k = u.assigned_item();
  u.set_day(2022, 10, 10);
  u.run(u.land_officer, cmd::WriteReply{k, "12/TL-UBND", Date(), u.land_officer, "Trả lời"});
  CHECK_FALSE(u.engine->item(k).reply->draft);
  CHECK_FALSE(recorded_to_json(u.engine->history(k).back())["data"].contains("draft"));
  REQUIRE_ERROR(invalid_transition, u.run(u.office, cmd::ApproveReply{k}));
  REQUIRE_ERROR(invalid_transition, u.run(u.office, cmd::ReturnReply{k, "x"}));
  u.run(u.office, cmd::RecordDelivery{k, Recipient::raiser, Date()});  // delivered at once, as before
}

TEST_CASE("R14 review: profile validation and round trip") {
  const Profile p = reviewed_profile("front");
  REQUIRE(p.reply_review);
  CHECK(p.reply_review->reviewer == Role::front_chair);
  CHECK(load_profile(profile_to_json(p)).reply_review->reviewer == Role::front_chair);
  json j = profile_to_json(builtin_profile("hanoi-2200"));
  for (const json& bad : {json("office"), json{{"reviewer", "office"}}, json{{"reviewer", "council"}, {"citation", "x"}},
                          json{{"reviewer", "office"}, {"citation", "x"}, {"extra", 1}}}) {
    json k = j;
    k["reply_review"] = bad;
    REQUIRE_ERROR(invalid_argument, load_profile(k));
  }
}

TEST_CASE("R14 review: drafts, approvals and returns survive a snapshot and a reopen") {
  World w(reviewed_profile("office"));
  const ItemId i = w.assigned_item();
  const ConferenceId c = ConferenceId(1);
  const ItemId k = w.raise(c, w.resident2);
  w.run(w.office, cmd::Assign{k, w.land, std::nullopt});
  w.set_day(2022, 10, 10);
  w.run(w.land_officer, cmd::WriteReply{i, "1/TL", Date(), w.land_officer, "Dự thảo"});
  w.run(w.office, cmd::ReturnReply{i, "Chưa đạt"});
  w.run(w.land_officer, cmd::WriteReply{i, "2/TL", Date(), w.land_officer, "Dự thảo 2"});  // a draft
  w.run(w.land_officer, cmd::WriteReply{k, "3/TL", Date(), w.land_officer, "Trả lời"});
  w.run(w.office, cmd::ApproveReply{k, "Đạt"});  // approved, not yet delivered
  sx::TempDir dir;
  const std::string path = dir.file("review.db");
  {
    SqliteStore store(path);
    Batch b;
    b.events = w.engine->events(1, 1000000);
    store.append(b);
  }
  {
    auto e = open_engine(reviewed_profile("office"), path, sx::options(w.clock));
    REQUIRE(e->snapshot() == w.engine->last_seq());
  }
  auto e = open_engine(reviewed_profile("office"), path, sx::options(w.clock));
  for (ItemId x : {i, k}) CHECK(json(e->item(x)) == json(w.engine->item(x)));
  CHECK(e->item(i).reply->draft);
  CHECK(e->item(i).returned == 1);
  CHECK(e->item(k).reply->approved_by == w.office);
  SqliteStore raw(path);
  CHECK(sx::image_of(*e) == sx::replay_image(raw));
  // The reopened engine goes on deciding from the snapshot: the draft is still not deliverable.
  REQUIRE_ERROR(invalid_transition, e->execute(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date()}));
  e->execute(w.office, cmd::ApproveReply{i});
}

#include "state_check.h"

#include <algorithm>
#include <string>

#include "doithoai/error.h"
#include "outbox.h"
#include "state_impl.h"

namespace doithoai::detail {
namespace {

// Ids are u32 and UINT32_MAX is the system actor: a log never creates that many records.
constexpr std::uint64_t kMaxRecords = 0xFFFFFFFEu;

struct Bad {
  std::string why;
};
[[noreturn]] void bad(std::string why) { throw Bad{std::move(why)}; }

std::string id_str(std::uint32_t v) { return std::to_string(v); }
// A status read from a log may be any byte: its name, or its number.
std::string status_name(ItemStatus st) {
  const std::string_view n = to_string(st);
  return n == "unknown" ? "status " + std::to_string(static_cast<int>(st)) : std::string(n);
}

struct Checker {
  const StateImpl& s;

  // ---- references ----
  void unit(UnitId u, const char* what) const {
    if (!s.has_unit(u)) bad(std::string(what) + " " + id_str(u.value) + " does not exist");
  }
  void opt_unit(UnitId u, const char* what) const {
    if (u) unit(u, what);
  }
  void active_unit(UnitId u, const char* what) const {
    unit(u, what);
    if (s.units[u.value].value.status != UnitStatus::active)
      bad(std::string(what) + " " + id_str(u.value) + " is no longer active");
  }
  void agency(AgencyId a, const char* what) const {
    if (!s.has_agency(a)) bad(std::string(what) + " " + id_str(a.value) + " does not exist");
  }
  void opt_agency(AgencyId a, const char* what) const {
    if (a) agency(a, what);
  }
  void opt_org(OrganizationId o, const char* what) const {
    if (o && !s.has_org(o)) bad(std::string(what) + " " + id_str(o.value) + " does not exist");
  }
  void person(PersonId p, const char* what) const {
    if (!s.has_person(p)) bad(std::string(what) + " " + id_str(p.value) + " does not exist");
  }
  void opt_person(PersonId p, const char* what) const {
    if (p) person(p, what);
  }
  const ConferenceRec& conference(ConferenceId c) const {
    if (!s.has_conference(c)) bad("conference " + id_str(c.value) + " does not exist");
    return s.conferences[c.value];
  }
  const ItemRec& item(ItemId i, const char* what = "item") const {
    if (!s.has_item(i)) bad(std::string(what) + " " + id_str(i.value) + " does not exist");
    return s.items[i.value];
  }
  const ItemRec& item_in(ItemId i, std::initializer_list<ItemStatus> allowed) const {
    const ItemRec& r = item(i);
    for (ItemStatus a : allowed)
      if (r.status == a) return r;
    bad("item " + id_str(i.value) + " is " + std::string(to_string(r.status)) + ", which this event cannot follow");
  }
  // A created record takes the next id, as decide assigns them: no gaps, no reuse, no wrap.
  template <class V>
  void next(std::uint32_t id, const V& records, const char* what) const {
    if (id != records.size())
      bad(std::string("a new ") + what + " takes id " + std::to_string(records.size()) + ", not " + id_str(id));
    if (records.size() >= kMaxRecords) bad(std::string("too many ") + what + "s");
  }
  template <class M>
  void fresh_code(const M& codes, const std::string& code, const char* what) const {
    if (!code.empty() && codes.count(code)) bad(std::string(what) + " code '" + code + "' is already taken");
  }
  // A recorded list of items (an outcome, events.h): each exists, passes `fits` (else
  // `why`), and appears once.
  template <class Fits>
  void item_list(const std::vector<ItemId>& list, const char* what, Fits&& fits, const std::string& why) const {
    std::vector<ItemId> seen;
    seen.reserve(list.size());
    for (ItemId i : list) {
      item(i, what);
      if (!fits(s.items[i.value])) bad(std::string(what) + " " + id_str(i.value) + " " + why);
      seen.push_back(i);
    }
    std::sort(seen.begin(), seen.end(), [](ItemId a, ItemId b) { return a.value < b.value; });
    for (std::size_t k = 1; k < seen.size(); ++k)
      if (seen[k] == seen[k - 1]) bad(std::string(what) + " " + id_str(seen[k].value) + " is listed twice");
  }

  // ---- directory ----
  void operator()(const ev::UnitCreated& e) const {
    next(e.unit.value, s.units, "unit");
    if (e.parent) active_unit(e.parent, "parent unit");
    fresh_code(s.unit_codes, e.code, "unit");
  }
  void operator()(const ev::UnitRenamed& e) const { active_unit(e.unit, "unit"); }
  void operator()(const ev::UnitMerged& e) const {
    active_unit(e.unit, "unit");
    active_unit(e.into, "unit");
    if (e.unit == e.into) bad("a unit cannot merge into itself");
    if (s.unit_in_subtree(e.into, e.unit)) bad("a unit cannot merge into one of its own sub-units");
    if (e.moved_items)
      item_list(*e.moved_items, "moved item", [&](const ItemRec& r) { return r.unit == e.unit; },
                "does not belong to unit " + id_str(e.unit.value));
  }
  void operator()(const ev::UnitDissolved& e) const { active_unit(e.unit, "unit"); }
  void operator()(const ev::AgencyCreated& e) const {
    next(e.agency.value, s.agencies, "agency");
    active_unit(e.unit, "unit");
    fresh_code(s.agency_codes, e.code, "agency");
  }
  void operator()(const ev::OrganizationCreated& e) const {
    next(e.organization.value, s.organizations, "organization");
    active_unit(e.unit, "unit");
    fresh_code(s.organization_codes, e.code, "organization");
  }
  void operator()(const ev::PersonRegistered& e) const {
    next(e.person.value, s.persons, "person");
    fresh_code(s.person_codes, e.code, "person");
  }
  void grant(PersonId p, UnitId u, AgencyId a, OrganizationId o) const {
    person(p, "person");
    unit(u, "unit");
    opt_agency(a, "agency");
    opt_org(o, "organization");
  }
  void operator()(const ev::RoleGranted& e) const { grant(e.person, e.unit, e.agency, e.organization); }
  void operator()(const ev::RoleRevoked& e) const { grant(e.person, e.unit, e.agency, e.organization); }

  // ---- conferences ----
  void operator()(const ev::ConferencePlanned& e) const {
    next(e.conference.value, s.conferences, "conference");
    active_unit(e.unit, "unit");
    opt_agency(e.department, "department");
    fresh_code(s.conference_codes, e.code, "conference");
  }
  void operator()(const ev::ConferenceHeld& e) const {
    if (conference(e.conference).value.status != ConferenceStatus::planned) bad("the conference was already held");
    for (PersonId p : e.chairs) person(p, "chair");
    for (PersonId p : e.co_chairs) person(p, "co-chair");
    if (e.deadline_items)
      item_list(*e.deadline_items, "deadline item",
                [&](const ItemRec& r) { return s.opinions[r.opinion].conference == e.conference; },
                "is not an item of conference " + id_str(e.conference.value));
  }
  void operator()(const ev::ConclusionNoticeIssued& e) const {
    if (conference(e.conference).value.status != ConferenceStatus::held)
      bad("a conclusion notice follows a held conference");
  }
  void operator()(const ev::ConferenceClosed& e) const {
    if (conference(e.conference).value.status != ConferenceStatus::concluded)
      bad("only a conference whose conclusion notice was issued can be closed");
  }

  // ---- opinions and items ----
  void new_items(std::uint32_t first, std::size_t n) const {
    next(first, s.items, "item");
    if (n == 0) bad("an opinion holds at least one item");
    if (n > kMaxRecords - s.items.size()) bad("too many items");
  }
  void operator()(const ev::OpinionSubmitted& e) const {
    next(e.opinion.value, s.opinions, "opinion");
    new_items(e.first_item.value, e.items.size());
    unit(e.unit, "unit");
    if (e.conference && conference(e.conference).value.unit != e.unit) bad("the conference belongs to another unit");
    opt_person(e.raised_by, "person");
    opt_org(e.raised_by_org, "organization");
    opt_unit(e.from_unit, "from_unit");
    if (e.place) {
      try {
        check_place(*e.place);
      } catch (const Error& x) {
        bad(x.what());
      }
    }
    // Issue 14: an item's own place is an item_placed event, never in the items (binary.h).
    for (const ItemSpec& it : e.items)
      if (it.place) bad("an item's own place is recorded by item_placed, not in opinion_submitted's items");
    // Topic numbers are u16 (profiles name a few dozen topics): refuse a log that would wrap them.
    if (s.topics.size() + 1 + e.items.size() > 0xFFFF) {
      std::size_t fresh = s.topic_ids.count(e.topic) ? 0 : 1;
      for (const auto& it : e.items) fresh += s.topic_ids.count(it.topic) ? 0 : 1;
      if (s.topics.size() + fresh > 0xFFFF) bad("too many distinct topics");
    }
  }
  void operator()(const ev::ItemAnswered& e) const {
    item_in(e.item, {ItemStatus::open});
    person(e.answered_by, "person");
  }
  void operator()(const ev::ItemMerged& e) const {
    item_in(e.item, {ItemStatus::open});
    const ItemRec& into = item(e.into, "item");
    if (e.item == e.into) bad("an item cannot be merged into itself");
    // Merges go to the root of a duplicate chain, so chains never loop.
    if (into.status == ItemStatus::merged) bad("item " + id_str(e.into.value) + " is itself a duplicate");
  }
  void operator()(const ev::ItemAssigned& e) const {
    item_in(e.item, {ItemStatus::open, ItemStatus::assigned});
    agency(e.agency, "agency");
  }
  void operator()(const ev::ReplyWritten& e) const {
    item_in(e.item, {ItemStatus::assigned});
    person(e.signer, "signer");
    agency(e.agency, "agency");
    if (s.replies.size() >= kMaxRecords) bad("too many replies");
  }
  void operator()(const ev::ReplyDelivered& e) const {
    const ItemRec& r = item_in(e.item, {ItemStatus::reply_written});
    if (r.reply == 0 || r.reply > s.replies.size()) bad("item " + id_str(e.item.value) + " has no reply");
    if (s.replies[r.reply - 1].review == 1) bad("the reply of item " + id_str(e.item.value) + " is a draft awaiting review");
    const int k = static_cast<int>(e.recipient);
    if (k < 1 || k > 4) bad("recipient " + std::to_string(k) + " is out of range");
  }
  void operator()(const ev::ItemEscalated& e) const {
    item_in(e.item, {ItemStatus::open, ItemStatus::assigned});
    unit(e.to_unit, "unit");
    opt_agency(e.to_agency, "agency");
    next(e.opinion.value, s.opinions, "opinion");
    new_items(e.new_item.value, 1);
  }
  void operator()(const ev::IntakeDecided& e) const {
    item_in(e.item, {ItemStatus::open, ItemStatus::assigned});
    if (e.outcome == Outcome::none || e.outcome == Outcome::escalated ||
        static_cast<int>(e.outcome) > static_cast<int>(Outcome::escalated))
      bad("intake outcome " + std::to_string(static_cast<int>(e.outcome)) + " is not an intake decision");
    // The recorded status: handed on, or the one the item has (a decision moves it nowhere else).
    const ItemStatus now = s.items[e.item.value].status;
    if (e.status && *e.status != ItemStatus::handed_on && *e.status != now)
      bad("an intake decision leaves item " + id_str(e.item.value) + " " + std::string(to_string(now)) +
          " or hands it on, not " + status_name(*e.status));
  }
  void operator()(const ev::ItemExtended& e) const {
    const ItemRec& r = item_in(e.item, {ItemStatus::open, ItemStatus::assigned});
    if (r.deadline == kNoDay) bad("item " + id_str(e.item.value) + " has no deadline to extend");
    agency(e.agency, "agency");
  }
  void operator()(const ev::FindingRecorded& e) const {
    item(e.item);
    if (s.findings.size() >= kMaxRecords) bad("too many findings");
  }
  void operator()(const ev::ItemReopened& e) const {
    const ItemRec& r = item_in(e.item, {ItemStatus::replied, ItemStatus::answered, ItemStatus::handed_on});
    if (r.outcome == Outcome::escalated) bad("an escalated item is followed through its proposal");
    // The recorded status: open, or assigned to the agency the item has.
    if (e.status && *e.status != ItemStatus::open && *e.status != ItemStatus::assigned)
      bad("a reopened item is open or assigned, not " + status_name(*e.status));
    if (e.status && *e.status == ItemStatus::assigned && !r.agency)
      bad("item " + id_str(e.item.value) + " has no agency to be assigned to again");
  }
  void operator()(const ev::ItemClosed& e) const {
    item_in(e.item, {ItemStatus::replied, ItemStatus::answered, ItemStatus::handed_on});
  }

  // ---- review before publication (R13, R14) ----
  void draft_of(ItemId i) const {
    const ItemRec& r = item_in(i, {ItemStatus::reply_written});
    if (r.reply == 0 || r.reply > s.replies.size()) bad("item " + id_str(i.value) + " has no reply");
    if (s.replies[r.reply - 1].review != 1) bad("the reply of item " + id_str(i.value) + " is not a draft awaiting review");
  }
  void operator()(const ev::ReplyApproved& e) const { draft_of(e.item); }
  void operator()(const ev::ReplyReturned& e) const {
    draft_of(e.item);
    agency(e.agency, "agency");
  }

  // ---- satisfaction (issue 14) ----
  void operator()(const ev::SatisfactionRecorded& e) const {
    item_in(e.item, {ItemStatus::replied});
    if (e.rating != Satisfaction::satisfied && e.rating != Satisfaction::partly_satisfied &&
        e.rating != Satisfaction::not_satisfied)
      bad("unknown satisfaction rating " + std::to_string(static_cast<int>(e.rating)));
  }

  // ---- views ----
  void operator()(const ev::ReplyPublished& e) const {
    item(e.item);
    // completes (issue 14): the posting completes an anonymous item's written reply.
    if (e.completes.value_or(false) && s.items[e.item.value].status != ItemStatus::reply_written)
      bad("reply_published completes only a written reply awaiting delivery");
  }
  void operator()(const ev::ConferenceResultsPublished& e) const { conference(e.conference); }
  void operator()(const ev::CouncilSessionRecorded& e) const { unit(e.unit, "unit"); }
  void operator()(const ev::VoterRequestRecorded& e) const { unit(e.unit, "unit"); }
  void operator()(const ev::ReceptionRecorded& e) const {
    unit(e.unit, "unit");
    person(e.person, "person");
    opt_agency(e.agency, "agency");
  }

  // ---- the notification outbox (issue 15): src/outbox.cpp ----
  void operator()(const ev::NoticeIssued& e) const {
    if (std::string why = check_outbox_event(s, e); !why.empty()) bad(why);
  }
  void operator()(const ev::NoticeAcknowledged& e) const {
    if (std::string why = check_outbox_event(s, e); !why.empty()) bad(why);
  }

  // ---- item places (issue 14) ----
  void operator()(const ev::ItemPlaced& e) const {
    item(e.item);
    try {
      check_place(e.place);
    } catch (const Error& x) {
      bad(x.what());
    }
  }
};

}  // namespace

void check_event(const StateImpl& s, const Recorded& r) {
  try {
    if (r.seq != s.last_seq + 1) bad("expected sequence " + std::to_string(s.last_seq + 1));
    if (r.at.is_special()) bad("it has no time");
    std::visit(Checker{s}, r.event);
  } catch (const Bad& b) {
    throw Error(ErrorCode::corruption, "event " + std::to_string(r.seq) + " (" + std::string(event_type(r.event)) +
                                           ") cannot follow the log before it: " + b.why);
  }
}

}  // namespace doithoai::detail

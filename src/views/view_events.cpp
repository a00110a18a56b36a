// Decide and apply for the views layer's commands and events (R13 publication, R17 council
// sessions and voter requests). Same contract as src/rules/ and src/apply/: decide checks and
// never mutates; apply records without checks.
#include <algorithm>

#include "doithoai/error.h"
#include "../rules.h"
#include "../state_impl.h"
#include "../text.h"
#include "track.h"

namespace doithoai::detail {
namespace {

[[noreturn]] void deny(const std::string& m) { throw Error(ErrorCode::permission_denied, m); }
[[noreturn]] void invalid(const std::string& m) { throw Error(ErrorCode::invalid_argument, m); }
[[noreturn]] void transition(const std::string& m) { throw Error(ErrorCode::invalid_transition, m); }
[[noreturn]] void missing(const char* what, std::uint32_t id) {
  throw Error(ErrorCode::not_found, std::string("no ") + what + " with id " + std::to_string(id));
}

Date today_of(const DecideInput& in) { return local_date(in.now, in.profile.zone_offset_minutes); }

// A document date: default today, never in the future.
Date when(const DecideInput& in, const Date& d, const char* field) {
  const Date today = today_of(in);
  if (d.is_special()) return today;
  check_date(d, field);
  if (d > today) invalid(std::string(field) + " " + format_date(d) + " is in the future");
  return d;
}

void grow(std::vector<std::int32_t>& v, std::size_t n) {
  if (v.size() < n) v.resize(n, kNoDay);
}

}  // namespace

void decide_view_command(const DecideInput& in, const cmd::PublishReply& c, Decision& out) {
  const StateImpl& s = in.state;
  if (!s.has_item(c.item)) missing("item", c.item.value);
  const ItemRec& r = s.items[c.item.value];
  if (!s.is_head_or_office(in.actor, r.unit))
    deny("only the heads of unit " + std::to_string(r.unit.value) + " or their office may publish replies (R13, R19)");
  // R10 for anonymous opinions (issue 14): where the profile says their raiser is reached by
  // public posting, a written (and, under review, approved) reply is published before it is
  // "replied", and the posting completes it once the other recipients have it.
  const DeliveryNeed need = delivery_need(s, in.profile, c.item.value);
  const bool posting = need.posting && r.status == ItemStatus::reply_written && r.reply &&
                       s.replies[r.reply - 1].review != 1;
  if (r.status != ItemStatus::replied && r.status != ItemStatus::closed && !posting)
    transition("the item is " + std::string(to_string(r.status)) +
               "; only replied or closed items are published (R13)" +
               (need.posting && r.status == ItemStatus::reply_written
                    ? std::string("; the draft reply awaits review (R13, R14)")
                    : std::string()));
  if (s.view.reply_published_on(c.item.value) != kNoDay) transition("the reply is already published");
  const Date on = when(in, c.on, "on");
  if (on < date_of(r.raised_on)) invalid("published before the item was raised");
  ev::ReplyPublished e{c.item, on, std::nullopt};
  if (posting) {
    const ReplyRec& rep = s.replies[r.reply - 1];
    if (on < date_of(rep.date)) invalid("published before the reply was written");
    if ((rep.delivered & need.recipients) == need.recipients) e.completes = true;
  }
  out.events.emplace_back(std::move(e));
}

void decide_view_command(const DecideInput& in, const cmd::PublishConferenceResults& c, Decision& out) {
  const StateImpl& s = in.state;
  if (!s.has_conference(c.conference)) missing("conference", c.conference.value);
  const ConferenceRec& k = s.conferences[c.conference.value];
  const bool may = s.is_head_or_office(in.actor, k.value.unit) ||
                   (k.value.department && s.is_agency_head(in.actor, k.value.department));
  if (!may) deny("only whoever runs the conference may publish its results (R13, R19)");
  if (k.value.status == ConferenceStatus::planned) transition("the conference has not been held yet");
  if (s.view.results_published_on(c.conference.value) != kNoDay)
    transition("the conference results are already published");
  const Date date = when(in, c.date, "date");
  if (date < *k.value.held_on) invalid("results published before the conference was held");
  const Date due = in.calendar.deadline(*k.value.held_on, in.profile.deadlines.publication);
  out.events.emplace_back(ev::ConferenceResultsPublished{c.conference, date, due});
}

void decide_view_command(const DecideInput& in, const cmd::RecordCouncilSession& c, Decision& out) {
  const StateImpl& s = in.state;
  if (!s.has_unit(c.unit)) missing("unit", c.unit.value);
  if (s.units[c.unit.value].value.status != UnitStatus::active) transition("the unit is no longer active");
  if (!s.is_head_or_office(in.actor, c.unit) && !s.is_admin(in.actor, c.unit))
    deny("only the heads, office or an administrator of the unit may record council sessions");
  if (c.date.is_special()) invalid("date is required");
  check_date(c.date, "date");  // a scheduled session may lie in the future
  check_text(c.reference, "reference", kMaxNameBytes, false);
  for (const auto& x : s.view.council_sessions)
    if (x.unit == c.unit && x.day == day_of(c.date)) transition("that session is already recorded");
  out.events.emplace_back(ev::CouncilSessionRecorded{c.unit, c.date, c.reference});
}

void decide_view_command(const DecideInput& in, const cmd::RecordVoterRequest& c, Decision& out) {
  const StateImpl& s = in.state;
  if (!s.has_unit(c.unit)) missing("unit", c.unit.value);
  if (s.units[c.unit.value].value.status != UnitStatus::active) transition("the unit is no longer active");
  const bool may = s.is_head_or_office(in.actor, c.unit) || s.is_admin(in.actor, c.unit) ||
                   s.holds_in_ancestry(in.actor, Role::front_chair, c.unit) ||
                   s.holds_in_ancestry(in.actor, Role::front_officer, c.unit);
  if (!may) deny("only the heads, office, front or an administrator of the unit may record voter requests");
  if (c.voters == 0) invalid("voters (the voter roll) is required");
  if (c.requesters == 0) invalid("requesters must be at least 1");
  if (c.requesters > c.voters) invalid("more requesters than voters");
  check_text(c.reference, "reference", kMaxNameBytes, false);
  out.events.emplace_back(ev::VoterRequestRecorded{c.unit, c.requesters, c.voters, when(in, c.on, "on"), c.reference});
}

// R17 reception days. The person records their own day, or the unit's office does, or the
// system actor (an import from the reception registry, sổ tiếp công dân).
void decide_view_command(const DecideInput& in, const cmd::RecordReception& c, Decision& out) {
  const StateImpl& s = in.state;
  if (!s.has_unit(c.unit)) missing("unit", c.unit.value);
  if (s.units[c.unit.value].value.status != UnitStatus::active) transition("the unit is no longer active");
  if (!s.has_person(c.person)) missing("person", c.person.value);
  const bool may = in.actor == kSystemActor || in.actor == c.person || s.holds(in.actor, Role::office, c.unit);
  if (!may) deny("only the head who received citizens, the unit's office or the system may record a reception day (R19)");
  if (c.role == Role::agency_head) {
    if (!s.has_agency(c.agency)) missing("agency", c.agency.value);
    if (s.agencies[c.agency.value].unit != c.unit)
      invalid("agency " + std::to_string(c.agency.value) + " does not belong to unit " + std::to_string(c.unit.value));
    if (!s.is_agency_head(c.person, c.agency))
      invalid("person " + std::to_string(c.person.value) + " is not the head of agency " + std::to_string(c.agency.value));
  } else if (c.role == Role::party_head || c.role == Role::government_head) {
    if (c.agency) invalid("only agency_head receptions name an agency");
    if (!s.holds(c.person, c.role, c.unit))
      invalid("person " + std::to_string(c.person.value) + " is not the " + std::string(to_string(c.role)) +
              " of unit " + std::to_string(c.unit.value));
  } else {
    invalid("role must be party_head, government_head or agency_head");
  }
  check_text(c.note, "note", kMaxTextBytes, false);
  const Date on = when(in, c.on, "on");
  if (on < s.units[c.unit.value].value.created_on) invalid("on is before the unit was created");
  const std::int32_t day = day_of(on);
  for (const auto& x : s.view.receptions)
    if (x.unit == c.unit && x.role == c.role && x.agency == c.agency && x.day == day)
      transition("a reception day of this " + std::string(to_string(c.role)) + " on " + format_date(on) +
                 " is already recorded");
  out.events.emplace_back(ev::ReceptionRecorded{c.unit, c.person, c.role, c.agency, on, c.note});
}

void apply_view_event(StateImpl& s, const ev::ReplyPublished& e) {
  grow(s.view.reply_published, e.item.value + 1);
  s.view.reply_published[e.item.value] = day_of(e.on);
  s.view.published_items.push_back(e.item.value);
  if (e.completes.value_or(false)) {  // issue 14: the posting completes an anonymous item's reply
    ItemRec& r = s.items[e.item.value];
    ReplyRec& p = s.replies[r.reply - 1];
    p.completed_on = day_of(e.on);
    r.status = ItemStatus::replied;
    r.resolved_on = p.completed_on;
    s.reindex(e.item.value);
  }
}

void apply_view_event(StateImpl& s, const ev::ConferenceResultsPublished& e) {
  grow(s.view.results_published, e.conference.value + 1);
  grow(s.view.results_due, e.conference.value + 1);
  s.view.results_published[e.conference.value] = day_of(e.date);
  s.view.results_due[e.conference.value] = day_of(e.due);
}

void apply_view_event(StateImpl& s, const ev::CouncilSessionRecorded& e) {
  s.view.council_sessions.push_back({e.unit, day_of(e.date), e.reference});
}

void apply_view_event(StateImpl& s, const ev::VoterRequestRecorded& e) {
  s.view.voter_requests.push_back({e.unit, day_of(e.on), e.requesters, e.voters, e.reference});
}

void apply_view_event(StateImpl& s, const ev::ReceptionRecorded& e) {
  s.view.receptions.push_back({e.unit, e.person, e.agency, day_of(e.on), e.role, e.note});
}

}  // namespace doithoai::detail

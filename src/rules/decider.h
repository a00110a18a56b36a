// Internal: the Decider that decide() (rules.h) visits each command with. Its shared checks
// (who may act, what exists, text and dates) are here; its operator() for each command lives
// in one file per rule area, which mirrors the test files:
//   src/rules/directory.cpp  tests/test_rules_directory.cpp
//   src/rules/conference.cpp  tests/test_rules_conference.cpp
//   src/rules/followup.cpp  tests/test_rules_followup.cpp
//   src/rules/supervision.cpp  tests/test_rules_supervision.cpp
//   src/rules/place.cpp  tests/test_rules_place.cpp
//   src/rules/satisfaction.cpp  tests/test_rules_satisfaction.cpp
//   src/rules/evidence.cpp  tests/test_rules_evidence.cpp
// Commands of the views layer (publication, council sessions, voter requests) go to
// src/views/ through the catch-all operator() at the end.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>

#include "doithoai/error.h"
#include "rules.h"
#include "text.h"

namespace doithoai::detail::rules {

[[noreturn]] inline void deny(const std::string& m) { throw Error(ErrorCode::permission_denied, m); }
[[noreturn]] inline void invalid(const std::string& m) { throw Error(ErrorCode::invalid_argument, m); }
[[noreturn]] inline void transition(const std::string& m) { throw Error(ErrorCode::invalid_transition, m); }
[[noreturn]] inline void missing(const char* what, std::uint32_t id) {
  throw Error(ErrorCode::not_found, std::string("no ") + what + " with id " + std::to_string(id));
}

inline std::string id_str(std::uint32_t v) { return std::to_string(v); }

struct Decider {
  const DecideInput& in;
  Decision& out;
  const StateImpl& s;
  const Profile& p;
  const Calendar& cal;
  PersonId actor;
  Date today;

  Decider(const DecideInput& i, Decision& o)
      : in(i), out(o), s(i.state), p(i.profile), cal(i.calendar), actor(i.actor),
        today(local_date(i.now, i.profile.zone_offset_minutes)) {
    if (actor != kSystemActor && !s.has_person(actor))
      deny("actor " + id_str(actor.value) + " is not a registered person");
  }

  // ---- shared checks ----
  static void name(const std::string& v, const char* field, bool required = true) {
    check_text(v, field, kMaxNameBytes, required);
  }
  static void text(const std::string& v, const char* field, bool required = true) {
    check_text(v, field, kMaxTextBytes, required);
  }
  // A document or action date: default today; never in the future.
  Date when(const Date& d, const char* field) const {
    if (d.is_special()) return today;
    check_date(d, field);
    if (d > today) invalid(std::string(field) + " " + format_date(d) + " is in the future");
    return d;
  }
  const UnitRec& unit(UnitId u) const {
    if (!s.has_unit(u)) missing("unit", u.value);
    return s.units[u.value];
  }
  const UnitRec& active_unit(UnitId u) const {
    const UnitRec& r = unit(u);
    if (r.value.status != UnitStatus::active)
      transition("unit " + id_str(u.value) + " is " + std::string(to_string(r.value.status)) +
                 (r.value.successor ? "; its successor is unit " + id_str(r.value.successor.value) : ""));
    return r;
  }
  const ItemRec& item(ItemId i) const {
    if (!s.has_item(i)) missing("item", i.value);
    return s.items[i.value];
  }
  const ConferenceRec& conference(ConferenceId c) const {
    if (!s.has_conference(c)) missing("conference", c.value);
    return s.conferences[c.value];
  }
  void person(PersonId pid, const char* what) const {
    if (!s.has_person(pid)) missing(what, pid.value);
  }
  void admin_of(UnitId u) const {
    if (!s.is_admin(actor, u))
      deny("only an administrator of unit " + id_str(u.value) + " or above may change its directory");
  }
  void heads_or_office(UnitId u, const char* action) const {
    if (!s.is_head_or_office(actor, u))
      deny(std::string("only the heads of unit ") + id_str(u.value) + " or their office may " + action + " (R19)");
  }
  bool supervisor_of(UnitId u) const {
    if (s.holds_in_ancestry(actor, Role::front_chair, u) || s.holds_in_ancestry(actor, Role::front_officer, u))
      return true;
    return p.supervised_by(Supervisor::council) && s.holds_in_ancestry(actor, Role::council_member, u);
  }
  void supervises(UnitId u, const char* action) const {
    if (!supervisor_of(u))
      deny(std::string("only the supervising body (the front") +
           (p.supervised_by(Supervisor::council) ? " or the council" : "") + ") of unit " +
           id_str(u.value) + " or above may " + action + " (R14, R19)");
  }
  Date deadline_from(const Date& event, const DeadlineRule& r) const { return cal.deadline(event, r); }
  template <class E>
  void emit(E&& e) {
    out.events.emplace_back(std::forward<E>(e));
  }
  template <class Map>
  void unique_code(const Map& m, const std::string& code, const char* what) const {
    name(code, "code", false);
    if (!code.empty() && m.count(code)) transition(std::string(what) + " code '" + code + "' is already used");
  }
  bool conference_chair(const ConferenceRec& c, PersonId pid) const {
    return std::find(c.value.chairs.begin(), c.value.chairs.end(), pid) != c.value.chairs.end();
  }
  // Who may run a conference: the unit's heads or office, or the department's head.
  void runs_conference(const ConferenceRec& c, const char* action) const {
    if (s.is_head_or_office(actor, c.value.unit)) return;
    if (c.value.department && s.is_agency_head(actor, c.value.department)) return;
    deny(std::string("only the heads of unit ") + id_str(c.value.unit.value) +
         ", their office or the department's head may " + action + " (R19)");
  }

  // ---- directory: src/rules/directory.cpp ----
  void operator()(const cmd::CreateUnit& c);
  void operator()(const cmd::RenameUnit& c);
  void operator()(const cmd::MergeUnit& c);
  void operator()(const cmd::DissolveUnit& c);
  void operator()(const cmd::CreateAgency& c);
  void operator()(const cmd::CreateOrganization& c);
  static void digits_field(const std::string& v, const char* field, std::initializer_list<std::size_t> lengths);
  void operator()(const cmd::RegisterPerson& c);
  void check_grant(PersonId person_id, Role role, UnitId u, AgencyId a, OrganizationId o) const;
  void operator()(const cmd::GrantRole& c);
  void operator()(const cmd::RevokeRole& c);

  // ---- conferences: src/rules/conference.cpp ----
  bool notice_applies(UnitId u) const;
  void operator()(const cmd::PlanConference& c);
  void operator()(const cmd::HoldConference& c);
  void operator()(const cmd::IssueConclusionNotice& c);
  void operator()(const cmd::CloseConference& c);
  void operator()(const cmd::AnswerOnSpot& c);
  void operator()(const cmd::MergeDuplicate& c);

  // ---- intake and follow-up: src/rules/followup.cpp ----
  void operator()(const cmd::SubmitOpinion& c);
  Date default_deadline(const ItemRec& r) const;
  void conference_held_for(const ItemRec& r) const;
  void operator()(const cmd::Assign& c);
  void operator()(const cmd::WriteReply& c);
  void operator()(const cmd::RecordDelivery& c);
  void operator()(const cmd::Escalate& c);
  void operator()(const cmd::DecideIntake& c);
  void operator()(const cmd::Extend& c);
  void extension_caps(const ItemRec& r, const Date& deadline) const;

  // ---- supervision: src/rules/supervision.cpp ----
  void operator()(const cmd::RecordFinding& c);
  void operator()(const cmd::Reopen& c);
  void operator()(const cmd::CloseItem& c);
  void reviewer_of(const ItemRec& r, const char* action) const;
  const ReplyRec& draft_of(const ItemRec& r) const;
  void operator()(const cmd::ApproveReply& c);
  void operator()(const cmd::ReturnReply& c);

  // ---- place and satisfaction (issue 14): src/rules/place.cpp, src/rules/satisfaction.cpp ----
  static Place checked_place(const Place& p);
  void operator()(const cmd::RecordSatisfaction& c);
  // ---- evidence: src/rules/evidence.cpp (issue 14; R04, R10, R14) ----
  void evidence(const std::vector<Attachment>& v) const;
  // ---- public: names withheld, anonymous opinions, tracking codes (issue 14): src/rules/public.cpp ----
  void anonymous_channel(Channel c) const;
  std::string tracking_code(UnitId unit, const Date& raised_on, OpinionId id) const;
  // ---- item places (issue 14; R04, R18): src/rules/place.cpp ----
  void item_places(const cmd::SubmitOpinion& c, ItemId first, const Date& raised);
  void operator()(const cmd::PlaceItem& c);

  // Commands of the views layer (publication, council sessions, voter requests): src/views/.
  template <class C>
  void operator()(const C& c) {
    decide_view_command(in, c, out);
  }
};

}  // namespace doithoai::detail::rules

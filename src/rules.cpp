#include "rules.h"

#include <algorithm>

#include "doithoai/error.h"
#include "text.h"

namespace doithoai::detail {
namespace {

[[noreturn]] void deny(const std::string& m) { throw Error(ErrorCode::permission_denied, m); }
[[noreturn]] void invalid(const std::string& m) { throw Error(ErrorCode::invalid_argument, m); }
[[noreturn]] void transition(const std::string& m) { throw Error(ErrorCode::invalid_transition, m); }
[[noreturn]] void missing(const char* what, std::uint32_t id) {
  throw Error(ErrorCode::not_found, std::string("no ") + what + " with id " + std::to_string(id));
}

std::string id_str(std::uint32_t v) { return std::to_string(v); }

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

  // ---- directory ----
  void operator()(const cmd::CreateUnit& c) {
    if (c.parent) {
      active_unit(c.parent);
      admin_of(c.parent);
    } else if (actor != kSystemActor) {
      deny("only the system actor may create a top-level unit");
    }
    name(c.name, "name");
    name(c.level, "level");
    if (!p.levels.empty() && std::find(p.levels.begin(), p.levels.end(), c.level) == p.levels.end())
      invalid("level '" + c.level + "' is not a level of profile " + p.name);
    unique_code(s.unit_codes, c.code, "unit");
    const Date on = when(c.created_on, "created_on");
    const UnitId id(static_cast<std::uint32_t>(s.units.size()));
    emit(ev::UnitCreated{id, c.code, c.name, c.level, c.parent, on, c.remote});
    out.result.id = id.value;
  }
  void operator()(const cmd::RenameUnit& c) {
    const UnitRec& u = active_unit(c.unit);
    admin_of(c.unit);
    name(c.name, "name");
    if (c.name == u.value.name) transition("unit already has that name");
    emit(ev::UnitRenamed{c.unit, c.name, when(c.on, "on")});
  }
  void operator()(const cmd::MergeUnit& c) {
    active_unit(c.unit);
    active_unit(c.into);
    admin_of(c.unit);
    admin_of(c.into);
    if (c.unit == c.into) invalid("a unit cannot merge into itself");
    if (s.unit_in_subtree(c.into, c.unit)) invalid("a unit cannot merge into one of its own sub-units");
    // The unit's items go with it, except the closed ones (recorded: events.h).
    std::vector<ItemId> moved;
    for (std::size_t i = 1; i < s.items.size(); ++i)
      if (s.items[i].unit == c.unit && s.items[i].status != ItemStatus::closed)
        moved.push_back(ItemId(static_cast<std::uint32_t>(i)));
    emit(ev::UnitMerged{c.unit, c.into, when(c.on, "on"), std::move(moved)});
  }
  void operator()(const cmd::DissolveUnit& c) {
    const UnitRec& u = active_unit(c.unit);
    admin_of(c.unit);
    for (UnitId ch : u.children)
      if (s.units[ch.value].value.status == UnitStatus::active)
        transition("unit has active sub-units; merge or dissolve them first");
    for (std::size_t i = 1; i < s.items.size(); ++i)
      if (s.items[i].unit == c.unit && !is_resolved(s.items[i].status) && s.items[i].status != ItemStatus::merged)
        transition("unit has outstanding items; merge it into its successor instead (R01)");
    emit(ev::UnitDissolved{c.unit, when(c.on, "on")});
  }
  void operator()(const cmd::CreateAgency& c) {
    active_unit(c.unit);
    admin_of(c.unit);
    name(c.name, "name");
    unique_code(s.agency_codes, c.code, "agency");
    const AgencyId id(static_cast<std::uint32_t>(s.agencies.size()));
    emit(ev::AgencyCreated{id, c.unit, c.code, c.name, c.department});
    out.result.id = id.value;
  }
  void operator()(const cmd::CreateOrganization& c) {
    active_unit(c.unit);
    admin_of(c.unit);
    name(c.name, "name");
    name(c.kind, "kind", false);
    unique_code(s.organization_codes, c.code, "organization");
    const OrganizationId id(static_cast<std::uint32_t>(s.organizations.size()));
    emit(ev::OrganizationCreated{id, c.unit, c.code, c.name, c.kind});
    out.result.id = id.value;
  }
  static void digits_field(const std::string& v, const char* field, std::initializer_list<std::size_t> lengths) {
    if (v.empty()) return;
    for (char ch : v)
      if (ch < '0' || ch > '9') invalid(std::string(field) + " must contain digits only");
    if (std::find(lengths.begin(), lengths.end(), v.size()) == lengths.end())
      invalid(std::string(field) + " has the wrong number of digits");
  }
  void operator()(const cmd::RegisterPerson& c) {
    bool may = actor == kSystemActor;
    for (std::size_t u = 1; !may && u < s.units.size(); ++u)
      may = s.holds(actor, Role::administrator, UnitId(static_cast<std::uint32_t>(u)));
    if (!may) deny("only the system actor or an administrator may register people");
    name(c.name, "name");
    unique_code(s.person_codes, c.code, "person");
    name(c.address, "address", false);
    digits_field(c.citizen_id, "citizen_id", {9, 12});
    std::string phone;
    for (char ch : c.phone)
      if (ch != ' ' && ch != '.' && ch != '-') phone += ch;
    if (!phone.empty()) {
      if (phone[0] == '+') phone = phone.substr(1);
      digits_field(phone, "phone", {9, 10, 11, 12});
    }
    const PersonId id(static_cast<std::uint32_t>(s.persons.size()));
    emit(ev::PersonRegistered{id, c.code, c.name, c.phone, c.citizen_id, c.address, c.consent_public});
    out.result.id = id.value;
  }
  void check_grant(PersonId person_id, Role role, UnitId u, AgencyId a, OrganizationId o) const {
    person(person_id, "person");
    active_unit(u);
    admin_of(u);
    const bool agency_role = role == Role::agency_head || role == Role::agency_officer;
    if (agency_role) {
      if (!s.has_agency(a)) missing("agency", a.value);
      if (s.agencies[a.value].unit != u) invalid("agency " + id_str(a.value) + " does not belong to unit " + id_str(u.value));
    } else if (a) {
      invalid("only agency roles take an agency");
    }
    if (role == Role::organization_rep) {
      if (!s.has_org(o)) missing("organization", o.value);
      if (s.organizations[o.value].unit != u)
        invalid("organization " + id_str(o.value) + " does not belong to unit " + id_str(u.value));
    } else if (o) {
      invalid("only organization_rep takes an organization");
    }
  }
  void operator()(const cmd::GrantRole& c) {
    check_grant(c.person, c.role, c.unit, c.agency, c.organization);
    for (const auto& g : s.persons[c.person.value].grants)
      if (g.role == c.role && g.unit == c.unit && g.agency == c.agency && g.organization == c.organization)
        transition("the person already holds that role");
    emit(ev::RoleGranted{c.person, c.role, c.unit, c.agency, c.organization});
  }
  void operator()(const cmd::RevokeRole& c) {
    check_grant(c.person, c.role, c.unit, c.agency, c.organization);
    bool held = false;
    for (const auto& g : s.persons[c.person.value].grants)
      held = held || (g.role == c.role && g.unit == c.unit && g.agency == c.agency && g.organization == c.organization);
    if (!held) transition("the person does not hold that role");
    emit(ev::RoleRevoked{c.person, c.role, c.unit, c.agency, c.organization});
  }

  // ---- conferences ----
  bool notice_applies(UnitId u) const {
    const auto& lv = p.public_notice_levels;
    return lv.empty() || std::find(lv.begin(), lv.end(), s.units[u.value].value.level) != lv.end();
  }
  void operator()(const cmd::PlanConference& c) {
    active_unit(c.unit);
    if (c.department) {
      if (!s.has_agency(c.department)) missing("agency", c.department.value);
      const Agency& a = s.agencies[c.department.value];
      if (a.unit != c.unit || !a.department)
        invalid("agency " + id_str(c.department.value) + " is not a department of unit " + id_str(c.unit.value));
      if (!s.is_head_or_office(actor, c.unit) && !s.is_agency_head(actor, c.department))
        deny("only the department's head or the unit's heads may plan its dialogue (R19)");
    } else {
      heads_or_office(c.unit, "plan a conference");
    }
    name(c.audience, "audience");
    if (!p.has_audience(c.audience)) invalid("audience '" + c.audience + "' is not in profile " + p.name);
    name(c.plan_ref, "plan_ref", false);
    name(c.topic, "topic", c.kind == ConferenceKind::thematic);
    unique_code(s.conference_codes, c.code, "conference");
    name(c.cluster, "cluster", false);
    if (const CommuneDialogueRule* r = c.department ? nullptr : p.commune_dialogue_for(s.units[c.unit.value].value.level))
      if (!r->formats.empty() && std::find(r->formats.begin(), r->formats.end(), c.format) == r->formats.end())
        invalid("format '" + std::string(to_string(c.format)) + "' is not allowed for this conference (" + r->citation + ")");
    if (c.planned_on.is_special()) invalid("planned_on is required");
    check_date(c.planned_on, "planned_on");
    const Date noticed = when(c.noticed_on, "noticed_on");
    if (c.planned_on < today) invalid("planned_on " + format_date(c.planned_on) + " is in the past");
    if (notice_applies(c.unit) && c.planned_on < deadline_from(noticed, p.deadlines.public_notice))
      invalid("public notice must be given at least " + std::to_string(p.deadlines.public_notice.days) +
              " days before the conference (" + p.deadlines.public_notice.citation + ", R03)");
    const ConferenceId id(static_cast<std::uint32_t>(s.conferences.size()));
    emit(ev::ConferencePlanned{id, c.unit, c.code, c.kind, c.audience, c.department, c.topic,
                               c.plan_ref, c.planned_on, noticed, c.format, c.cluster});
    out.result.id = id.value;
  }
  void operator()(const cmd::HoldConference& c) {
    const ConferenceRec& k = conference(c.conference);
    runs_conference(k, "hold a conference");
    active_unit(k.value.unit);
    if (k.value.status != ConferenceStatus::planned) transition("the conference was already held");
    const Date held = when(c.held_on, "held_on");
    if (notice_applies(k.value.unit) && held < deadline_from(k.value.noticed_on, p.deadlines.public_notice))
      transition("the conference cannot be held before " + std::to_string(p.deadlines.public_notice.days) +
                 " days of public notice have passed (" + p.deadlines.public_notice.citation + ", R03)");
    if (c.chairs.empty()) invalid("a conference needs its chairs (R02)");
    for (std::size_t i = 0; i < c.chairs.size(); ++i) {
      person(c.chairs[i], "chair");
      for (std::size_t j = 0; j < i; ++j)
        if (c.chairs[j] == c.chairs[i]) invalid("a chair is listed twice");
      const bool ok = k.value.department ? s.is_agency_head(c.chairs[i], k.value.department)
                                         : s.is_head(c.chairs[i], k.value.unit);
      if (!ok)
        invalid("person " + id_str(c.chairs[i].value) +
                (k.value.department ? " is not the head of the department" : " is not a head of the unit") +
                "; conferences are chaired by the unit's heads (R02)");
    }
    // Co-chairs (art. 43: a representative of the People's Council standing committee).
    const CommuneDialogueRule* art43 =
        k.value.department ? nullptr : p.commune_dialogue_for(s.units[k.value.unit.value].value.level);
    const Role co_role = art43 && art43->co_chair_required ? *art43->co_chair_required : Role::council_standing;
    for (std::size_t i = 0; i < c.co_chairs.size(); ++i) {
      person(c.co_chairs[i], "co-chair");
      for (std::size_t j = 0; j < i; ++j)
        if (c.co_chairs[j] == c.co_chairs[i]) invalid("a co-chair is listed twice");
      if (std::find(c.chairs.begin(), c.chairs.end(), c.co_chairs[i]) != c.chairs.end())
        invalid("person " + id_str(c.co_chairs[i].value) + " is listed both as chair and co-chair");
      if (k.value.department || !s.holds(c.co_chairs[i], co_role, k.value.unit))
        invalid("person " + id_str(c.co_chairs[i].value) + " does not hold " + std::string(to_string(co_role)) +
                " in the unit; co-chairs represent the People's Council standing committee (art. 43)");
    }
    if (art43 && art43->co_chair_required && c.co_chairs.empty())
      invalid("a commune dialogue is co-chaired by a representative of the People's Council standing "
              "committee: co_chairs needs a person holding " + std::string(to_string(co_role)) + " (" +
              art43->citation + ")");
    text(c.report, "report", false);
    // R09: the items collected in advance take the reply deadline, counted from the
    // conference, unless they have one, were settled or merged (recorded: events.h).
    std::vector<ItemId> deadline_items;
    for (OpinionId o : k.opinions) {
      const OpinionRec& op = s.opinions[o.value];
      for (std::uint32_t i = op.first_item; i < op.first_item + op.item_count; ++i) {
        const ItemRec& r = s.items[i];
        if (r.deadline == kNoDay && !is_resolved(r.status) && r.status != ItemStatus::merged)
          deadline_items.push_back(ItemId(i));
      }
    }
    emit(ev::ConferenceHeld{c.conference, held, c.chairs, c.attendance, c.report,
                            deadline_from(held, p.deadlines.reply),
                            deadline_from(held, p.deadlines.conclusion_notice), c.co_chairs,
                            std::move(deadline_items)});
  }
  void operator()(const cmd::IssueConclusionNotice& c) {
    const ConferenceRec& k = conference(c.conference);
    runs_conference(k, "issue the conclusion notice");
    if (k.value.status != ConferenceStatus::held)
      transition(k.value.status == ConferenceStatus::planned ? "the conference has not been held yet"
                                                             : "the conclusion notice was already issued");
    name(c.number, "number");
    text(c.text, "text");
    const Date on = when(c.issued_on, "issued_on");
    if (on < *k.value.held_on) invalid("issued_on is before the conference");
    emit(ev::ConclusionNoticeIssued{c.conference, c.number, on, c.text, k.notice_due});
  }
  void operator()(const cmd::CloseConference& c) {
    const ConferenceRec& k = conference(c.conference);
    runs_conference(k, "close a conference");
    if (k.value.status != ConferenceStatus::concluded)
      transition("only a conference whose conclusion notice was issued can be closed (R03)");
    std::size_t open = 0;
    for (OpinionId o : k.opinions) {
      const OpinionRec& op = s.opinions[o.value];
      for (std::uint32_t i = op.first_item; i < op.first_item + op.item_count; ++i)
        if (!is_resolved(s.items[s.root_of(i)].status)) ++open;
    }
    if (open) transition(std::to_string(open) + " item(s) are neither resolved nor handed on (R03)");
    emit(ev::ConferenceClosed{c.conference, when(c.on, "on")});
  }

  // ---- opinions and items ----
  void operator()(const cmd::SubmitOpinion& c) {
    active_unit(c.unit);
    if (c.channel == Channel::escalation) invalid("escalation opinions are created by Escalate only");
    if (static_cast<bool>(c.raised_by) == static_cast<bool>(c.raised_by_org))
      invalid("an opinion is raised by exactly one person or one organization (R04)");
    if (c.raised_by) person(c.raised_by, "person");
    if (c.raised_by_org && !s.has_org(c.raised_by_org)) missing("organization", c.raised_by_org.value);
    // R04/R19: the heads, office and front of the opinion's unit or of any unit above it enter
    // an opinion for its raiser (a district's reception desk hears ward residents; the front
    // supervises its subtree). Not agencies, council members, lower or sibling units.
    bool on_behalf = false;
    if (s.has_person(actor))
      for (const auto& g : s.persons[actor.value].grants)
        on_behalf = on_behalf || ((g.role == Role::party_head || g.role == Role::government_head ||
                                   g.role == Role::office || g.role == Role::front_chair ||
                                   g.role == Role::front_officer) &&
                                  s.unit_in_subtree(c.unit, g.unit));
    const bool self = (c.raised_by && actor == c.raised_by) ||
                      (c.raised_by_org && s.is_org_rep(actor, c.raised_by_org));
    bool org_collects = false;
    if (c.channel == Channel::collected_in_advance && s.has_person(actor))
      for (const auto& g : s.persons[actor.value].grants)
        org_collects = org_collects || (g.role == Role::organization_rep && s.unit_in_subtree(c.unit, g.unit));
    if (!on_behalf && !self && !org_collects)
      deny("only the raiser, or on their behalf the heads, office or front of the unit or a unit above it, may "
           "submit an opinion (R19)");
    if (c.items.empty()) invalid("an opinion holds at least one item (R05)");
    if (c.items.size() > 1000) invalid("an opinion holds at most 1000 items");
    for (const auto& it : c.items) {
      name(it.topic, "item topic");
      if (!p.has_topic(it.topic)) invalid("topic '" + it.topic + "' is not in profile " + p.name);
      text(it.text, "item text");
    }
    const std::string topic = c.topic.empty() ? c.items.front().topic : c.topic;
    name(topic, "topic");
    if (!p.has_topic(topic)) invalid("topic '" + topic + "' is not in profile " + p.name);
    const Date raised = when(c.raised_on, "raised_on");
    Date deadline;
    if (c.conference) {
      const ConferenceRec& k = conference(c.conference);
      if (k.value.unit != c.unit) invalid("the conference belongs to another unit");
      if (c.channel == Channel::at_conference) {
        if (k.value.status == ConferenceStatus::planned) transition("the conference has not been held yet");
        if (k.value.status == ConferenceStatus::closed) transition("the conference is closed");
        if (raised != *k.value.held_on) invalid("an opinion raised at the conference is dated the day it was held");
        deadline = *k.value.reply_due;
      } else {
        if (k.value.status != ConferenceStatus::planned)
          transition("opinions are collected in advance only before the conference is held (R03)");
      }
    } else if (c.channel == Channel::at_conference || c.channel == Channel::collected_in_advance) {
      invalid(std::string("channel ") + std::string(to_string(c.channel)) + " needs its conference (R04)");
    } else {
      deadline = deadline_from(raised, p.deadlines.reply);
    }
    const OpinionId id(static_cast<std::uint32_t>(s.opinions.size()));
    const ItemId first(static_cast<std::uint32_t>(s.items.size()));
    out.result.id = id.value;
    for (std::size_t k = 0; k < c.items.size(); ++k)
      out.result.items.push_back(ItemId(first.value + static_cast<std::uint32_t>(k)));
    emit(ev::OpinionSubmitted{id, first, c.unit, c.conference, c.channel, c.raised_by, c.raised_by_org,
                              UnitId(), raised, topic, c.items, deadline});
  }
  void operator()(const cmd::AnswerOnSpot& c) {
    const ItemRec& r = item(c.item);
    const OpinionRec& o = s.opinions[r.opinion];
    if (!o.conference) transition("only items of a conference are answered on the spot (R06)");
    const ConferenceRec& k = s.conferences[o.conference.value];
    if (!s.is_head_or_office(actor, r.unit) && !conference_chair(k, actor))
      deny("only the chairs or the office record answers given at the conference (R19)");
    if (k.value.status == ConferenceStatus::planned) transition("the conference has not been held yet");
    if (r.status != ItemStatus::open) transition("the item is " + std::string(to_string(r.status)) + ", not open");
    person(c.answered_by, "person");
    if (!conference_chair(k, c.answered_by) && !s.is_official_of(c.answered_by, r.unit))
      invalid("the answer must come from a chair or an official of the unit named by the chair (R06)");
    text(c.gist, "gist");
    emit(ev::ItemAnswered{c.item, c.answered_by, c.gist, *k.value.held_on});
  }
  void operator()(const cmd::MergeDuplicate& c) {
    const ItemRec& r = item(c.item);
    const ItemRec& into = item(c.into);
    heads_or_office(r.unit, "reconcile items");
    if (c.item == c.into) invalid("an item cannot be merged into itself");
    if (r.unit != into.unit) invalid("duplicates must belong to the same unit (R07)");
    if (r.status != ItemStatus::open) transition("only an open item can be merged as a duplicate");
    if (s.root_of(c.into.value) == c.item.value) invalid("that merge would make a cycle");
    emit(ev::ItemMerged{c.item, ItemId(s.root_of(c.into.value)), today});
  }

  // ---- follow-up ----
  Date default_deadline(const ItemRec& r) const {
    if (r.deadline != kNoDay) return date_of(r.deadline);
    return deadline_from(date_of(r.raised_on), p.deadlines.reply);
  }
  void conference_held_for(const ItemRec& r) const {
    const OpinionRec& o = s.opinions[r.opinion];
    if (o.conference && s.conferences[o.conference.value].value.status == ConferenceStatus::planned)
      transition("the item's conference has not been held yet; items are assigned after it (R09)");
  }
  void operator()(const cmd::Assign& c) {
    const ItemRec& r = item(c.item);
    heads_or_office(r.unit, "assign items");
    if (r.status != ItemStatus::open && r.status != ItemStatus::assigned)
      transition("the item is " + std::string(to_string(r.status)) + "; only open or assigned items are assigned");
    conference_held_for(r);
    if (!s.has_agency(c.agency)) missing("agency", c.agency.value);
    if (s.agencies[c.agency.value].unit != r.unit)
      invalid("agency " + id_str(c.agency.value) + " does not belong to the item's unit; escalate instead (R11)");
    const Date def = default_deadline(r);
    Date dl = def;
    if (c.deadline) {
      check_date(*c.deadline, "deadline");
      if (*c.deadline > def)
        invalid("a deadline later than " + format_date(def) + " needs an extension with a notice (R12)");
      if (*c.deadline < today) invalid("the deadline is in the past");
      dl = *c.deadline;
    }
    emit(ev::ItemAssigned{c.item, c.agency, dl, today});
  }
  void operator()(const cmd::WriteReply& c) {
    const ItemRec& r = item(c.item);
    if (r.status != ItemStatus::assigned)
      transition("the item is " + std::string(to_string(r.status)) + "; a reply needs an assigned item (R10)");
    if (!s.is_agency_staff(actor, r.agency))
      deny("only an officer of agency " + id_str(r.agency.value) + ", to which the item is assigned, may reply (R19)");
    name(c.number, "number");
    text(c.text, "text");
    person(c.signer, "signer");
    if (!s.is_agency_staff(c.signer, r.agency) && !s.is_head(c.signer, r.unit))
      invalid("the signer must be an officer of the assigned agency or a head of the unit");
    const Date d = when(c.date, "date");
    if (d < date_of(r.raised_on)) invalid("the reply is dated before the item was raised");
    // Where the profile asks for review (R13, R14), the reply is a draft until approved.
    emit(ev::ReplyWritten{c.item, c.number, d, c.signer, r.agency, c.text,
                          p.reply_review ? std::optional<bool>(true) : std::nullopt});
  }
  void operator()(const cmd::RecordDelivery& c) {
    const ItemRec& r = item(c.item);
    if (!s.is_head_or_office(actor, r.unit) && !s.is_agency_staff(actor, r.agency))
      deny("only the office or the replying agency records deliveries (R19)");
    if (r.status != ItemStatus::reply_written)
      transition(r.status == ItemStatus::replied ? "the reply was already delivered to every recipient"
                                                 : "the item has no reply to deliver");
    if (!p.requires_recipient(c.recipient))
      invalid("profile " + p.name + " does not send replies to " + std::string(to_string(c.recipient)));
    const ReplyRec& rep = s.replies[r.reply - 1];
    if (rep.review == 1)
      transition("the reply is a draft awaiting review (R13, R14); only an approved reply is delivered");
    const auto bit = static_cast<std::uint8_t>(1u << (static_cast<int>(c.recipient) - 1));
    if (rep.delivered & bit) transition("the reply was already delivered to " + std::string(to_string(c.recipient)));
    const Date on = when(c.on, "on");
    if (on < date_of(rep.date)) invalid("delivered before the reply was written");
    std::uint8_t need = 0;
    for (Recipient x : p.reply_recipients) need |= static_cast<std::uint8_t>(1u << (static_cast<int>(x) - 1));
    emit(ev::ReplyDelivered{c.item, c.recipient, on, ((rep.delivered | bit) & need) == need});
  }
  void operator()(const cmd::Escalate& c) {
    const ItemRec& r = item(c.item);
    heads_or_office(r.unit, "escalate items");
    if (r.status != ItemStatus::open && r.status != ItemStatus::assigned)
      transition("the item is " + std::string(to_string(r.status)) + "; only unsettled items are escalated");
    conference_held_for(r);
    active_unit(c.to_unit);
    if (c.to_unit == r.unit || !s.unit_in_subtree(r.unit, c.to_unit))
      invalid("escalation goes to a higher unit of the item's unit (R11)");
    if (c.to_agency) {
      if (!s.has_agency(c.to_agency)) missing("agency", c.to_agency.value);
      if (s.agencies[c.to_agency.value].unit != c.to_unit)
        invalid("agency " + id_str(c.to_agency.value) + " does not belong to unit " + id_str(c.to_unit.value));
    }
    text(c.proposal, "proposal");
    const Date on = when(c.on, "on");
    if (c.raiser_notified_on.is_special()) invalid("the raiser must be told of the escalation (R11): raiser_notified_on");
    const Date told = when(c.raiser_notified_on, "raiser_notified_on");
    const OpinionId op(static_cast<std::uint32_t>(s.opinions.size()));
    const ItemId ni(static_cast<std::uint32_t>(s.items.size()));
    emit(ev::ItemEscalated{c.item, c.to_unit, c.to_agency, op, ni, c.proposal, on,
                           deadline_from(on, p.deadlines.reply), told});
    out.result.id = ni.value;
    out.result.items.push_back(ni);
  }
  void operator()(const cmd::DecideIntake& c) {
    const ItemRec& r = item(c.item);
    heads_or_office(r.unit, "decide on intake");
    if (r.status != ItemStatus::open && r.status != ItemStatus::assigned)
      transition("the item is " + std::string(to_string(r.status)) + "; intake decisions apply to unsettled items");
    if (c.outcome == Outcome::none || c.outcome == Outcome::escalated)
      invalid("use Escalate to hand an item to a higher unit; outcome must be accepted, more_time, refused, transferred or redirected_*");
    const bool hands_on = c.outcome != Outcome::accepted && c.outcome != Outcome::more_time;
    text(c.reason, "reason", c.outcome == Outcome::refused || c.outcome == Outcome::more_time);
    name(c.target, "target", c.outcome == Outcome::transferred);
    const Date on = when(c.on, "on");
    Date told;
    if (hands_on) {
      if (c.raiser_notified_on.is_special()) invalid("the raiser must be told of this outcome (R11): raiser_notified_on");
      told = when(c.raiser_notified_on, "raiser_notified_on");
    } else if (!c.raiser_notified_on.is_special()) {
      told = when(c.raiser_notified_on, "raiser_notified_on");
    }
    Date due;
    if (c.outcome == Outcome::redirected_complaint) {
      const bool remote = s.units[r.unit.value].value.remote;
      const auto& D = p.deadlines;
      due = deadline_from(on, remote ? (c.complex ? D.complaint_remote_complex : D.complaint_remote)
                                     : (c.complex ? D.complaint_complex : D.complaint));
    } else if (c.outcome == Outcome::redirected_denunciation) {
      due = deadline_from(on, p.deadlines.denunciation);
    }
    emit(ev::IntakeDecided{c.item, c.outcome, c.reason, c.target, on, due, told,
                           hands_on ? ItemStatus::handed_on : r.status});
  }
  void operator()(const cmd::Extend& c) {
    const ItemRec& r = item(c.item);
    heads_or_office(r.unit, "extend deadlines");
    if (r.status != ItemStatus::assigned && r.status != ItemStatus::open)
      transition("the item is " + std::string(to_string(r.status)) + "; only unsettled items are extended");
    if (r.deadline == kNoDay) transition("the item has no deadline yet");
    if (c.deadline.is_special()) invalid("the new deadline is required");
    check_date(c.deadline, "deadline");
    if (c.deadline <= date_of(r.deadline)) invalid("an extension must move the deadline later (R12)");
    name(c.notice_number, "notice_number");
    if (c.notice_date.is_special()) invalid("an extension needs the date of its written notice to the raiser (R12)");
    const Date nd = when(c.notice_date, "notice_date");
    const AgencyId a = c.agency ? c.agency : r.agency;
    if (!a) invalid("the notice must name the responsible agency (R12)");
    if (!s.has_agency(a)) missing("agency", a.value);
    text(c.reason, "reason", false);
    extension_caps(r, c.deadline);
    emit(ev::ItemExtended{c.item, c.deadline, c.notice_number, nd, a, c.reason, today});
  }
  // R12 caps (profile "extension_limits", issue 15): every limit applying to the item's
  // topic must allow one more extension (count: invalid_transition, the item has used its
  // extensions) and this one's length (invalid_argument, a shorter one would do). Only new
  // decisions are judged: item_extended events already recorded are never re-checked.
  void extension_caps(const ItemRec& r, const Date& deadline) const {
    const std::string& topic = s.topics[r.topic];
    for (const ExtensionLimit& l : p.extension_limits) {
      if (!l.applies_to(topic)) continue;
      if (l.max_count && r.extensions >= *l.max_count)
        transition("item has had " + std::to_string(r.extensions) + " extension" + (r.extensions == 1 ? "" : "s") +
                   "; profile " + p.name + " allows at most " + std::to_string(*l.max_count) +
                   (l.topics.empty() ? "" : " for topic '" + topic + "'") + " (R12: " + l.citation + ")");
      if (l.max_days) {
        const Date prev = date_of(r.deadline);
        const Date latest = cal.deadline(prev, DeadlineRule{*l.max_days, l.day_type, EndRule::keep, l.citation});
        if (deadline > latest)
          invalid("an extension moves the deadline at most " + std::to_string(*l.max_days) +
                  (l.day_type == DayType::working ? " working" : "") + " days, from " + format_date(prev) +
                  " to " + format_date(latest) + " at the latest" +
                  (l.topics.empty() ? "" : " for topic '" + topic + "'") + " (R12: " + l.citation + ")");
      }
    }
  }

  // ---- supervision ----
  void operator()(const cmd::RecordFinding& c) {
    const ItemRec& r = item(c.item);
    supervises(r.unit, "record findings");
    text(c.text, "text");
    emit(ev::FindingRecorded{c.item, c.text, c.satisfactory, when(c.on, "on")});
  }
  void operator()(const cmd::Reopen& c) {
    const ItemRec& r = item(c.item);
    supervises(r.unit, "reopen items");
    if (r.status == ItemStatus::closed) transition("a closed item is closed for good (R14)");
    if (!is_resolved(r.status)) transition("only a resolved item can be reopened");
    if (r.outcome == Outcome::escalated)
      transition("an escalated item is followed through its proposal in the higher unit");
    text(c.reason, "reason");
    const Date on = when(c.on, "on");
    Date dl = deadline_from(on, p.deadlines.reopen);
    if (c.deadline) {
      check_date(*c.deadline, "deadline");
      if (*c.deadline < today) invalid("the new deadline is in the past");
      dl = *c.deadline;
    }
    emit(ev::ItemReopened{c.item, c.reason, dl, on, r.agency ? ItemStatus::assigned : ItemStatus::open});
  }
  void operator()(const cmd::CloseItem& c) {
    const ItemRec& r = item(c.item);
    supervises(r.unit, "close items");
    if (r.status == ItemStatus::closed) transition("the item is already closed");
    if (r.status == ItemStatus::merged) transition("a duplicate follows its original; close the original");
    if (!is_resolved(r.status))
      transition("the item is " + std::string(to_string(r.status)) + "; only a resolved item can be closed (R14)");
    text(c.note, "note", false);
    emit(ev::ItemClosed{c.item, c.note, when(c.on, "on")});
  }

  // ---- review before publication (R13, R14; profile "reply_review", issue 15) ----
  // The reviewer the profile names: the heads or office of the item's unit, or the front of
  // the unit or above (its chair or officers). A draft written while the profile asked for
  // review stays reviewable by the office if the profile later drops the review.
  void reviewer_of(const ItemRec& r, const char* action) const {
    const Role who = p.reply_review ? p.reply_review->reviewer : Role::office;
    if (who == Role::front_chair) {
      if (!s.holds_in_ancestry(actor, Role::front_chair, r.unit) && !s.holds_in_ancestry(actor, Role::front_officer, r.unit))
        deny(std::string("only the front of unit ") + id_str(r.unit.value) + " or above may " + action +
             " (R13, R14, R19" + (p.reply_review ? ": " + p.reply_review->citation : std::string()) + ")");
    } else if (!s.is_head_or_office(actor, r.unit)) {
      deny(std::string("only the heads of unit ") + id_str(r.unit.value) + " or their office may " + action +
           " (R13, R14, R19" + (p.reply_review ? ": " + p.reply_review->citation : std::string()) + ")");
    }
  }
  const ReplyRec& draft_of(const ItemRec& r) const {
    if (r.status == ItemStatus::reply_written && r.reply && s.replies[r.reply - 1].review == 1)
      return s.replies[r.reply - 1];
    if (r.reply && s.replies[r.reply - 1].review == 2)
      transition("the reply is already approved (R13, R14)");
    if (r.status == ItemStatus::reply_written || r.status == ItemStatus::replied)
      transition("the reply is not a draft awaiting review (the profile asked for no review when it was written)");
    transition("the item is " + std::string(to_string(r.status)) + "; it has no draft reply awaiting review (R13, R14)");
  }
  void operator()(const cmd::ApproveReply& c) {
    const ItemRec& r = item(c.item);
    reviewer_of(r, "approve replies");
    const ReplyRec& d = draft_of(r);
    text(c.note, "note", false);
    const Date on = when(c.on, "on");
    if (on < date_of(d.date)) invalid("approved before the reply was written");
    emit(ev::ReplyApproved{c.item, c.note, on});
  }
  void operator()(const cmd::ReturnReply& c) {
    const ItemRec& r = item(c.item);
    reviewer_of(r, "return replies");
    const ReplyRec& d = draft_of(r);
    text(c.reason, "reason");
    const Date on = when(c.on, "on");
    if (on < date_of(d.date)) invalid("returned before the reply was written");
    emit(ev::ReplyReturned{c.item, d.agency, c.reason, on});
  }

  // Commands of the views layer (publication, council sessions, voter requests): src/views/.
  template <class C>
  void operator()(const C& c) {
    decide_view_command(in, c, out);
  }
};

}  // namespace

void decide(const DecideInput& in, const Command& command, Decision& out) {
  out.events.clear();
  out.result = Result{};
  Decider d(in, out);
  std::visit(d, command);
}

}  // namespace doithoai::detail

// Rules of conferences: R02/R03 planning, holding and closing a conference, R08 the conclusion notice, R06 answers on the spot and R07 duplicates.
// Tests: tests/test_rules_conference.cpp. Shared checks: decider.h.
#include "rules/decider.h"

namespace doithoai::detail::rules {

// ---- conferences ----
bool Decider::notice_applies(UnitId u) const {
  const auto& lv = p.public_notice_levels;
  return lv.empty() || std::find(lv.begin(), lv.end(), s.units[u.value].value.level) != lv.end();
}
void Decider::operator()(const cmd::PlanConference& c) {
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
void Decider::operator()(const cmd::HoldConference& c) {
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
void Decider::operator()(const cmd::IssueConclusionNotice& c) {
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
void Decider::operator()(const cmd::CloseConference& c) {
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


void Decider::operator()(const cmd::AnswerOnSpot& c) {
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
void Decider::operator()(const cmd::MergeDuplicate& c) {
  const ItemRec& r = item(c.item);
  const ItemRec& into = item(c.into);
  heads_or_office(r.unit, "reconcile items");
  if (c.item == c.into) invalid("an item cannot be merged into itself");
  if (r.unit != into.unit) invalid("duplicates must belong to the same unit (R07)");
  if (r.status != ItemStatus::open) transition("only an open item can be merged as a duplicate");
  if (s.root_of(c.into.value) == c.item.value) invalid("that merge would make a cycle");
  emit(ev::ItemMerged{c.item, ItemId(s.root_of(c.into.value)), today});
}

}  // namespace doithoai::detail::rules

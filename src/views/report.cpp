// R16 periodic reports: one pass over conferences, opinions and items of the projection.
#include <algorithm>
#include <map>

#include "common.h"
#include "doithoai/error.h"
#include "doithoai/views.h"

namespace doithoai {
using namespace detail;

namespace {

Change change(std::uint64_t prev, std::uint64_t cur) {
  Change c;
  c.previous = prev;
  c.current = cur;
  c.delta = static_cast<std::int64_t>(cur) - static_cast<std::int64_t>(prev);
  if (prev) c.percent = 100.0 * static_cast<double>(c.delta) / static_cast<double>(prev);
  return c;
}

// Adds one item's standing as of day d to a tally.
inline void count(Tally& t, const StateImpl& s, const ItemRec& r, const ItemRec& eff, std::uint32_t eff_id,
                  std::int32_t d) {
  ++t.items;
  if (resolved_as_of(s, eff_id, d)) {
    ++t.resolved;
    const std::int32_t dl = eff.deadline;
    if (dl == kNoDay || eff.resolved_on == kNoDay || eff.resolved_on <= dl) ++t.on_time;
    else ++t.late;
    if (eff.outcome == Outcome::escalated) ++t.escalated;
  } else {
    ++t.outstanding;
    const std::int32_t dl = eff.deadline;
    if (dl == kNoDay || dl >= d) {
      ++t.not_yet_due;
    } else {
      ++t.overdue;
      ++t.late;
    }
  }
  if (r.extensions) {
    ++t.extended_items;
    t.extensions += r.extensions;
  }
}

}  // namespace

Report make_report(const State& state, const Profile& profile, const Calendar& calendar, const ReportRequest& q) {
  const StateImpl& s = detail::StateAccess::impl(state);
  if (q.unit && !s.has_unit(q.unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(q.unit.value));
  check_date(q.period.from, "period.from");
  check_date(q.period.to, "period.to");
  if (q.period.to < q.period.from) throw Error(ErrorCode::invalid_argument, "a period ends after it starts");
  Report rep;
  rep.unit = q.unit;
  if (q.unit) {
    rep.unit_name = s.units[q.unit.value].value.name;
    rep.unit_level = s.units[q.unit.value].value.level;
  }
  rep.period = q.period;
  rep.previous = previous_period(q.period);
  rep.as_of = q.as_of.is_special() ? q.period.to : q.as_of;
  require_answers_for(s, rep.as_of, "as_of");
  if (profile.source.is_object() && profile.source.contains("outbox"))  // issue 15
    rep.outbox = outbox_counts(state, q.unit, rep.as_of);
  rep.citations = {profile.citation, profile.deadlines.reply.citation, profile.deadlines.conclusion_notice.citation,
                   profile.deadlines.publication.citation};
  if (q.unit) rep.recipients = report_recipients(profile, rep.unit_level);
  if (!rep.recipients.empty()) rep.citations.push_back(profile.reporting->citation);

  const std::vector<char> mask = s.subtree_mask(q.unit);
  const std::int32_t from = day_of(q.period.from), to = day_of(q.period.to), asof = day_of(rep.as_of);
  const std::int32_t pfrom = day_of(rep.previous.from), pto = day_of(rep.previous.to);
  const std::int32_t end = std::min(to, asof);  // things after as_of have not happened yet

  // Month index of every day of the period.
  std::vector<std::uint16_t> month_of(static_cast<std::size_t>(to - from + 1));
  {
    int idx = -1, last_m = -1;
    Date d = q.period.from;
    for (std::size_t k = 0; k < month_of.size(); ++k, d += boost::gregorian::date_duration(1)) {
      if (d.month() != last_m) {
        last_m = d.month();
        ++idx;
        rep.trend.push_back(MonthPoint{d.year(), d.month(), 0, 0, 0, 0});
      }
      month_of[k] = static_cast<std::uint16_t>(idx);
    }
  }
  auto in_period = [&](std::int32_t day) { return day != kNoDay && day >= from && day <= end; };
  auto in_prev = [&](std::int32_t day) { return day != kNoDay && day >= pfrom && day <= pto && day <= asof; };

  // ---- conferences ----
  std::map<std::string, std::uint64_t> by_level, by_audience;
  std::uint64_t by_kind[4] = {0, 0, 0, 0};
  std::uint64_t prev_conf = 0;
  for (std::size_t i = 1; i < s.conferences.size(); ++i) {
    const ConferenceRec& c = s.conferences[i];
    if (!c.value.held_on || !mask[c.value.unit.value]) continue;
    const std::int32_t held = day_of(*c.value.held_on);
    if (in_prev(held)) ++prev_conf;
    if (!in_period(held)) continue;
    ++rep.conferences;
    const Unit& u = s.units[c.value.unit.value].value;
    ++by_level[u.level];
    ++by_kind[static_cast<int>(c.value.kind)];
    ++by_audience[c.value.audience];
    if (c.value.department) ++rep.department_dialogues;
    ++rep.trend[month_of[held - from]].conferences;
    ConferenceLine line;
    line.id = ConferenceId(static_cast<std::uint32_t>(i));
    line.unit = c.value.unit;
    line.unit_name = u.name;
    line.level = u.level;
    line.kind = c.value.kind;
    line.audience = c.value.audience;
    line.department = static_cast<bool>(c.value.department);
    line.held_on = *c.value.held_on;
    line.opinions = c.opinions.size();
    for (OpinionId o : c.opinions) line.items += s.opinions[o.value].item_count;
    if (!c.notice_due.is_special()) line.notice_due = c.notice_due;
    if (c.value.notice && c.value.notice->issued_on <= rep.as_of) line.notice_issued_on = c.value.notice->issued_on;
    line.reply_due = c.value.reply_due;
    const std::int32_t pub = s.view.results_published_on(static_cast<std::uint32_t>(i));
    const Date due = i < s.view.results_due.size() && s.view.results_due[i] != kNoDay
                         ? date_of(s.view.results_due[i])
                         : calendar.deadline(line.held_on, profile.deadlines.publication);
    line.results_due = due;
    if (pub != kNoDay && pub <= asof) {
      line.results_published_on = date_of(pub);
      line.results_late = date_of(pub) > due;
      ++(line.results_late ? rep.results_published_late : rep.results_published_on_time);
    } else if (rep.as_of > due) {
      line.results_late = true;
      ++rep.results_unpublished_overdue;
    }
    rep.conference_list.push_back(std::move(line));
  }
  for (const auto& lv : profile.levels)
    if (by_level.count(lv)) rep.conferences_by_level.push_back({lv, level_label(lv), by_level[lv]});
  for (const auto& [lv, n] : by_level)
    if (std::find(profile.levels.begin(), profile.levels.end(), lv) == profile.levels.end())
      rep.conferences_by_level.push_back({lv, level_label(lv), n});
  for (ConferenceKind k : {ConferenceKind::periodic, ConferenceKind::unscheduled, ConferenceKind::thematic})
    rep.conferences_by_kind.push_back({std::string(to_string(k)), kind_label(k), by_kind[static_cast<int>(k)]});
  for (const auto& [a, n] : by_audience) rep.conferences_by_audience.push_back({a, label_of(profile.audiences, a), n});

  // ---- opinions ----
  std::uint64_t by_channel[10] = {};
  std::uint64_t prev_op = 0;
  for (std::size_t i = 1; i < s.opinions.size(); ++i) {
    const OpinionRec& o = s.opinions[i];
    if (!mask[o.unit.value]) continue;
    if (in_prev(o.raised_on)) ++prev_op;
    if (!in_period(o.raised_on)) continue;
    ++rep.opinions;
    ++by_channel[static_cast<int>(o.channel)];
    if (is_anonymous(o)) ++rep.opinions_anonymous;        // issue 14
    else if (name_withheld(o)) ++rep.opinions_name_withheld;
    ++rep.trend[month_of[o.raised_on - from]].opinions;
  }
  for (int c = 1; c <= 9; ++c)
    if (by_channel[c])
      rep.opinions_by_channel.push_back({std::string(to_string(static_cast<Channel>(c))),
                                         channel_label(static_cast<Channel>(c)), by_channel[c]});

  // ---- items: one pass ----
  std::vector<Tally> topic_t(s.topics.size());
  std::vector<Tally> agency_t(s.agencies.size());
  std::vector<std::uint64_t> agency_returned(s.agencies.size());  // R13, R14 review
  std::vector<std::uint64_t> agency_written(s.agencies.size()), agency_evidence(s.agencies.size());  // issue 14
  std::uint64_t prev_items = 0, prev_resolved = 0;
  const ItemRec* items = s.items.data();
  const std::size_t n = s.items.size();
  for (std::size_t i = 1; i < n; ++i) {
    const ItemRec& r = items[i];
    if (!mask[r.unit.value]) continue;
    std::uint32_t eff_id = static_cast<std::uint32_t>(i);
    if (r.status == ItemStatus::merged) eff_id = s.root_of(eff_id);
    const ItemRec& eff = items[eff_id];
    // Resolutions during the period and the previous one (flows), whatever the raising date.
    if (is_resolved(eff.status) && eff.resolved_on != kNoDay && r.raised_on <= asof) {
      if (in_period(eff.resolved_on)) {
        ++rep.resolved_in_period;
        ++rep.trend[month_of[eff.resolved_on - from]].resolved;
      } else if (in_prev(eff.resolved_on)) {
        ++prev_resolved;
      }
    }
    const std::int32_t d = r.raised_on;
    if (in_prev(d)) ++prev_items;
    if (d < from) {
      if (!resolved_as_of(s, eff_id, asof)) ++rep.backlog_outstanding;
      continue;
    }
    if (d > end) continue;
    count(rep.items, s, r, eff, eff_id, asof);
    count(topic_t[r.topic], s, r, eff, eff_id, asof);
    if (eff.agency) count(agency_t[eff.agency.value], s, r, eff, eff_id, asof);
    if (r.returned && r.agency) agency_returned[r.agency.value] += r.returned;
    // Evidence (issue 14, R16): written replies in force, and those with an attachment.
    if (eff.agency && r.status != ItemStatus::merged && r.reply && s.replies[r.reply - 1].review != 1) {
      ++agency_written[eff.agency.value];
      if (s.attachments.replies.count(r.reply)) ++agency_evidence[eff.agency.value];
    }
    ++rep.trend[month_of[d - from]].items;
    if (r.status == ItemStatus::merged) ++rep.merged;
    if (r.reopened) ++rep.reopened_items;
    if (s.opinions[r.opinion].channel == Channel::escalation) ++rep.received_by_escalation;
    if (is_anonymous(s.opinions[r.opinion])) ++rep.items_anonymous;  // issue 14
    else if (name_withheld(s.opinions[r.opinion])) ++rep.items_name_withheld;
    if (resolved_as_of(s, eff_id, asof)) {
      // How it was resolved, whether or not the Front has closed it since.
      switch (resolution_of(s, eff_id)) {
        case Resolution::answered: ++rep.answered_on_spot; break;
        case Resolution::replied: ++rep.replied; break;
        case Resolution::handed_on: ++rep.handed_on; break;
        case Resolution::none: break;
      }
      if (eff.status == ItemStatus::closed) ++rep.closed;
    }
  }
  // Topics in the profile's order, then any others.
  std::vector<char> done(s.topics.size(), 0);
  auto add_topic = [&](std::size_t t) {
    if (done[t] || topic_t[t].items == 0) return;
    done[t] = 1;
    rep.by_topic.push_back({s.topics[t], label_of(profile.topics, s.topics[t]), topic_t[t]});
  };
  for (const auto& l : profile.topics) {
    auto it = s.topic_ids.find(l.code);
    if (it != s.topic_ids.end()) add_topic(it->second);
  }
  for (std::size_t t = 0; t < topic_t.size(); ++t) add_topic(t);
  for (std::size_t a = 1; a < agency_t.size(); ++a)
    if (agency_t[a].items || agency_returned[a])
      rep.by_agency.push_back({AgencyId(static_cast<std::uint32_t>(a)), s.agencies[a].code, s.agencies[a].name,
                               agency_t[a], agency_returned[a], agency_written[a], agency_evidence[a]});

  // ---- satisfaction (issue 14) ----
  {
    std::map<std::uint32_t, SatisfactionTally> by_agency, by_unit;
    std::map<std::uint16_t, SatisfactionTally> by_topic;
    auto add = [](SatisfactionTally& t, Satisfaction r) {
      ++t.rated;
      if (r == Satisfaction::satisfied) ++t.satisfied;
      else if (r == Satisfaction::partly_satisfied) ++t.partly_satisfied;
      else ++t.not_satisfied;
    };
    for (const auto& [id, sr] : s.satisfaction) {
      const ItemRec& r = s.items[id];
      if (!mask[r.unit.value] || !in_period(sr.on)) continue;
      add(rep.satisfaction, sr.rating);
      if (r.agency) add(by_agency[r.agency.value], sr.rating);
      add(by_topic[r.topic], sr.rating);
      add(by_unit[r.unit.value], sr.rating);
    }
    for (const auto& [a, t] : by_agency)
      rep.satisfaction_by_agency.push_back({a, s.agencies[a].code, s.agencies[a].name, t});
    for (const auto& l : profile.topics) {
      auto it = s.topic_ids.find(l.code);
      if (it != s.topic_ids.end() && by_topic.count(it->second)) {
        rep.satisfaction_by_topic.push_back({0, l.code, l.label, by_topic[it->second]});
        by_topic.erase(it->second);
      }
    }
    for (const auto& [t, tally] : by_topic) rep.satisfaction_by_topic.push_back({0, s.topics[t], s.topics[t], tally});
    for (const auto& [u, t] : by_unit) rep.satisfaction_by_unit.push_back({u, s.units[u].value.code, s.units[u].value.name, t});
  }

  rep.change_conferences = change(prev_conf, rep.conferences);
  rep.change_opinions = change(prev_op, rep.opinions);
  rep.change_items = change(prev_items, rep.items.items);
  rep.change_resolved_in_period = change(prev_resolved, rep.resolved_in_period);
  return rep;
}

}  // namespace doithoai

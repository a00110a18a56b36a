// JSON forms of the views (schemas/*.json describe them; docs/reports.md explains them).
#include <cmath>
#include "common.h"
#include "doithoai/views.h"

namespace doithoai {
using nlohmann::json;
using namespace detail;

namespace {
json d(const Date& x) { return x.is_special() ? json(nullptr) : json(format_date(x)); }
json d(const std::optional<Date>& x) { return x ? d(*x) : json(nullptr); }
template <class Tag>
json id(Id<Tag> i) { return i ? json(i.value) : json(nullptr); }

json counts(const std::vector<Count>& v) {
  json a = json::array();
  for (const auto& c : v) a.push_back({{"code", c.code}, {"label", c.label}, {"n", c.n}});
  return a;
}
json tally(const Tally& t) {
  const auto rate = t.on_time_rate();
  return {{"items", t.items},           {"resolved", t.resolved},
          {"outstanding", t.outstanding}, {"not_yet_due", t.not_yet_due},
          {"overdue", t.overdue},       {"on_time", t.on_time},
          {"late", t.late},             {"on_time_rate", rate ? json(*rate) : json(nullptr)},
          {"extended_items", t.extended_items}, {"extensions", t.extensions},
          {"escalated", t.escalated}};
}
json chg(const Change& c) {
  return {{"previous", c.previous}, {"current", c.current}, {"delta", c.delta},
          {"percent", c.percent ? json(*c.percent) : json(nullptr)}};
}
json period(const Period& p) {
  static const char* kinds[] = {"", "month", "quarter", "six_months", "nine_months", "year", "range"};
  return {{"kind", kinds[static_cast<int>(p.kind)]}, {"from", d(p.from)}, {"to", d(p.to)},
          {"label", period_label(p, "vi")}};
}
}  // namespace

json report_to_json(const Report& r) {
  json j;
  j["schema"] = "doithoai.report/1";
  j["unit"] = {{"id", id(r.unit)}, {"name", r.unit_name}, {"level", r.unit_level}};
  j["period"] = period(r.period);
  j["previous_period"] = period(r.previous);
  j["as_of"] = d(r.as_of);
  j["citations"] = r.citations;
  j["recipients"] = r.recipients;
  json conf;
  conf["total"] = r.conferences;
  conf["by_level"] = counts(r.conferences_by_level);
  conf["by_kind"] = counts(r.conferences_by_kind);
  conf["by_audience"] = counts(r.conferences_by_audience);
  conf["department_dialogues"] = r.department_dialogues;
  json list = json::array();
  for (const auto& c : r.conference_list)
    list.push_back({{"id", id(c.id)},
                    {"unit", id(c.unit)},
                    {"unit_name", c.unit_name},
                    {"level", c.level},
                    {"kind", std::string(to_string(c.kind))},
                    {"audience", c.audience},
                    {"department", c.department},
                    {"held_on", d(c.held_on)},
                    {"opinions", c.opinions},
                    {"items", c.items},
                    {"notice_due", d(c.notice_due)},
                    {"notice_issued_on", d(c.notice_issued_on)},
                    {"reply_due", d(c.reply_due)},
                    {"results_due", d(c.results_due)},
                    {"results_published_on", d(c.results_published_on)},
                    {"results_late", c.results_late}});
  conf["list"] = list;
  conf["results_published_on_time"] = r.results_published_on_time;
  conf["results_published_late"] = r.results_published_late;
  conf["results_unpublished_overdue"] = r.results_unpublished_overdue;
  j["conferences"] = conf;
  j["opinions"] = {{"total", r.opinions}, {"by_channel", counts(r.opinions_by_channel)},
                   {"anonymous", r.opinions_anonymous}, {"name_withheld", r.opinions_name_withheld}};
  json items = tally(r.items);
  items["answered_on_spot"] = r.answered_on_spot;
  items["replied"] = r.replied;
  items["handed_on"] = r.handed_on;
  items["closed"] = r.closed;
  items["reopened_items"] = r.reopened_items;
  items["merged"] = r.merged;
  items["received_by_escalation"] = r.received_by_escalation;
  items["resolved_in_period"] = r.resolved_in_period;
  items["backlog_outstanding"] = r.backlog_outstanding;
  items["anonymous"] = r.items_anonymous;
  items["name_withheld"] = r.items_name_withheld;
  j["items"] = items;
  json topics = json::array();
  for (const auto& t : r.by_topic) {
    json x = tally(t.tally);
    x["topic"] = t.topic;
    x["label"] = t.label;
    topics.push_back(x);
  }
  j["by_topic"] = topics;
  json agencies = json::array();
  for (const auto& a : r.by_agency) {
    json x = tally(a.tally);
    x["agency"] = id(a.agency);
    x["code"] = a.code;
    x["name"] = a.name;
    x["returned"] = a.returned;
    x["written_replies"] = a.written_replies;          // issue 14, R16
    x["replies_with_evidence"] = a.replies_with_evidence;
    x["evidence_share"] = a.evidence_share() ? json(*a.evidence_share()) : json(nullptr);
    agencies.push_back(x);
  }
  j["by_agency"] = agencies;
  json trend = json::array();
  for (const auto& m : r.trend)
    trend.push_back({{"year", m.year}, {"month", m.month}, {"conferences", m.conferences},
                     {"opinions", m.opinions}, {"items", m.items}, {"resolved", m.resolved}});
  j["trend"] = trend;
  j["change"] = {{"conferences", chg(r.change_conferences)}, {"opinions", chg(r.change_opinions)},
                 {"items", chg(r.change_items)}, {"resolved_in_period", chg(r.change_resolved_in_period)}};
  // Issue 14: present when some reply was rated in the period (reports before it are unchanged).
  if (r.satisfaction.rated) {
    auto st = [](const SatisfactionTally& t) {
      auto rate = [&](std::uint64_t n) {
        return t.rated ? json(std::round(1000.0 * static_cast<double>(n) / static_cast<double>(t.rated)) / 10) : json(nullptr);
      };
      return json{{"rated", t.rated},
                  {"satisfied", t.satisfied},
                  {"partly_satisfied", t.partly_satisfied},
                  {"not_satisfied", t.not_satisfied},
                  {"satisfied_percent", rate(t.satisfied)},
                  {"not_satisfied_percent", rate(t.not_satisfied)}};
    };
    json sat = st(r.satisfaction);
    json ag = json::array(), tp = json::array(), un = json::array();
    for (const auto& l : r.satisfaction_by_agency) {
      json x = st(l.tally);
      x["agency"] = l.id;
      x["code"] = l.code;
      x["name"] = l.name;
      ag.push_back(std::move(x));
    }
    for (const auto& l : r.satisfaction_by_topic) {
      json x = st(l.tally);
      x["topic"] = l.code;
      x["label"] = l.name;
      tp.push_back(std::move(x));
    }
    for (const auto& l : r.satisfaction_by_unit) {
      json x = st(l.tally);
      x["unit"] = l.id;
      x["name"] = l.name;
      un.push_back(std::move(x));
    }
    sat["by_agency"] = ag;
    sat["by_topic"] = tp;
    sat["by_unit"] = un;
    j["satisfaction"] = sat;
  }
  if (r.outbox) j["outbox"] = outbox_counts_to_json(*r.outbox);  // issue 15; absent without an outbox
  return j;
}

json compliance_to_json(const ComplianceReport& r) {
  auto cases = [](const std::vector<ComplianceCase>& v) {
    json a = json::array();
    for (const auto& c : v) {
      a.push_back({{"unit", id(c.unit)}, {"unit_name", c.unit_name}, {"level", c.level},
                   {"requirement", std::string(to_string(c.requirement))},
                   {"window_from", d(c.window_from)}, {"window_to", d(c.window_to)},
                   {"reference", c.reference}, {"citation", c.citation}, {"met_by", id(c.met_by)}});
      if (c.requirement == Requirement::reception_days) {
        json& x = a.back();
        x["role"] = std::string(to_string(c.role));
        x["agency"] = id(c.agency);
        x["agency_name"] = c.agency_name;
        x["days"] = c.days;
        x["required_days"] = c.required_days;
      }
    }
    return a;
  };
  return {{"schema", "doithoai.compliance/1"}, {"unit", id(r.unit)}, {"period", period(r.period)},
          {"as_of", d(r.as_of)}, {"missed", cases(r.missed)}, {"pending", cases(r.pending)},
          {"met", cases(r.met)}};
}

json triggers_to_json(const std::vector<TriggerCandidate>& v) {
  json a = json::array();
  for (const auto& c : v) {
    json items = json::array();
    for (ItemId i : c.items) items.push_back(i.value);
    json x = {{"unit", id(c.unit)}, {"unit_name", c.unit_name}, {"reason", std::string(to_string(c.reason))},
              {"topic", c.topic}, {"count", c.items.size()}, {"items", items}, {"detail", c.detail}};
    if (c.place) x["place"] = {{"lat", c.place->lat}, {"long", c.place->lon}};  // issue 14: by place only
    a.push_back(std::move(x));
  }
  return {{"schema", "doithoai.triggers/1"}, {"candidates", a}};
}

json public_feed_to_json(const std::vector<PublicItem>& feed) {
  json a = json::array();
  for (const auto& p : feed) {
    json x = {{"id", id(p.id)}, {"unit", id(p.unit)}, {"unit_name", p.unit_name}, {"topic", p.topic},
              {"topic_label", p.topic_label}, {"text", p.text}, {"status", std::string(to_string(p.status))},
              {"status_label", status_label(p.status)}, {"raised_by", p.raised_by}, {"raised_on", d(p.raised_on)},
              {"published_on", d(p.published_on)}, {"deadline", d(p.deadline)}, {"agency", p.agency},
              {"answer", p.answer}};
    x["reply"] = p.reply ? json{{"number", p.reply->number}, {"date", d(p.reply->date)},
                                {"agency", p.reply->agency}, {"text", p.reply->text}}
                         : json(nullptr);
    if (p.reply && !p.reply->attachments.empty()) {  // issue 14: absent when none
      json at = json::array();
      for (const auto& t : p.reply->attachments)
        at.push_back({{"name", t.name}, {"media_type", t.media_type}, {"size", t.size}, {"sha256", t.sha256}});
      x["reply"]["attachments"] = std::move(at);
    }
    a.push_back(x);
  }
  return {{"schema", "doithoai.public_feed/1"}, {"items", a}};
}

}  // namespace doithoai

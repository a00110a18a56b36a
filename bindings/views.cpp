// bindings/views.cpp: reports (R16), compliance (R17), triggers (R18), publication and
// redaction (R13), and exports (JSON, CSV, Open311, iCalendar) of views.h.
//
// Every function takes an Engine and calls the C++ Engine overload, so a past as_of is
// computed on the state of that day rebuilt from the log (Engine::read_as_of); public_feed
// (no date) runs on the live state under the shared lock. Results are read-only objects with to_dict()
// (the JSON forms of docs/reports.md and schemas/). The GIL is released while C++ computes;
// only plain C++ values cross back, converted once the GIL is held again.
// Enum-like values are plain strings: Period.kind ("month", "quarter", "six_months",
// "nine_months", "year", "range"), ComplianceCase.requirement, TriggerCandidate.reason,
// ExportOptions.visibility ("public" | "internal").
#include <fstream>

#include "common.h"
#include "engine.h"
#include "stores.h"

namespace dtpy {
namespace {
using namespace doithoai;
using json = nlohmann::json;

#define RO(T, f) def_readonly(#f, &T::f)

const std::vector<std::pair<PeriodKind, std::string>>& kinds() {
  static const std::vector<std::pair<PeriodKind, std::string>> k = {
      {PeriodKind::month, "month"},           {PeriodKind::quarter, "quarter"}, {PeriodKind::six_months, "six_months"},
      {PeriodKind::nine_months, "nine_months"}, {PeriodKind::year, "year"},     {PeriodKind::range, "range"}};
  return k;
}
std::string kind_name(PeriodKind k) {
  for (const auto& p : kinds())
    if (p.first == k) return p.second;
  return "range";
}

std::string visibility_name(Visibility v) { return v == Visibility::internal ? "internal" : "public"; }
Visibility parse_visibility(const std::string& s) {
  if (s == "public" || s == "public_view") return Visibility::public_view;
  if (s == "internal") return Visibility::internal;
  invalid("unknown visibility '" + s + "' (one of: public, internal)");
}

// f(state, profile, calendar) under the engine's shared lock, without the GIL.
template <class F>
auto on_state(const PyEngine& en, F&& f) {
  py::gil_scoped_release nogil;
  const PyEngine::Use u = en.use();
  return u->read([&](const State& s) { return f(s, u->profile(), u->calendar()); });
}

Date today_or(const PyEngine& en, Date d) { return d.is_not_a_date() ? en.use()->today() : d; }

ExportOptions export_options(std::optional<ExportOptions> base, py::object unit, py::object visibility,
                             py::object as_of, py::object generated_at, py::object item) {
  ExportOptions o = base ? *base : ExportOptions{};
  if (!item.is_none()) {
    o.item = arg_cast<ItemId>(item, "item");
    if (!o.item) invalid("item: an item id from 1 (None: every item)");
  }
  if (!unit.is_none()) o.unit = arg_cast<UnitId>(unit, "unit");
  if (!visibility.is_none()) o.visibility = parse_visibility(arg_cast<std::string>(visibility, "visibility"));
  if (!as_of.is_none()) o.as_of = arg_cast<Date>(as_of, "as_of");
  if (!generated_at.is_none()) o.generated_at = arg_cast<Instant>(generated_at, "generated_at");
  return o;
}

#define DTPY_EXPORT_ARGS                                                                            \
  py::arg("options") = py::none(), py::kw_only(), py::arg("unit") = py::none(),                    \
      py::arg("visibility") = py::none(), py::arg("as_of") = py::none(), py::arg("generated_at") = py::none(), \
      py::arg("item") = py::none()

}  // namespace

void init_views(py::module_& m) {
  // ---- periods ----
  ValueClass<Period> pe(m, "Period",
                        "An inclusive range of local dates: Period.month(2022, 9), .quarter(2022, 3), "
                        ".six_months(2022), .nine_months(2022), .year(2022), .range(start, end).");
  pe.def_static("month", &Period::month, py::arg("year"), py::arg("month"))
      .def_static("quarter", &Period::quarter, py::arg("year"), py::arg("quarter"))
      .def_static("six_months", &Period::six_months, py::arg("year"), "The first six months of the year.")
      .def_static("nine_months", &Period::nine_months, py::arg("year"), "The first nine months of the year.")
      .def_static("year", &Period::year, py::arg("year"))
      .def_static("range", [](Date a, Date b) {
        if (a.is_not_a_date() || b.is_not_a_date()) invalid("a range needs two dates");
        try {
          return Period::range(a, b);
        } catch (const std::invalid_argument& e) {
          invalid(e.what());
        }
      }, py::arg("start"), py::arg("end"))
      .def_property_readonly("kind", [](const Period& p) { return kind_name(p.kind); })
      .def_property_readonly("start", [](const Period& p) { return p.from; }, "First day (inclusive).")
      .def_property_readonly("end", [](const Period& p) { return p.to; }, "Last day (inclusive).")
      .def("label", [](const Period& p, const std::string& lang) { return period_label(p, lang); },
           py::arg("lang") = "vi", "'Quý III/2022', '6 tháng đầu năm 2022' ...; lang='en': 'Q3 2022' ...")
      .def("previous", &previous_period, "The period a report compares with (see previous_period).")
      .def("__contains__", [](const Period& p, Date d) { return !d.is_not_a_date() && p.from <= d && d <= p.to; })
      .state_enum("kind", &Period::kind).state("start", &Period::from).state("end", &Period::to);
  def_repr(pe, "Period", {"kind", "start", "end"});
  m.def("previous_period", &previous_period, py::arg("period"),
        "The previous month, quarter or year; the same months of the previous year for six and nine months "
        "('cùng kỳ'); for a range, the equally long range just before it.");
  m.def("period_label", [](const Period& p, const std::string& lang) { return period_label(p, lang); },
        py::arg("period"), py::arg("lang") = "vi");

  // ---- R16 reports ----
  ValueClass<Count> co(m, "Count", "A count under a stable code, with its Vietnamese label.");
  co.RO(Count, code).RO(Count, label).RO(Count, n);
  def_repr(co, "Count", {"code", "label", "n"});

  ValueClass<Tally> ta(m, "Tally", "R15 standing of a set of items as of the report date, with timeliness.");
  ta.RO(Tally, items).RO(Tally, resolved).RO(Tally, outstanding).RO(Tally, not_yet_due).RO(Tally, overdue)
      .RO(Tally, on_time).RO(Tally, late).RO(Tally, extended_items).RO(Tally, extensions).RO(Tally, escalated)
      .def_property_readonly("on_time_rate", &Tally::on_time_rate, "on_time / (on_time + late), None when nothing was due.");
  def_repr(ta, "Tally", {"items", "resolved", "outstanding", "not_yet_due", "overdue", "on_time", "late"});

  ValueClass<TopicTally> tt(m, "TopicTally");
  tt.RO(TopicTally, topic).RO(TopicTally, label).RO(TopicTally, tally);
  def_repr(tt, "TopicTally", {"topic", "label", "tally"});
  ValueClass<AgencyTally> at(m, "AgencyTally");
  at.RO(AgencyTally, agency).RO(AgencyTally, code).RO(AgencyTally, name).RO(AgencyTally, tally)
      .RO(AgencyTally, returned);
  def_repr(at, "AgencyTally", {"agency", "name", "tally", "returned"});

  ValueClass<ConferenceLine> cl(m, "ConferenceLine", "A conference held in the period with its R03/R08/R09/R13 dates.");
  cl.RO(ConferenceLine, id).RO(ConferenceLine, unit).RO(ConferenceLine, unit_name).RO(ConferenceLine, level)
      .RO(ConferenceLine, kind).RO(ConferenceLine, audience).RO(ConferenceLine, department)
      .RO(ConferenceLine, held_on).RO(ConferenceLine, opinions).RO(ConferenceLine, items)
      .RO(ConferenceLine, notice_due).RO(ConferenceLine, notice_issued_on).RO(ConferenceLine, reply_due)
      .RO(ConferenceLine, results_due).RO(ConferenceLine, results_published_on).RO(ConferenceLine, results_late);
  def_repr(cl, "ConferenceLine", {"id", "unit_name", "held_on", "items"});

  ValueClass<MonthPoint> mp(m, "MonthPoint");
  mp.RO(MonthPoint, year).RO(MonthPoint, month).RO(MonthPoint, conferences).RO(MonthPoint, opinions)
      .RO(MonthPoint, items).RO(MonthPoint, resolved);
  def_repr(mp, "MonthPoint", {"year", "month", "conferences", "opinions", "items", "resolved"});

  ValueClass<Change> ch(m, "Change", "Change from the previous period.");
  ch.RO(Change, previous).RO(Change, current).RO(Change, delta).RO(Change, percent);
  def_repr(ch, "Change", {"previous", "current", "delta", "percent"});

  ValueClass<Report> rp(m, "Report", "The R16 periodic report of a unit subtree (read-only; to_dict(), to_html()).");
  rp.RO(Report, unit).RO(Report, unit_name).RO(Report, unit_level).RO(Report, period).RO(Report, previous)
      .RO(Report, as_of).RO(Report, citations).RO(Report, recipients).RO(Report, conferences).RO(Report, conferences_by_level)
      .RO(Report, conferences_by_kind).RO(Report, conferences_by_audience).RO(Report, department_dialogues)
      .RO(Report, conference_list).RO(Report, opinions).RO(Report, opinions_by_channel).RO(Report, items)
      .RO(Report, opinions_anonymous).RO(Report, opinions_name_withheld).RO(Report, items_anonymous)
      .RO(Report, items_name_withheld)
      .RO(Report, answered_on_spot).RO(Report, replied).RO(Report, handed_on).RO(Report, closed)
      .RO(Report, reopened_items).RO(Report, merged).RO(Report, received_by_escalation)
      .RO(Report, resolved_in_period).RO(Report, backlog_outstanding).RO(Report, by_topic).RO(Report, by_agency)
      .RO(Report, trend).RO(Report, results_published_on_time).RO(Report, results_published_late)
      .RO(Report, results_unpublished_overdue).RO(Report, change_conferences).RO(Report, change_opinions)
      .RO(Report, change_items).RO(Report, change_resolved_in_period)
      .def_property_readonly("satisfaction", [](const Report& r) -> py::object {
        const json j = report_to_json(r);
        return j.contains("satisfaction") ? json_to_py(j.at("satisfaction")) : py::object(py::none());
      }, "Issue 14 (R16): the raisers' ratings in the period (rated, satisfied, partly_satisfied, not_satisfied, "
         "rates, by_agency, by_topic, by_unit) as a dict; None when nothing was rated.")
      .def("to_dict", [](const Report& r) { return report_to_json(r); },
           "The JSON form (schemas/report.schema.json) as a dict.")
      .def("to_html", [](const Report& r, const std::string& lang, const std::string& title) {
        HtmlOptions o{lang, title};
        std::string out;
        {
          py::gil_scoped_release nogil;
          out = report_html(r, o);
        }
        return out;
      }, py::arg("lang") = "vi", py::arg("title") = "");
  def_repr(rp, "Report", {"unit_name", "period", "as_of", "conferences", "opinions", "items"});

  m.def("make_report", [](const PyEngine& en, const Period& period, UnitId unit, Date as_of) {
    ReportRequest req{unit, period, as_of};
    py::gil_scoped_release nogil;
    return make_report(*en.use(), req);
  }, py::arg("engine"), py::arg("period"), py::kw_only(), py::arg("unit") = py::none(), py::arg("as_of") = py::none(),
  "R16: the periodic report of unit's subtree (None: every unit) for period; items' standing as of as_of "
  "(default period.end; a past date is computed on the state rebuilt from the log).");
  m.def("report_to_dict", [](const Report& r) { return report_to_json(r); }, py::arg("report"),
        "The report's JSON form (schemas/report.schema.json) as a dict.");
  m.def("report_html", [](const Report& r, const std::string& lang, const std::string& title) {
    if (lang != "vi" && lang != "en") invalid("lang must be 'vi' or 'en'");
    HtmlOptions o{lang, title};
    py::gil_scoped_release nogil;
    return report_html(r, o);
  }, py::arg("report"), py::arg("lang") = "vi", py::arg("title") = "",
  "One self-contained HTML file with inline SVG charts and print CSS.");

  // ---- R17 compliance ----
  ValueClass<ComplianceCase> cc(m, "ComplianceCase", "One required dialogue (R17) and whether it was held.");
  cc.RO(ComplianceCase, unit).RO(ComplianceCase, unit_name).RO(ComplianceCase, level)
      .def_property_readonly("requirement", [](const ComplianceCase& c) { return std::string(to_string(c.requirement)); },
                             "'periodic_yearly', 'before_council_session', 'voter_request' or 'reception_days'.")
      .state_enum("requirement", &ComplianceCase::requirement)
      .RO(ComplianceCase, window_from).RO(ComplianceCase, window_to).RO(ComplianceCase, reference)
      .RO(ComplianceCase, citation).RO(ComplianceCase, met_by).RO(ComplianceCase, role)
      .RO(ComplianceCase, agency).RO(ComplianceCase, agency_name).RO(ComplianceCase, days)
      .RO(ComplianceCase, required_days);
  def_repr(cc, "ComplianceCase", {"unit_name", "requirement", "window_from", "window_to", "reference", "met_by"});
  ValueClass<ComplianceReport> cr(m, "ComplianceReport", "R17: required dialogues missed, pending and met.");
  cr.RO(ComplianceReport, unit).RO(ComplianceReport, period).RO(ComplianceReport, as_of)
      .RO(ComplianceReport, missed).RO(ComplianceReport, pending).RO(ComplianceReport, met)
      .def("to_dict", [](const ComplianceReport& r) { return compliance_to_json(r); });
  def_repr(cr, "ComplianceReport", {"period", "as_of", "missed", "pending", "met"});
  m.def("compliance", [](const PyEngine& en, const Period& period, UnitId unit, Date as_of) {
    as_of = today_or(en, as_of);
    py::gil_scoped_release nogil;
    return compliance(*en.use(), unit, period, as_of);
  }, py::arg("engine"), py::arg("period"), py::kw_only(), py::arg("unit") = py::none(), py::arg("as_of") = py::none(),
  "R17: requirements (yearly dialogue, before each council session, on voters' request, citizen reception "
  "days per month) whose window ends in the period or is still open at as_of (default: the engine's today).");

  // ---- R16 as profile data ----
  m.def("report_periods", &report_periods, py::arg("profile"), py::arg("year"),
        "The periods of the year the profile's 'reporting' section owes a report for (month: 12 months, "
        "first_quarter: Q1, ...), in the profile's order; [] without the section.");
  m.def("report_recipients", &report_recipients, py::arg("profile"), py::arg("level"),
        "Who receives the reports of a unit at this level, from the profile's 'reporting' section.");

  // ---- R18 triggers ----
  ValueClass<TriggerCandidate> tc(m, "TriggerCandidate", "R18: a unit that may need an unscheduled conference, and why.");
  tc.RO(TriggerCandidate, unit).RO(TriggerCandidate, unit_name)
      .def_property_readonly("reason", [](const TriggerCandidate& c) { return std::string(to_string(c.reason)); },
                             "'overdue', 'reopened', 'many_on_one_matter' or 'not_satisfied' (issue 14).")
      .state_enum("reason", &TriggerCandidate::reason)
      .RO(TriggerCandidate, topic).RO(TriggerCandidate, items).RO(TriggerCandidate, detail)
      .RO(TriggerCandidate, place)
      .def("to_dict", [](const TriggerCandidate& c) { return triggers_to_json({c}).at("candidates").at(0); });
  def_repr(tc, "TriggerCandidate", {"unit_name", "reason", "topic", "items"});
  m.def("unscheduled_triggers", [](const PyEngine& en, UnitId unit, Date as_of) {
    as_of = today_or(en, as_of);
    py::gil_scoped_release nogil;
    return unscheduled_triggers(*en.use(), unit, as_of);
  }, py::arg("engine"), py::kw_only(), py::arg("unit") = py::none(), py::arg("as_of") = py::none(),
  "R18: candidates per unit of the subtree as of a date (default today), thresholds from the profile; "
  "most items first.");

  // ---- issue 14: places (R04) and the satisfaction follow-up (R10, R14) ----
  auto filter = [](const PyEngine& en, UnitId unit, std::optional<ItemStatus> status, Date as_of, py::handle limit) {
    PlaceFilter f;
    f.unit = unit;
    f.status = status;
    f.as_of = as_of;
    if (!limit.is_none()) {
      const auto n = arg_cast<long long>(limit, "limit");
      if (n < 1 || n > 10000) invalid("limit must be in 1..10000");
      f.limit = static_cast<std::size_t>(n);
    }
    (void)en;
    return f;
  };
  m.def("items_near", [filter](const PyEngine& en, py::handle lat, py::handle lon, py::handle radius_m, UnitId unit,
                               std::optional<ItemStatus> status, Date as_of, py::handle limit) {
    const PlaceFilter f = filter(en, unit, status, as_of, limit);
    const double a = arg_number(lat, "lat"), b = arg_number(lon, "long"), r = arg_number(radius_m, "radius_m");
    json out;
    {
      py::gil_scoped_release nogil;
      out = placed_items_to_json(items_near(*en.use(), a, b, r, f));
    }
    return json_to_py(out);
  }, py::arg("engine"), py::arg("lat"), py::arg("long"), py::arg("radius_m"), py::kw_only(), py::arg("unit") = py::none(),
  py::arg("status") = py::none(), py::arg("as_of") = py::none(), py::arg("limit") = py::none(),
  "Issue 14 (R04): placed items within radius_m metres (0 < r <= 1,000,000) of (lat, long), nearest first, as dicts "
  "{item, unit, status, topic, place, distance_m}; unit (its subtree), status, as_of (exact for a past day) and "
  "limit (1..10000, default 100) filter.");
  m.def("items_in_box", [filter](const PyEngine& en, py::handle south, py::handle west, py::handle north,
                                 py::handle east, UnitId unit, std::optional<ItemStatus> status, Date as_of,
                                 py::handle limit) {
    const PlaceFilter f = filter(en, unit, status, as_of, limit);
    const double s = arg_number(south, "south"), w = arg_number(west, "west"), n = arg_number(north, "north"),
                 e = arg_number(east, "east");
    json out;
    {
      py::gil_scoped_release nogil;
      out = placed_items_to_json(items_in_box(*en.use(), s, w, n, e, f));
    }
    return json_to_py(out);
  }, py::arg("engine"), py::arg("south"), py::arg("west"), py::arg("north"), py::arg("east"), py::kw_only(),
  py::arg("unit") = py::none(), py::arg("status") = py::none(), py::arg("as_of") = py::none(), py::arg("limit") = py::none(),
  "Issue 14 (R04): placed items in the box (west > east crosses the antimeridian), by id, as dicts.");
  m.def("similar_items_near", [](const PyEngine& en, UnitId unit, py::handle text, py::handle lat, py::handle lon,
                               py::handle limit) {
    const std::string t = arg_cast<std::string>(text, "text");
    const Place p{arg_number(lat, "lat"), arg_number(lon, "long"), ""};
    const long long n = limit.is_none() ? 10 : arg_cast<long long>(limit, "limit");
    if (n < 1 || n > 100) invalid("limit must be in 1..100");
    py::gil_scoped_release nogil;
    return similar_items_near(*en.use(), unit, t, p, static_cast<std::size_t>(n));
  }, py::arg("engine"), py::arg("unit"), py::arg("text"), py::arg("lat"), py::arg("long"), py::arg("limit") = 10,
  "Issue 14 (R07): Engine.similar_items reranked so items near (lat, long) come first (score x (1 + 0.5 "
  "e^(-d/500 m))); each SimilarItem keeps its text score.");
  m.def("item_place", [](const PyEngine& en, ItemId item) {
    return en.use()->read([&](const State& s) { return item_place(s, item); });
  }, py::arg("engine"), py::arg("item"), "Issue 14: the item's Place, or None.");
  m.def("satisfaction_of", [](const PyEngine& en, ItemId item) -> py::object {
    const auto r = en.use()->read([&](const State& s) { return satisfaction_of(s, item); });
    if (!r) return py::none();
    return json_to_py(json{{"item", r->item.value}, {"rating", std::string(to_string(r->rating))}, {"comment", r->comment},
                           {"on", format_date(r->on)}, {"awaiting_front", r->awaiting_front}});
  }, py::arg("engine"), py::arg("item"),
  "Issue 14 (R10): the latest rating of the item's replies as a dict {item, rating, comment, on, awaiting_front}, or None.");
  m.def("supervision_list", [](const PyEngine& en, UnitId unit, Date as_of) {
    as_of = today_or(en, as_of);
    json out;
    {
      py::gil_scoped_release nogil;
      out = supervision_list_to_json(supervision_list(*en.use(), unit, as_of));
    }
    return json_to_py(out);
  }, py::arg("engine"), py::kw_only(), py::arg("unit") = py::none(), py::arg("as_of") = py::none(),
  "Issue 14 (R14): items of the subtree whose raiser was not satisfied and on which the front has not since recorded a "
  "finding, reopened or closed, as of a date (default today), as dicts {item, unit, agency, topic, status, rated_on, "
  "comment}.");

  // ---- R13 publication and redaction ----
  py::class_<Redactor> rd(m, "Redactor",
                          "R13: removes personal data from public text: e-mail addresses, names after an honorific, and "
                          "the names, addresses and numbers of everyone who did not consent.");
  rd.def(py::init([](const PyEngine& en) {
        py::gil_scoped_release nogil;
        return en.use()->read([](const State& s) { return Redactor(s); });
      }), py::arg("engine"), "Built from the engine's current directory of persons.")
      .def("redact", [](const Redactor& r, std::string_view text) { return r.redact(text); }, py::arg("text"))
      .def("public_name", &Redactor::public_name, py::arg("person"),
           "The person's name if they consented, otherwise the anonymous label.");
  m.def("redact_numbers", [](std::string_view text) { return redact_numbers(text); }, py::arg("text"),
        "Redacts anything shaped like a Vietnamese phone number (0912 345 678, 0912.345.678, "
        "+84 912 345 678, (024) 3825 1234) or a 9- or 12-digit id number (001 203 004 567); keeps dates, "
        "amounts and document numbers (docs/reports.md).");

  ValueClass<PublicReply> pr(m, "PublicReply");
  pr.RO(PublicReply, number).RO(PublicReply, date).RO(PublicReply, agency).RO(PublicReply, text);
  def_repr(pr, "PublicReply", {"number", "date", "agency", "text"});
  ValueClass<PublicItem> pi(m, "PublicItem", "An item as the public feed shows it (redacted).");
  pi.RO(PublicItem, id).RO(PublicItem, unit).RO(PublicItem, unit_name).RO(PublicItem, topic)
      .RO(PublicItem, topic_label).RO(PublicItem, text).RO(PublicItem, status).RO(PublicItem, raised_by)
      .RO(PublicItem, raised_on).RO(PublicItem, published_on).RO(PublicItem, deadline).RO(PublicItem, agency)
      .RO(PublicItem, reply).RO(PublicItem, answer)
      .def("to_dict", [](const PublicItem& p) { return public_feed_to_json({p}).at("items").at(0); });
  def_repr(pi, "PublicItem", {"id", "unit_name", "status", "raised_by", "text"});
  m.def("public_feed", [](const PyEngine& en, UnitId unit, std::size_t limit) {
    return on_state(en, [&](const State& s, const Profile& p, const Calendar&) { return public_feed(s, p, unit, limit); });
  }, py::arg("engine"), py::kw_only(), py::arg("unit") = py::none(), py::arg("limit") = 100,
  "R13: published items of the subtree, most recently published first, redacted.");

  // Issue 14: the tracking lookup (R04, R13).
  ValueClass<TrackedItem> ti(m, "TrackedItem", "An item of a tracked opinion as the public may see it (redacted).");
  ti.RO(TrackedItem, id).RO(TrackedItem, topic).RO(TrackedItem, topic_label).RO(TrackedItem, status)
      .RO(TrackedItem, deadline).RO(TrackedItem, agency).RO(TrackedItem, published_on).RO(TrackedItem, text)
      .RO(TrackedItem, answer).RO(TrackedItem, reply);
  def_repr(ti, "TrackedItem", {"id", "topic", "status", "deadline", "agency"});
  ValueClass<Tracking> tr(m, "Tracking", "R04, R13: the public status of an opinion found by its tracking code.");
  tr.RO(Tracking, code).RO(Tracking, opinion).RO(Tracking, unit).RO(Tracking, unit_name).RO(Tracking, channel)
      .RO(Tracking, raised_on).RO(Tracking, raised_by).RO(Tracking, items)
      .def("to_dict", [](const Tracking& t) { return tracking_to_json(t); },
           "The JSON form (schemas/tracking.schema.json) as a dict.");
  def_repr(tr, "Tracking", {"code", "opinion", "unit_name", "raised_on", "items"});
  m.def("track", [](const PyEngine& en, py::handle code, py::handle as_of) {
    const std::string c = arg_cast<std::string>(code, "code");
    const std::optional<Date> d = as_of.is_none() ? std::nullopt : std::optional<Date>(arg_cast<Date>(as_of, "as_of"));
    py::gil_scoped_release nogil;
    return track(*en.use(), c, d);
  }, py::arg("engine"), py::arg("code"), py::kw_only(), py::arg("as_of") = py::none(),
  "R04, R13: the public status of the opinion whose tracking code is `code` (either case), on the live state or "
  "as of the end of a past day. InvalidArgument for a malformed code, NotFound for an unknown one.");

  ValueClass<ResultsPublication> rpub(m, "ResultsPublication", "R13: a held conference and the publication of its results.");
  rpub.RO(ResultsPublication, conference).RO(ResultsPublication, unit).RO(ResultsPublication, unit_name)
      .RO(ResultsPublication, held_on).RO(ResultsPublication, due).RO(ResultsPublication, published_on)
      .RO(ResultsPublication, days_late).RO(ResultsPublication, late);
  def_repr(rpub, "ResultsPublication", {"conference", "held_on", "due", "published_on", "days_late", "late"});
  m.def("results_publication", [](const PyEngine& en, UnitId unit, Date as_of) {
    as_of = today_or(en, as_of);
    py::gil_scoped_release nogil;
    return results_publication(*en.use(), unit, as_of);
  }, py::arg("engine"), py::kw_only(), py::arg("unit") = py::none(), py::arg("as_of") = py::none(),
  "R13: conferences held in the subtree up to as_of (default today), with their results' publication.");

  // ---- exports ----
  ValueClass<ExportOptions> eo(m, "ExportOptions",
                               "unit (subtree; None: all), visibility 'public' (published items, redacted) or "
                               "'internal' (everything), as_of (standing date), generated_at (aware datetime), "
                               "item (only that item, if the export holds it; None: all).");
  eo.def(py::init([](UnitId unit, const std::string& visibility, Date as_of, py::object generated_at, py::object item) {
           return export_options(std::nullopt, py::cast(unit), py::str(visibility), py::cast(as_of), generated_at, item);
         }),
         py::kw_only(), py::arg("unit") = py::none(), py::arg("visibility") = "public", py::arg("as_of") = py::none(),
         py::arg("generated_at") = py::none(), py::arg("item") = py::none())
      .def_readwrite("unit", &ExportOptions::unit)
      .def_readwrite("item", &ExportOptions::item)
      .def_property("visibility", [](const ExportOptions& o) { return visibility_name(o.visibility); },
                    [](ExportOptions& o, const std::string& v) { o.visibility = parse_visibility(v); })
      .def_readwrite("as_of", &ExportOptions::as_of)
      .def_property("generated_at", [](const ExportOptions& o) { return py::reinterpret_steal<py::object>(instant_to_py(o.generated_at)); },
                    [](ExportOptions& o, py::object v) {
                      o.generated_at = v.is_none() ? Instant() : v.cast<Instant>();
                    })
      .state_enum("visibility", &ExportOptions::visibility)
      .state("generated_at",
             [](const ExportOptions& o) { return py::reinterpret_steal<py::object>(instant_to_py(o.generated_at)); },
             [](ExportOptions& o, py::handle v) { o.generated_at = v.is_none() ? Instant() : v.cast<Instant>(); });
  def_repr(eo, "ExportOptions", {"unit", "visibility", "as_of", "generated_at", "item"});

  m.def("export_items_json", [](const PyEngine& en, std::optional<ExportOptions> opts, py::object unit,
                                py::object visibility, py::object as_of, py::object generated_at, py::object item) {
    const ExportOptions o = export_options(opts, unit, visibility, as_of, generated_at, item);
    py::gil_scoped_release nogil;
    return export_items_json(*en.use(), o);
  }, py::arg("engine"), DTPY_EXPORT_ARGS, "{'schema': 'doithoai.items/1', ...} (schemas/items.schema.json) as a dict.");
  m.def("csv_columns", []() { return csv_columns(); }, "The stable CSV columns, in order.");
  m.def("export_items_csv", [](const PyEngine& en, py::object path, std::optional<ExportOptions> opts, py::object unit,
                               py::object visibility, py::object as_of, py::object generated_at,
                               py::object item) -> py::object {
    const ExportOptions o = export_options(opts, unit, visibility, as_of, generated_at, item);
    if (path.is_none()) {
      std::string out;
      {
        py::gil_scoped_release nogil;
        export_items_csv(*en.use(), o, out);
      }
      return py::str(out);
    }
    const std::string file = fspath(path);
    std::size_t rows = 0;
    {
      py::gil_scoped_release nogil;
      std::ofstream f(file, std::ios::binary | std::ios::trunc);
      if (!f) throw Error(ErrorCode::storage, "cannot write " + file);
      rows = export_items_csv(*en.use(), o,
                              [&](std::string_view chunk) { f.write(chunk.data(), chunk.size()); });
      f.flush();
      if (!f) throw Error(ErrorCode::storage, "cannot write " + file);
    }
    return py::int_(rows);
  }, py::arg("engine"), py::arg("path") = py::none(), py::arg("options") = py::none(), py::kw_only(),
  py::arg("unit") = py::none(), py::arg("visibility") = py::none(), py::arg("as_of") = py::none(),
  py::arg("generated_at") = py::none(), py::arg("item") = py::none(),
  "CSV (UTF-8 with BOM, CRLF, RFC 4180, csv_columns()): the text as a str, or, given path, streamed to that "
  "file, returning the number of rows.");
  m.def("export_open311", [](const PyEngine& en, std::optional<ExportOptions> opts, py::object unit,
                             py::object visibility, py::object as_of, py::object generated_at, py::object item) {
    const ExportOptions o = export_options(opts, unit, visibility, as_of, generated_at, item);
    py::gil_scoped_release nogil;
    return export_open311(*en.use(), o);
  }, py::arg("engine"), DTPY_EXPORT_ARGS, "Open311 GeoReport v2 requests (schemas/open311-requests.schema.json).");
  m.def("export_ical", [](const PyEngine& en, AgencyId agency, std::optional<ExportOptions> opts, py::object unit,
                          py::object visibility, py::object as_of, py::object generated_at, py::object item) {
    const ExportOptions o = export_options(opts, unit, visibility, as_of, generated_at, item);
    py::gil_scoped_release nogil;
    return export_ical(*en.use(), agency, o);
  }, py::arg("engine"), py::arg("agency"), DTPY_EXPORT_ARGS,
  "RFC 5545 calendar of an agency's outstanding deadlines (one all-day VEVENT per item).");
}

}  // namespace dtpy

// The Engine overloads of the views: each runs its State overload on the state of the day
// it is asked about (Engine::read_as_of): the live state under the shared lock, or, for a
// day before the last event, the state rebuilt from the log. One place, so every view that
// takes a date answers exactly as of it (R15, R20).
#include "common.h"
#include "doithoai/error.h"
#include "doithoai/views.h"

namespace doithoai {

namespace {
// The day an export stands for: its as_of, or the live state when unset. f(state,
// absent_item_empty). An item filter is checked against the live state (not_found when no
// state holds the id); on the state of a past day, an item created since is not there yet
// and the export is empty, as when an item raised after as_of is left out.
template <class F>
auto export_on(const Engine& engine, const ExportOptions& o, F&& f) {
  if (o.as_of.is_special()) return engine.read([&](const State& s) { return f(s, false); });
  if (o.item && !engine.read([&](const State& s) { return o.item.value <= s.item_count(); }))
    throw Error(ErrorCode::not_found, "no item with id " + std::to_string(o.item.value));
  return engine.read_as_of(o.as_of, [&](const State& s) { return f(s, true); });
}
}  // namespace

Report make_report(const Engine& engine, const ReportRequest& q) {
  const Date as_of = q.as_of.is_special() ? q.period.to : q.as_of;
  check_date(as_of, "as_of");
  return engine.read_as_of(as_of, [&](const State& s) { return make_report(s, engine.profile(), engine.calendar(), q); });
}

ComplianceReport compliance(const Engine& engine, UnitId root, const Period& period, Date as_of) {
  return engine.read_as_of(as_of, [&](const State& s) { return compliance(s, engine.profile(), root, period, as_of); });
}

std::vector<TriggerCandidate> unscheduled_triggers(const Engine& engine, UnitId root, Date as_of) {
  return engine.read_as_of(as_of, [&](const State& s) { return unscheduled_triggers(s, engine.profile(), root, as_of); });
}

std::vector<ResultsPublication> results_publication(const Engine& engine, UnitId root, Date as_of) {
  return engine.read_as_of(as_of, [&](const State& s) {
    return results_publication(s, engine.profile(), engine.calendar(), root, as_of);
  });
}

nlohmann::json export_items_json(const Engine& engine, const ExportOptions& o) {
  return export_on(engine, o, [&](const State& s, bool lenient) {
    return detail::export_items_json(s, engine.profile(), o, lenient);
  });
}
std::size_t export_items_csv(const Engine& engine, const ExportOptions& o, std::string& out) {
  return export_items_csv(engine, o, [&](std::string_view chunk) { out.append(chunk.data(), chunk.size()); });
}
std::size_t export_items_csv(const Engine& engine, const ExportOptions& o,
                             const std::function<void(std::string_view)>& sink) {
  return export_on(engine, o, [&](const State& s, bool lenient) {
    return detail::export_items_csv(s, engine.profile(), o, sink, lenient);
  });
}
nlohmann::json export_open311(const Engine& engine, const ExportOptions& o) {
  return export_on(engine, o, [&](const State& s, bool lenient) {
    return detail::export_open311(s, engine.profile(), o, lenient);
  });
}
std::string export_ical(const Engine& engine, AgencyId agency, const ExportOptions& o) {
  return export_on(engine, o, [&](const State& s, bool lenient) {
    return detail::export_ical(s, engine.profile(), agency, o, lenient);
  });
}

}  // namespace doithoai

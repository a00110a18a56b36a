// doithoai/views.h: what the heads report, what the people see, what other systems read.
//
// Periodic reports (R16), compliance with the required frequency (R17), candidates for an
// unscheduled conference (R18), the public feed and redaction (R13), and exports: JSON
// (schemas/*.json), CSV (UTF-8 with BOM, CRLF, RFC 4180), Open311 GeoReport v2 requests,
// iCalendar (RFC 5545) and a self-contained HTML report. docs/reports.md describes every
// field, the redaction rules and the formats.
//
// Every function here is a pure read of a State: call it inside Engine::read, or use the
// Engine overloads, which take the shared lock (and, for a past as_of, rebuild the state
// from the log so the figures are exactly those of that date). The State overloads refuse
// (invalid_argument) an as_of before the day of the state's last event rather than answer
// for a past day from a later state: see State::answers_for. Numbers come from the
// profile (deadlines, the "compliance" and "triggers" sections), never from code.
// Public views and public exports never show a person's personal data unless that person
// consented (Person::consent_public): see Redactor.
// Thread safety: the functions hold no state; a Redactor is immutable and shareable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "doithoai/calendar.h"
#include "doithoai/engine.h"
#include "doithoai/export.h"
#include "doithoai/model.h"
#include "doithoai/profile.h"
#include "doithoai/state.h"

namespace doithoai {

// ---- Periods -----------------------------------------------------------------------------

enum class PeriodKind : std::uint8_t { month = 1, quarter = 2, six_months = 3, nine_months = 4, year = 5, range = 6 };

// An inclusive range of local dates. six_months and nine_months are the first 6 / 9 months
// of a year ("6 tháng đầu năm", "9 tháng đầu năm"), as Vietnamese reports count them.
struct DOITHOAI_API Period {
  PeriodKind kind = PeriodKind::range;
  Date from;
  Date to;
  static Period month(int year, int month);
  static Period quarter(int year, int quarter);
  static Period six_months(int year);
  static Period nine_months(int year);
  static Period year(int year);
  static Period range(Date from, Date to);  // invalid_argument when to < from
};
// The period a report compares with: the previous month, quarter or year; the same months
// of the previous year for six and nine months ("cùng kỳ"); for a range, the equally long
// range just before it.
DOITHOAI_API Period previous_period(const Period& p);
// "Quý III/2022", "6 tháng đầu năm 2022", ... ; lang "en" gives "Q3 2022", ...
DOITHOAI_API std::string period_label(const Period& p, std::string_view lang = "vi");

// ---- R16 periodic reports -----------------------------------------------------------------

// R16 as profile data (the "reporting" section, docs/profiles.md): the periods of `year`
// the heads owe a report for, in the profile's order: "month" gives the 12 months,
// "quarter" the 4 quarters, "first_quarter" Period::quarter(year, 1), then six_months,
// nine_months, year. Empty when the profile has no "reporting" section.
DOITHOAI_API std::vector<Period> report_periods(const Profile& profile, int year);
// Who receives the reports of a unit at `level` (named bodies, in the profile's order);
// empty when the profile names none for that level.
DOITHOAI_API std::vector<std::string> report_recipients(const Profile& profile, std::string_view level);

struct ReportRequest {
  UnitId unit;    // the unit and its whole subtree; none: every unit
  Period period;
  Date as_of;     // the standing of items is taken on this date; default: period.to
};

struct Count {
  std::string code;   // stable machine name (a level, kind, audience, channel, topic ...)
  std::string label;  // Vietnamese label
  std::uint64_t n = 0;
};

// R15 standing of a set of items as of the report date, with timeliness.
struct Tally {
  std::uint64_t items = 0;
  std::uint64_t resolved = 0;
  std::uint64_t outstanding = 0;   // == not_yet_due + overdue
  std::uint64_t not_yet_due = 0;
  std::uint64_t overdue = 0;
  std::uint64_t on_time = 0;       // resolved by the deadline in force
  std::uint64_t late = 0;          // resolved after it, or overdue
  std::uint64_t extended_items = 0;
  std::uint64_t extensions = 0;
  std::uint64_t escalated = 0;
  // on_time / (on_time + late); nullopt when nothing was due yet.
  std::optional<double> on_time_rate() const {
    const auto d = on_time + late;
    return d ? std::optional<double>(static_cast<double>(on_time) / static_cast<double>(d)) : std::nullopt;
  }
};

struct TopicTally {
  std::string topic;
  std::string label;
  Tally tally;
};

struct AgencyTally {
  AgencyId agency;
  std::string code;
  std::string name;
  Tally tally;
  // Replies of the row's items the reviewer returned for rework (R13, R14; profile
  // "reply_review"), counted under the agency the item is assigned to.
  std::uint64_t returned = 0;
  // Evidence (issue 14, R16): the row's items (not merged duplicates) with a written reply in
  // force (drafts awaiting review excluded), and those whose reply has at least one attachment.
  std::uint64_t written_replies = 0;
  std::uint64_t replies_with_evidence = 0;
  // replies_with_evidence / written_replies; none when no reply was written.
  std::optional<double> evidence_share() const {
    return written_replies ? std::optional<double>(static_cast<double>(replies_with_evidence) /
                                                   static_cast<double>(written_replies))
                           : std::nullopt;
  }
};

// Issue 14 (R16): the raisers' ratings of written replies (cmd::RecordSatisfaction).
struct SatisfactionTally {
  std::uint64_t rated = 0;
  std::uint64_t satisfied = 0;
  std::uint64_t partly_satisfied = 0;
  std::uint64_t not_satisfied = 0;
};
// A row of the satisfaction breakdowns: an agency (id, code, name), a topic (code, label)
// or a unit (id, name).
struct SatisfactionLine {
  std::uint32_t id = 0;
  std::string code;
  std::string name;
  SatisfactionTally tally;
};

// One conference held in the period, with its R03/R08/R09/R13 dates.
struct ConferenceLine {
  ConferenceId id;
  UnitId unit;
  std::string unit_name;
  std::string level;
  ConferenceKind kind = ConferenceKind::periodic;
  std::string audience;
  bool department = false;  // a department's own dialogue
  Date held_on;
  std::uint64_t opinions = 0;
  std::uint64_t items = 0;
  std::optional<Date> notice_due;        // conclusion notice deadline (R08)
  std::optional<Date> notice_issued_on;
  std::optional<Date> reply_due;         // default reply deadline of its items (R09)
  std::optional<Date> results_due;       // publication of results (R13)
  std::optional<Date> results_published_on;
  bool results_late = false;             // published after results_due, or unpublished past it
};

struct MonthPoint {
  int year = 0;
  int month = 0;
  std::uint64_t conferences = 0;  // held that month
  std::uint64_t opinions = 0;     // raised that month
  std::uint64_t items = 0;        // raised that month
  std::uint64_t resolved = 0;     // resolved that month (any raising date)
};

struct Change {
  std::uint64_t previous = 0;
  std::uint64_t current = 0;
  std::int64_t delta = 0;
  std::optional<double> percent;  // delta / previous * 100; nullopt when previous is 0
};

struct Report {
  UnitId unit;
  std::string unit_name;
  std::string unit_level;
  Period period;
  Period previous;
  Date as_of;
  std::vector<std::string> citations;  // the profile rules the figures rest on
  std::vector<std::string> recipients; // report_recipients(profile, unit_level) ("Nơi nhận")

  // Conferences held in the period (R02)
  std::uint64_t conferences = 0;
  std::vector<Count> conferences_by_level;     // the unit's level: tinh, huyen, xa ...
  std::vector<Count> conferences_by_kind;      // periodic, unscheduled, thematic
  std::vector<Count> conferences_by_audience;
  std::uint64_t department_dialogues = 0;
  std::vector<ConferenceLine> conference_list;

  // Opinions raised in the period (R04, R05) and their items' standing as of as_of (R15)
  std::uint64_t opinions = 0;
  std::vector<Count> opinions_by_channel;
  std::uint64_t opinions_anonymous = 0;      // no raiser (profile "anonymous"; issue 14)
  std::uint64_t opinions_name_withheld = 0;  // raiser known to the office, name withheld
  std::uint64_t items_anonymous = 0;         // items of those opinions raised in the period
  std::uint64_t items_name_withheld = 0;
  Tally items;
  std::uint64_t answered_on_spot = 0;
  std::uint64_t replied = 0;
  std::uint64_t handed_on = 0;
  std::uint64_t closed = 0;
  std::uint64_t reopened_items = 0;
  std::uint64_t merged = 0;
  std::uint64_t received_by_escalation = 0;
  std::uint64_t resolved_in_period = 0;   // items of any date resolved during the period
  std::uint64_t backlog_outstanding = 0;  // raised before the period, still outstanding
  std::vector<TopicTally> by_topic;
  std::vector<AgencyTally> by_agency;
  std::vector<MonthPoint> trend;  // month by month over the period

  // Publication of conference results (R13)
  std::uint64_t results_published_on_time = 0;
  std::uint64_t results_published_late = 0;
  std::uint64_t results_unpublished_overdue = 0;

  // Satisfaction (issue 14): the latest rating of each item of the subtree, counted when it
  // was recorded within the period (up to as_of); by the item's agency, topic and unit.
  SatisfactionTally satisfaction;
  std::vector<SatisfactionLine> satisfaction_by_agency;
  std::vector<SatisfactionLine> satisfaction_by_topic;
  std::vector<SatisfactionLine> satisfaction_by_unit;

  // Change from the previous period
  Change change_conferences;
  Change change_opinions;
  Change change_items;
  Change change_resolved_in_period;

  // The notification outbox (issue 15) as of as_of, for the unit's subtree: present only
  // under a profile with an "outbox" section (JSON: "outbox", absent otherwise).
  std::optional<OutboxCounts> outbox;
};

DOITHOAI_API Report make_report(const State& state, const Profile& profile, const Calendar& calendar,
                                const ReportRequest& request);
// On the engine: a past as_of is computed on the state rebuilt from the log at that date.
DOITHOAI_API Report make_report(const Engine& engine, const ReportRequest& request);
DOITHOAI_API nlohmann::json report_to_json(const Report& report);  // schemas/report.schema.json

struct HtmlOptions {
  std::string lang = "vi";  // "vi" or "en"
  std::string title;        // default: a title built from the unit and the period
};
// One self-contained HTML file (no external resources) with inline SVG charts: items by
// status per topic, on-time rate by agency, month-by-month trend; print CSS for paper.
DOITHOAI_API std::string report_html(const Report& report, const HtmlOptions& options = {});

// ---- R17 compliance with the required frequency -------------------------------------------

enum class Requirement : std::uint8_t {
  periodic_yearly = 1,         // at least one periodic dialogue a year
  before_council_session = 2,  // a ward dialogue before each session of the council above it
  voter_request = 3,           // a dialogue when enough of a commune's voters ask
  reception_days = 4,          // enough citizen reception days in a month (profile "reception")
};
DOITHOAI_API std::string_view to_string(Requirement r);

struct ComplianceCase {
  UnitId unit;
  std::string unit_name;
  std::string level;
  Requirement requirement = Requirement::periodic_yearly;
  Date window_from;  // a qualifying conference held in [window_from, window_to] was required
  Date window_to;
  std::string reference;  // the session or request it answers, the year for periodic ones
  std::string citation;   // from the profile
  ConferenceId met_by;    // the conference that met it, if any
  // reception_days only: whose days (role; agency for agency heads), how many distinct days
  // were recorded in the window up to as_of, and how many the profile requires.
  Role role = Role::party_head;
  AgencyId agency;
  std::string agency_name;
  std::uint32_t days = 0;
  std::uint32_t required_days = 0;
};

struct ComplianceReport {
  UnitId unit;
  Period period;
  Date as_of;
  std::vector<ComplianceCase> missed;   // window over, nothing held
  std::vector<ComplianceCase> pending;  // window still open at as_of, nothing held yet
  std::vector<ComplianceCase> met;
};

// Requirements whose window ends in the period (or is still open at as_of). Reception
// days: one case per unit (per agency for agency heads) and month of the period that has
// begun by as_of.
DOITHOAI_API ComplianceReport compliance(const State& state, const Profile& profile, UnitId root,
                                         const Period& period, Date as_of);
// On the engine: exact for any as_of (a past one is computed on the state of that day).
DOITHOAI_API ComplianceReport compliance(const Engine& engine, UnitId root, const Period& period, Date as_of);
DOITHOAI_API nlohmann::json compliance_to_json(const ComplianceReport& r);

// ---- R18 triggers for an unscheduled conference -------------------------------------------

// not_satisfied (issue 14): items whose raiser was not satisfied with the reply, awaiting the front.
enum class TriggerReason : std::uint8_t { overdue = 1, reopened = 2, many_on_one_matter = 3, not_satisfied = 4 };
DOITHOAI_API std::string_view to_string(TriggerReason r);

struct TriggerCandidate {
  UnitId unit;
  std::string unit_name;
  TriggerReason reason = TriggerReason::overdue;
  std::string topic;         // for many_on_one_matter
  std::vector<ItemId> items;
  std::string detail;        // why, in Vietnamese, with the profile's threshold
  // many_on_one_matter by place (issue 14, "place_radius_m"): the centre of the items.
  std::optional<Place> place;
};

// Candidates per unit of the subtree as of a date, thresholds from the profile's
// "triggers" section; most items first.
DOITHOAI_API std::vector<TriggerCandidate> unscheduled_triggers(const State& state, const Profile& profile,
                                                                UnitId root, Date as_of);
DOITHOAI_API std::vector<TriggerCandidate> unscheduled_triggers(const Engine& engine, UnitId root, Date as_of);
DOITHOAI_API nlohmann::json triggers_to_json(const std::vector<TriggerCandidate>& v);

// ---- R13 publication -----------------------------------------------------------------------

// Removes personal data from text meant for the public (docs/reports.md lists every form):
//   - e-mail addresses (local@domain.tld, letters of any script, NFC or NFD);
//   - the names (at least two words; case-, diacritic- and NFC/NFD-insensitive), addresses,
//     phone numbers and citizen id numbers (any grouping) of everyone who did not consent;
//   - the one to four capitalised words after an honorific (ông, bà, anh, chị, em, cô, chú,
//     bác, cụ, cháu; an unaccented honorific only before an unaccented name), unless they end
//     the name of a consenting person and of no one who did not consent; not a lower-case word,
//     a title ("ông Chủ tịch") or a place ("phố Bà Triệu");
//   - whoever they belong to, numbers shaped like phones or ids (redact_numbers).
// The output is NFC. Immutable after construction; safe to share between threads. Its tables
// (a walk over every person) are kept with the state and shared by every Redactor of it
// until a person is registered, so constructing one again on the same state costs little.
class DOITHOAI_API Redactor {
 public:
  explicit Redactor(const State& state);
  std::string redact(std::string_view text) const;
  // The person's name if they consented, otherwise the anonymous label.
  std::string public_name(PersonId person) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};
// The number part of redaction alone, for anyone's numbers. Replaces with
// "[số điện thoại đã ẩn]":
//   - 0 + 9 digits (mobiles), 0 + 10 digits (02x landlines, old 01x mobiles), the same with 84
//     for the 0, "+" and 9-15 digits, and an area code in parentheses; contiguous or grouped
//     by spaces, dots or dashes: "0912 345 678", "0912.345.678", "091-234-5678",
//     "+84 912 345 678", "(024) 3825 1234" (contiguous: any 10 or 11 digits starting with 0);
// and with "[số định danh đã ẩn]":
//   - 9 or 12 digits, contiguous, or grouped when they start with 0 or go by 3s:
//     "001203004567", "001 203 004 567", "001.203.004.567", "123 456 789"; in any grouping
//     right after the name of an id document ("CMND số 123.456.789", CCCD, căn cước...).
// Keeps dates ("30/10/2022", "2022-10-30"), amounts grouped by thousands with dots
// ("1.500.000 đồng", "150.000.000") or with spaces before a currency word, document numbers
// ("8056/VPCP-KGVX", "2200-QĐ/TU"), years side by side, single digits and short counts.
// Groups joined by '.' or '-' are never split; tokens separated by single spaces are, so a
// phone after a year ("năm 2022 0912 345 678") is found. Pure; input and output UTF-8.
DOITHOAI_API std::string redact_numbers(std::string_view text);

struct PublicReply {
  std::string number;
  Date date;
  std::string agency;
  std::string text;  // redacted
  // Evidence (issue 14, R13): only the attachments marked publishable (names redacted);
  // their bytes are served by Engine::public_attachment.
  std::vector<Attachment> attachments;
};

struct PublicItem {
  ItemId id;
  UnitId unit;
  std::string unit_name;  // where it was raised: the only "address" the public sees
  std::string topic;
  std::string topic_label;
  std::string text;       // redacted
  ItemStatus status = ItemStatus::open;
  std::string raised_by;  // consenting person's name, an organization, or the anonymous label
  Date raised_on;
  Date published_on;
  std::optional<Date> deadline;
  std::string agency;
  std::optional<PublicReply> reply;
  std::string answer;     // an on-the-spot answer's gist, redacted
};

// Published items of the unit's subtree, most recently published first: items whose reply
// was published (PublishReply), and items answered on the spot at a conference whose
// results were published (PublishConferenceResults).
DOITHOAI_API std::vector<PublicItem> public_feed(const State& state, const Profile& profile, UnitId unit,
                                                 std::size_t limit = 100);
DOITHOAI_API nlohmann::json public_feed_to_json(const std::vector<PublicItem>& feed);

// ---- Tracking lookup (issue 14; R04, R13): an opinion's public status by its code ----
// Every opinion has a tracking code "<unit>-<year>-<number>" (Opinion::tracking_code;
// docs/rules.md "Tracking code"), which the citizen quotes without an account. The lookup
// shows what anyone may see: the unit, channel, date, the raiser as the public feed names
// them (a withheld name never), and per item its topic, status, deadline and agency; the
// item's text, answer and reply only once the item is public (its reply published, or its
// on-the-spot answer in published conference results), redacted as in the public feed.
// Codes are sequential, so nothing here is more than anyone may see.
struct TrackedItem {
  ItemId id;
  std::string topic;
  std::string topic_label;
  ItemStatus status = ItemStatus::open;
  std::optional<Date> deadline;
  std::string agency;
  std::optional<Date> published_on;  // none: not public yet (text, answer and reply empty)
  std::string text;                  // redacted, when public
  std::string answer;                // an on-the-spot answer's gist, redacted, when public
  std::optional<PublicReply> reply;  // the published reply, redacted
};
struct Tracking {
  std::string code;
  OpinionId opinion;
  UnitId unit;
  std::string unit_name;
  Channel channel = Channel::letter;
  Date raised_on;
  std::string raised_by;  // as the public feed names the raiser
  std::vector<TrackedItem> items;
};
// On a state: Error(invalid_argument) for a malformed code, Error(not_found) for a
// well-formed code no opinion of the state has (ASCII letters match in either case).
DOITHOAI_API Tracking track(const State& state, const Profile& profile, std::string_view code);
// On the engine's live state, or as of the end of a past local day (the state
// Engine::state_as_of gives for that day; an opinion submitted later is not_found).
DOITHOAI_API Tracking track(const Engine& engine, std::string_view code, std::optional<Date> as_of = std::nullopt);
DOITHOAI_API nlohmann::json tracking_to_json(const Tracking& t);

struct ResultsPublication {
  ConferenceId conference;
  UnitId unit;
  std::string unit_name;
  Date held_on;
  Date due;
  std::optional<Date> published_on;
  int days_late = 0;  // calendar days after due (as of as_of when unpublished)
  bool late = false;
};
// Conferences held in the subtree up to as_of, with the publication of their results.
DOITHOAI_API std::vector<ResultsPublication> results_publication(const State& state, const Profile& profile,
                                                                 const Calendar& calendar, UnitId root,
                                                                 Date as_of);
DOITHOAI_API std::vector<ResultsPublication> results_publication(const Engine& engine, UnitId root, Date as_of);

// ---- Exports -------------------------------------------------------------------------------

enum class Visibility : std::uint8_t {
  public_view = 1,  // published items only, redacted (the default)
  internal = 2,     // every item, unredacted: for the heads', office's and front's systems
};

struct ExportOptions {
  UnitId unit;                                  // subtree; none: every unit
  Visibility visibility = Visibility::public_view;
  Date as_of;                                   // standing date; default: the state's last date
  Instant generated_at;                         // stamped into exports; default: the state's last instant
  // Only this item (none: every item). The export then holds that item if the export would
  // have held it without the filter (in the unit's subtree, raised by as_of, public in
  // public view; for iCalendar, the agency's outstanding item), else nothing: the same
  // entry, byte for byte, as in the unfiltered export. Its cost does not grow with the
  // number of items. An id the state does not hold: Error not_found (the Engine overloads
  // check it against the live state; for a past as_of, an item created after that day is
  // simply not in the export).
  ItemId item;
};

// {"schema": "doithoai.items/1", ...}: schemas/items.schema.json
DOITHOAI_API nlohmann::json export_items_json(const State& state, const Profile& profile, const ExportOptions& o);
// The stable CSV columns, in order.
DOITHOAI_API const std::vector<std::string>& csv_columns();
// Appends the CSV (BOM, header, one CRLF row per item) to out; returns the number of rows.
DOITHOAI_API std::size_t export_items_csv(const State& state, const Profile& profile, const ExportOptions& o,
                                          std::string& out);
// The same, streamed: sink receives the CSV in chunks of about 1 MiB, in order.
DOITHOAI_API std::size_t export_items_csv(const State& state, const Profile& profile, const ExportOptions& o,
                                          const std::function<void(std::string_view)>& sink);
// Open311 GeoReport v2 GET requests.json: schemas/open311-requests.schema.json
DOITHOAI_API nlohmann::json export_open311(const State& state, const Profile& profile, const ExportOptions& o);
// RFC 5545 calendar of an agency's outstanding deadlines: one all-day VEVENT per item.
DOITHOAI_API std::string export_ical(const State& state, const Profile& profile, AgencyId agency,
                                     const ExportOptions& o);
// On the engine: o.as_of may be any date (a past one exports the state of that day); unset,
// the live state as it is.
DOITHOAI_API nlohmann::json export_items_json(const Engine& engine, const ExportOptions& o);
DOITHOAI_API std::size_t export_items_csv(const Engine& engine, const ExportOptions& o, std::string& out);
DOITHOAI_API std::size_t export_items_csv(const Engine& engine, const ExportOptions& o,
                                          const std::function<void(std::string_view)>& sink);
DOITHOAI_API nlohmann::json export_open311(const Engine& engine, const ExportOptions& o);
DOITHOAI_API std::string export_ical(const Engine& engine, AgencyId agency, const ExportOptions& o);

}  // namespace doithoai

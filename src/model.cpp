#include "doithoai/model.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "doithoai/error.h"
#include "text.h"

namespace doithoai {
namespace {

template <class E>
struct Names;

#define DT_NAMES(E, ...)                                                     \
  template <>                                                                \
  struct Names<E> {                                                          \
    static constexpr const char* enum_name = #E;                             \
    static constexpr std::pair<E, std::string_view> table[] = {__VA_ARGS__}; \
  };

DT_NAMES(Role, {Role::administrator, "administrator"}, {Role::party_head, "party_head"},
         {Role::government_head, "government_head"}, {Role::office, "office"},
         {Role::front_chair, "front_chair"}, {Role::front_officer, "front_officer"},
         {Role::council_member, "council_member"}, {Role::agency_head, "agency_head"},
         {Role::agency_officer, "agency_officer"}, {Role::organization_rep, "organization_rep"},
         {Role::resident, "resident"}, {Role::council_standing, "council_standing"})
DT_NAMES(UnitStatus, {UnitStatus::active, "active"}, {UnitStatus::merged, "merged"},
         {UnitStatus::dissolved, "dissolved"})
DT_NAMES(ConferenceKind, {ConferenceKind::periodic, "periodic"},
         {ConferenceKind::unscheduled, "unscheduled"}, {ConferenceKind::thematic, "thematic"})
DT_NAMES(ConferenceFormat, {ConferenceFormat::in_person, "in_person"},
         {ConferenceFormat::online, "online"}, {ConferenceFormat::social_network, "social_network"})
DT_NAMES(ConferenceStatus, {ConferenceStatus::planned, "planned"}, {ConferenceStatus::held, "held"},
         {ConferenceStatus::concluded, "concluded"}, {ConferenceStatus::closed, "closed"})
DT_NAMES(Channel, {Channel::collected_in_advance, "collected_in_advance"},
         {Channel::at_conference, "at_conference"}, {Channel::mailbox, "mailbox"},
         {Channel::voter_meeting, "voter_meeting"}, {Channel::citizen_reception, "citizen_reception"},
         {Channel::police_forum, "police_forum"}, {Channel::letter, "letter"},
         {Channel::online_portal, "online_portal"}, {Channel::escalation, "escalation"})
DT_NAMES(ItemStatus, {ItemStatus::open, "open"}, {ItemStatus::assigned, "assigned"},
         {ItemStatus::reply_written, "reply_written"}, {ItemStatus::replied, "replied"},
         {ItemStatus::answered, "answered"}, {ItemStatus::handed_on, "handed_on"},
         {ItemStatus::merged, "merged"}, {ItemStatus::closed, "closed"})
DT_NAMES(Standing, {Standing::resolved, "resolved"}, {Standing::not_yet_due, "not_yet_due"},
         {Standing::overdue, "overdue"})
DT_NAMES(Recipient, {Recipient::party_head, "party_head"},
         {Recipient::government_head, "government_head"}, {Recipient::front_chair, "front_chair"},
         {Recipient::raiser, "raiser"})
DT_NAMES(Outcome, {Outcome::none, "none"}, {Outcome::accepted, "accepted"},
         {Outcome::more_time, "more_time"}, {Outcome::refused, "refused"},
         {Outcome::transferred, "transferred"},
         {Outcome::redirected_complaint, "redirected_complaint"},
         {Outcome::redirected_denunciation, "redirected_denunciation"},
         {Outcome::escalated, "escalated"})
DT_NAMES(Supervisor, {Supervisor::front, "front"}, {Supervisor::council, "council"})
DT_NAMES(Satisfaction, {Satisfaction::satisfied, "satisfied"},
         {Satisfaction::partly_satisfied, "partly_satisfied"}, {Satisfaction::not_satisfied, "not_satisfied"})

template <class E>
std::string_view name_of(E e) {
  for (const auto& [v, n] : Names<E>::table)
    if (v == e) return n;
  return "unknown";
}

}  // namespace

template <class E>
E parse_enum(std::string_view name) {
  for (const auto& [v, n] : Names<E>::table)
    if (n == name) return v;
  std::string allowed;
  for (const auto& [v, n] : Names<E>::table) {
    if (!allowed.empty()) allowed += ", ";
    allowed += n;
  }
  throw Error(ErrorCode::invalid_argument, "unknown " + std::string(Names<E>::enum_name) +
                                               " '" + std::string(name) + "' (one of: " + allowed +
                                               ")");
}

#define DT_ENUM_API(E)                                        \
  std::string_view to_string(E e) { return name_of(e); }     \
  template DOITHOAI_API E parse_enum<E>(std::string_view);

DT_ENUM_API(Role)
DT_ENUM_API(UnitStatus)
DT_ENUM_API(ConferenceKind)
DT_ENUM_API(ConferenceFormat)
DT_ENUM_API(ConferenceStatus)
DT_ENUM_API(Channel)
DT_ENUM_API(ItemStatus)
DT_ENUM_API(Standing)
DT_ENUM_API(Recipient)
DT_ENUM_API(Outcome)
DT_ENUM_API(Supervisor)
DT_ENUM_API(Satisfaction)

void check_place(const Place& p, const char* field) {
  const std::string f(field);
  if (!std::isfinite(p.lat) || p.lat < -90 || p.lat > 90)
    throw Error(ErrorCode::invalid_argument, f + ".lat: a latitude is a finite number in [-90, 90]");
  if (!std::isfinite(p.lon) || p.lon < -180 || p.lon > 180)
    throw Error(ErrorCode::invalid_argument, f + ".long: a longitude is a finite number in [-180, 180]");
  detail::check_text(p.address, (f + ".address").c_str(), kMaxNameBytes, false);
}

double distance_m(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  constexpr double kEarth = 6371008.8;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarth * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace doithoai

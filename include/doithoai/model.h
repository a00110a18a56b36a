// doithoai/model.h: the domain's vocabulary: enums and the value types queries return.
//
// Every enum here is part of the persistent format (events, JSON, stores): values are never
// renumbered or reused; new values are appended. JSON uses the snake_case names given by
// to_string/parse_* below, never the numbers. Value types are plain copies owned by the
// caller; holding one never blocks the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doithoai/export.h"
#include "doithoai/ids.h"
#include "doithoai/time.h"

namespace doithoai {

// Input limits (bytes of UTF-8). Longer input is refused with invalid_argument.
inline constexpr std::size_t kMaxTextBytes = 16 * 1024;  // item text, reply text, findings, notices
inline constexpr std::size_t kMaxNameBytes = 512;        // names, codes, numbers, references

enum class Role : std::uint8_t {
  administrator = 1,     // sets up the directory of a unit and its subtree
  party_head = 2,        // Bí thư cấp ủy
  government_head = 3,   // Chủ tịch UBND
  office = 4,            // Văn phòng cấp ủy / UBND: acts for the heads
  front_chair = 5,       // Chủ tịch Ủy ban MTTQ
  front_officer = 6,     // cán bộ MTTQ
  council_member = 7,    // đại biểu HĐND
  agency_head = 8,       // thủ trưởng cơ quan chuyên môn / giám đốc sở (needs an agency)
  agency_officer = 9,    // cán bộ cơ quan chuyên môn (needs an agency)
  organization_rep = 10, // đại diện tổ chức chính trị - xã hội (needs an organization)
  resident = 11,         // người dân
  council_standing = 12, // Thường trực HĐND: co-chairs commune dialogues (Local Government Law 2025 art. 43)
};

enum class UnitStatus : std::uint8_t { active = 1, merged = 2, dissolved = 3 };

enum class ConferenceKind : std::uint8_t {
  periodic = 1,     // định kỳ
  unscheduled = 2,  // đột xuất
  thematic = 3,     // chuyên đề
};

// How a conference is held (Local Government Law 2025 art. 43: in person, online, or on
// lawful social networks).
enum class ConferenceFormat : std::uint8_t {
  in_person = 1,       // trực tiếp (the default; conferences recorded before 2025 read as this)
  online = 2,          // trực tuyến
  social_network = 3,  // trên mạng xã hội theo quy định của pháp luật
};

enum class ConferenceStatus : std::uint8_t {
  planned = 1,    // planned; opinions may be collected in advance
  held = 2,       // held; items raised and answered
  concluded = 3,  // conclusion notice issued; follow-up
  closed = 4,     // every item resolved or handed on
};

enum class Channel : std::uint8_t {
  collected_in_advance = 1,  // thu thập trước hội nghị qua MTTQ và các tổ chức
  at_conference = 2,         // phát biểu tại hội nghị
  mailbox = 3,               // hòm thư góp ý
  voter_meeting = 4,         // tiếp xúc cử tri
  citizen_reception = 5,     // tiếp công dân
  police_forum = 6,          // diễn đàn "Công an lắng nghe ý kiến nhân dân"
  letter = 7,                // đơn thư
  online_portal = 8,         // cổng thông tin trực tuyến
  escalation = 9,            // đề xuất của cấp dưới (R11), created by the engine only
};

enum class ItemStatus : std::uint8_t {
  open = 1,             // raised, not yet assigned
  assigned = 2,         // assigned to an agency, awaiting its written reply
  reply_written = 3,    // reply written, not yet delivered to every recipient
  replied = 4,          // reply delivered to every recipient the profile requires (R10)
  answered = 5,         // answered on the spot at the conference (R06)
  handed_on = 6,        // escalated, transferred, redirected or refused (R11)
  merged = 7,           // a duplicate merged into another item, whose outcome it follows (R07)
  closed = 8,           // closed for good by the supervising body (R14)
};

// The accounting bucket of an item (R15): exactly one of these as of any date.
enum class Standing : std::uint8_t { resolved = 1, not_yet_due = 2, overdue = 3 };

enum class Recipient : std::uint8_t {
  party_head = 1,       // Bí thư cấp ủy
  government_head = 2,  // Chủ tịch UBND
  front_chair = 3,      // Chủ tịch Ủy ban MTTQ
  raiser = 4,           // the person or organization who raised the item
};

// Outcomes of intake after the Citizen Reception Law 2013 art. 28, plus escalation (R11).
enum class Outcome : std::uint8_t {
  none = 0,
  accepted = 1,                // tiếp nhận
  more_time = 2,               // cần thêm thời gian
  refused = 3,                 // không đủ điều kiện, có lý do
  transferred = 4,             // chuyển cơ quan có thẩm quyền
  redirected_complaint = 5,    // hướng dẫn theo thủ tục khiếu nại
  redirected_denunciation = 6, // hướng dẫn theo thủ tục tố cáo
  escalated = 7,               // đề xuất cấp trên (R11)
};

enum class Supervisor : std::uint8_t { front = 1, council = 2 };

// Issue 14: how the raiser rated a written reply (R10, R14; cmd::RecordSatisfaction).
enum class Satisfaction : std::uint8_t { satisfied = 1, partly_satisfied = 2, not_satisfied = 3 };

// Issue 14: where an opinion's matter is (R04, R18, Open311): WGS84 latitude in [-90, 90]
// and longitude in [-180, 180] in degrees (finite), and an optional address text (at most
// kMaxNameBytes of UTF-8). The place of the matter, never the raiser's home: public views
// and Open311 show it (R13). JSON: {"lat": 21.0278, "long": 105.8342, "address": "..."}.
struct Place {
  double lat = 0;
  double lon = 0;  // "long" in JSON
  std::string address;
  bool operator==(const Place& o) const { return lat == o.lat && lon == o.lon && address == o.address; }
  bool operator!=(const Place& o) const { return !(*this == o); }
};
// Throws Error(invalid_argument) naming `field` unless p is a valid place (above).
DOITHOAI_API void check_place(const Place& p, const char* field = "place");
// Great-circle distance in metres between two WGS84 points (haversine, mean radius 6371008.8 m).
DOITHOAI_API double distance_m(double lat1, double lon1, double lat2, double lon2);

DOITHOAI_API std::string_view to_string(Role);
DOITHOAI_API std::string_view to_string(UnitStatus);
DOITHOAI_API std::string_view to_string(ConferenceKind);
DOITHOAI_API std::string_view to_string(ConferenceFormat);
DOITHOAI_API std::string_view to_string(ConferenceStatus);
DOITHOAI_API std::string_view to_string(Channel);
DOITHOAI_API std::string_view to_string(ItemStatus);
DOITHOAI_API std::string_view to_string(Standing);
DOITHOAI_API std::string_view to_string(Recipient);
DOITHOAI_API std::string_view to_string(Outcome);
DOITHOAI_API std::string_view to_string(Supervisor);
DOITHOAI_API std::string_view to_string(Satisfaction);
// parse_enum<E>("snake_name") throws invalid_argument for an unknown name.
template <class E>
E parse_enum(std::string_view name);

// True when the item's status counts as resolved for R15 accounting.
constexpr bool is_resolved(ItemStatus s) {
  return s == ItemStatus::replied || s == ItemStatus::answered || s == ItemStatus::handed_on ||
         s == ItemStatus::closed;
}

// ---- Evidence attachments (issue 14; R04, R10, R13, R14, R20) ----------------------------
// Metadata of a file attached to an opinion, a written reply or a supervision finding. The
// bytes live in an AttachmentStore (doithoai/attachments.h), content-addressed by sha256;
// the name is only a label shown to people, never a path. Public (R13) only when it is
// marked publishable and its reply is published.
struct Attachment {
  std::string name;        // file name as the uploader gave it, 1..kMaxNameBytes of UTF-8
  std::string media_type;  // "image/jpeg", "application/pdf", ...: one the profile allows
  std::uint64_t size = 0;  // bytes, 1..the profile's max_bytes
  std::string sha256;      // 64 lowercase hex digits: the content's SHA-256
  bool publishable = false;
};

// ---- Value types returned by queries -----------------------------------------------------

struct UnitName {
  Date from;
  std::string name;
};

struct Unit {
  UnitId id;
  std::string code;
  std::string name;
  std::string level;        // a level name of the profile: "tinh", "huyen", "xa", ...
  UnitId parent;            // none for a top-level unit (province)
  UnitStatus status = UnitStatus::active;
  UnitId successor;         // for a merged unit
  Date created_on;
  bool remote = false;      // vùng sâu, vùng xa: longer statutory times (R11)
  std::optional<Date> ended_on;
  std::vector<UnitName> names;  // every name it has had, oldest first (R01)
};

struct Agency {
  AgencyId id;
  UnitId unit;
  std::string code;
  std::string name;
  bool department = false;  // a provincial department (sở, ban, ngành) that holds its own dialogues
};

struct Organization {
  OrganizationId id;
  UnitId unit;
  std::string code;
  std::string name;
  std::string kind;  // trade union, youth union, women's union, ...
};

struct Person {
  PersonId id;
  std::string code;
  std::string name;
  std::string phone;
  std::string citizen_id;
  std::string address;
  bool consent_public = false;  // may appear by name in public views (R13)
};

struct RoleGrant {
  PersonId person;
  Role role = Role::resident;
  UnitId unit;
  AgencyId agency;              // for agency_head / agency_officer
  OrganizationId organization;  // for organization_rep
};

struct ConclusionNotice {
  std::string number;
  Date issued_on;
  Date due;  // from the profile (R08)
  std::string text;
  bool on_time = true;
};

struct Conference {
  ConferenceId id;
  UnitId unit;
  std::string code;
  ConferenceKind kind = ConferenceKind::periodic;
  std::string audience;   // an audience of the profile: "all_residents", "youth", ...
  AgencyId department;    // set for a department's own dialogue
  std::string topic;      // for thematic conferences
  std::string plan_ref;   // the plan document, e.g. "131-KH/QU ngày 09/8/2022"
  Date planned_on;
  Date noticed_on;        // public notice given (R03)
  ConferenceStatus status = ConferenceStatus::planned;
  std::optional<Date> held_on;
  std::vector<PersonId> chairs;
  std::uint32_t attendance = 0;
  std::string report;     // the report presented at the conference
  std::optional<Date> reply_due;  // default reply deadline of its items (R09)
  std::optional<ConclusionNotice> notice;
  std::optional<Date> closed_on;
  // Local Government Law 2025 art. 43 (commune dialogue): how it is held, the cluster of
  // villages / residential groups it is held for (empty: the whole unit), and its co-chairs
  // (representatives of the People's Council standing committee).
  ConferenceFormat format = ConferenceFormat::in_person;
  std::string cluster;
  std::vector<PersonId> co_chairs;
};

struct Opinion {
  OpinionId id;
  UnitId unit;
  ConferenceId conference;
  Channel channel = Channel::letter;
  PersonId raised_by;              // a person, or
  OrganizationId raised_by_org;    // an organization (exactly one is set; escalations: neither)
  UnitId from_unit;                // for escalations: the lower unit that proposed it
  Date raised_on;
  std::string topic;
  std::vector<ItemId> items;
  std::vector<Attachment> attachments;  // evidence the raiser gave (issue 14)
  bool name_withheld = false;      // the raiser's name is withheld from every public view
  bool anonymous = false;          // no raiser at all (not an escalation): profile "anonymous"
  std::string tracking_code;       // the public code a citizen quotes (Engine::track)
};

struct SpotAnswer {
  PersonId answered_by;
  std::string gist;
  Date on;
};

struct Delivery {
  Recipient recipient;
  Date on;
};

struct Reply {
  std::string number;
  Date date;
  PersonId signer;
  AgencyId agency;
  std::string text;
  std::vector<Delivery> deliveries;
  std::optional<Date> completed_on;  // the day the last required delivery was made
  // Review before publication (R13, R14; profile "reply_review"): a draft awaits the
  // reviewer's approval and is neither delivered nor published nor counted as replied.
  bool draft = false;
  std::optional<Date> approved_on;  // when the reviewer approved it (none: no review, or a draft)
  PersonId approved_by;
  std::vector<Attachment> attachments;  // evidence of the reply (issue 14; R10)
};

struct Extension {
  Date previous;
  Date deadline;
  std::string notice_number;
  Date notice_date;
  AgencyId agency;  // the agency responsible, as told to the raiser
  std::string reason;
};

struct Finding {
  PersonId by;
  Date on;
  std::string text;
  bool satisfactory = true;
  std::vector<Attachment> attachments;  // evidence of the finding (issue 14; R14)
};

struct Item {
  ItemId id;
  OpinionId opinion;
  UnitId unit;        // the unit handling it now (moves with unit merges)
  UnitId raised_in;   // the unit where it was raised
  ConferenceId conference;
  std::string topic;
  std::string text;
  ItemStatus status = ItemStatus::open;
  Date raised_on;
  AgencyId agency;
  std::optional<Date> deadline;           // the current deadline (inclusive)
  std::optional<Date> original_deadline;  // the first deadline ever set (R12 keeps it)
  std::optional<Date> resolved_on;
  Outcome outcome = Outcome::none;
  std::string outcome_reason;
  std::optional<Date> outcome_due;        // statutory time of a redirected complaint/denunciation
  std::optional<SpotAnswer> answer;
  std::optional<Reply> reply;
  std::vector<Extension> extensions;
  std::vector<Finding> findings;
  std::uint32_t reopened = 0;
  std::uint32_t returned = 0;      // replies the reviewer returned for rework (R13, R14)
  ItemId merged_into;
  std::vector<ItemId> duplicates;  // items merged into this one
  ItemId escalated_to;             // the linked proposal in the higher unit (R11)
  ItemId escalated_from;           // the lower unit's item this proposal came from
  std::optional<Date> raiser_notified_on;  // when the raiser was told of an escalation/transfer
  std::optional<Date> closed_on;
};

}  // namespace doithoai

// doithoai/commands.h: what callers ask the engine to do.
//
// One struct per command, all plain aggregates; `Command` is their variant. Every command
// has a JSON form {"type": "<name>", ...fields} (docs/json.md). Dates left default
// (not-a-date) where the doc says "today" take the local date of the engine's clock.
// A command either produces its events and succeeds, or throws and changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "doithoai/ids.h"
#include "doithoai/model.h"
#include "doithoai/time.h"

namespace doithoai {

struct ItemSpec {
  std::string topic;  // a topic code of the profile
  std::string text;   // what was raised, 1..kMaxTextBytes bytes of UTF-8
  // Issue 14: where this item's matter is, when it differs from the opinion's place (or the
  // opinion has none). Recorded as an item_placed event after opinion_submitted (whose items
  // never carry it), so it overrides the opinion's place for this item only. Checked like the
  // opinion's place (check_place: invalid_argument). Absent from the JSON form when unset.
  std::optional<Place> place = std::nullopt;  // (initialised: ItemSpec{topic, text} stays warning-free)
};

namespace cmd {

// ---- Directory (R01, R19): by kSystemActor or an administrator of an ancestor unit ----
struct CreateUnit {
  std::string name;
  std::string level;
  UnitId parent;        // none: a top-level unit (province)
  std::string code;     // optional portal code, unique among units
  Date created_on;      // default today
  bool remote = false;  // a remote area (longer complaint times)
};
struct RenameUnit { UnitId unit; std::string name; Date on; };
// Merges `unit` into `into`: its children, agencies and open items move to `into`.
struct MergeUnit { UnitId unit; UnitId into; Date on; };
// Dissolves a unit that has no outstanding items and no active children.
struct DissolveUnit { UnitId unit; Date on; };
struct CreateAgency { UnitId unit; std::string name; bool department = false; std::string code; };
struct CreateOrganization { UnitId unit; std::string name; std::string kind; std::string code; };
struct RegisterPerson {
  std::string name;
  std::string code;
  std::string phone;
  std::string citizen_id;
  std::string address;
  bool consent_public = false;
};
struct GrantRole { PersonId person; Role role = Role::resident; UnitId unit; AgencyId agency; OrganizationId organization; };
struct RevokeRole { PersonId person; Role role = Role::resident; UnitId unit; AgencyId agency; OrganizationId organization; };

// ---- Conferences (R02, R03, R08): by the unit's heads or office ----
struct PlanConference {
  UnitId unit;
  ConferenceKind kind = ConferenceKind::periodic;
  std::string audience;  // an audience code of the profile
  Date planned_on;
  Date noticed_on;       // public notice date (R03); default today
  std::string plan_ref;
  AgencyId department;   // a department's own dialogue, chaired by its head
  std::string topic;     // required for thematic conferences
  std::string code;
  // Local Government Law 2025 art. 43: how it is held (the profile's "commune_dialogue"
  // section may restrict the formats) and the cluster of villages / residential groups it
  // is held for (optional text; empty: the whole unit).
  ConferenceFormat format = ConferenceFormat::in_person;
  std::string cluster;
};
struct HoldConference {
  ConferenceId conference;
  Date held_on;                 // default today
  std::vector<PersonId> chairs; // the unit's heads (or the department's head)
  std::uint32_t attendance = 0;
  std::string report;
  // Co-chairs holding Role::council_standing in the unit (Thường trực HĐND); required where
  // the profile's "commune_dialogue" section says so (art. 43).
  std::vector<PersonId> co_chairs;
};
struct IssueConclusionNotice { ConferenceId conference; std::string number; Date issued_on; std::string text; };
struct CloseConference { ConferenceId conference; Date on; };

// ---- Opinions and items (R04–R07) ----
// By the raiser (a person, or a representative of the raising organization); on the raiser's
// behalf by the party head, government head, office, front chair or a front officer of the
// unit or of any unit above it; or, for advance collection (collected_in_advance), by an
// organization representative of the unit or a unit above it (R04, R19).
struct SubmitOpinion {
  UnitId unit;
  ConferenceId conference;  // required for at_conference and collected_in_advance
  Channel channel = Channel::letter;
  PersonId raised_by;
  OrganizationId raised_by_org;
  Date raised_on;           // default today
  std::string topic;        // the opinion's main topic; default: its first item's
  std::vector<ItemSpec> items;
  // Issue 14 (R04): where the matter is; every item of the opinion inherits it. Optional.
  std::optional<Place> place;
  // Evidence (issue 14): metadata only; the bytes are put in the engine's AttachmentStore
  // first (EngineOptions::attachments). Left out of the JSON when empty.
  std::vector<Attachment> attachments;
  // The raiser asks that their name be withheld (issue 14): known to the office, never shown
  // outside it (public feed, public exports, Open311, public templates, tracking lookup).
  // An opinion with neither raised_by nor raised_by_org is anonymous: accepted only through
  // the channels of the profile's "anonymous" section (R04). Absent (or false): not asked;
  // an optional so that commands without it keep their exact JSON form.
  std::optional<bool> withhold_name;
};
struct AnswerOnSpot { ItemId item; PersonId answered_by; std::string gist; };
struct MergeDuplicate { ItemId item; ItemId into; };

// ---- Follow-up (R09–R12): heads/office assign, escalate, extend; agencies reply ----
struct Assign { ItemId item; AgencyId agency; std::optional<Date> deadline; };
struct WriteReply { ItemId item; std::string number; Date date; PersonId signer; std::string text; std::vector<Attachment> attachments; };
struct RecordDelivery { ItemId item; Recipient recipient = Recipient::raiser; Date on; };
struct Escalate {
  ItemId item;
  UnitId to_unit;          // a higher unit of the item's unit
  AgencyId to_agency;      // optional: a department of that unit
  std::string proposal;    // the formal proposal's text
  Date on;                 // default today
  Date raiser_notified_on; // required: the raiser is told (R11); optional for an anonymous item
};
struct DecideIntake {
  ItemId item;
  Outcome outcome = Outcome::accepted;  // not `escalated` (use Escalate)
  std::string reason;     // required for refused, more_time
  std::string target;     // the competent body, for transferred
  bool complex = false;   // a complex complaint gets the longer statutory time
  Date on;                // default today
  Date raiser_notified_on;  // required for refused/transferred/redirected (optional: anonymous item)
};
struct Extend {
  ItemId item;
  Date deadline;            // the new, later deadline
  std::string notice_number;  // the written notice to the raiser (R12), required
  Date notice_date;
  AgencyId agency;          // the responsible agency named in the notice; default: assigned
  std::string reason;
};

// ---- Supervision (R14): by the front (and the council where the profile says) ----
struct RecordFinding { ItemId item; std::string text; bool satisfactory = true; Date on; std::vector<Attachment> attachments; };
struct Reopen { ItemId item; std::string reason; std::optional<Date> deadline; Date on; };
struct CloseItem { ItemId item; std::string note; Date on; };

// ---- Review before publication (R13, R14; profile "reply_review") ----
// By the reviewer the profile names (the unit's heads or office, or the front). Approving
// makes a draft reply deliverable and publishable; returning sends it back to the agency,
// which writes a new reply (the item is assigned again).
struct ApproveReply { ItemId item; std::string note; Date on; };
struct ReturnReply { ItemId item; std::string reason; Date on; };

// ---- Views (R13, R17; docs/reports.md): publication and the data compliance needs ----
// By the heads or office of the item's unit; only replied or closed items (R13).
struct PublishReply { ItemId item; Date on; };
// By whoever runs the conference; lateness against deadlines.publication is reported.
struct PublishConferenceResults { ConferenceId conference; Date date; };
// A session of the unit's council (HĐND), past or scheduled: by the heads, office or an
// administrator of the unit. Wards below it owe a dialogue before each session (R17).
struct RecordCouncilSession { UnitId unit; Date date; std::string reference; };
// Voters of a commune asking for a dialogue, with the voter roll at that date (R17).
struct RecordVoterRequest { UnitId unit; std::uint32_t requesters = 0; std::uint32_t voters = 0; Date on; std::string reference; };
// A head received citizens on a day (tiếp công dân: Regulation 11-QĐi/TW as amended by
// Conclusion 215-KL/TW; Citizen Reception Law 2013 art. 18). `role` is party_head or
// government_head of `unit`, or agency_head of `agency` (an agency of `unit`). By the
// person themself, the unit's office, or the system actor. The R17 "reception" rules of
// the profile count the distinct days recorded per month.
struct RecordReception {
  UnitId unit;
  PersonId person;
  Role role = Role::party_head;
  AgencyId agency;  // for agency_head
  Date on;          // default today
  std::string note;
};

// ---- Satisfaction follow-up (issue 14; R10, R14): by the raiser (the person, or a
// representative of the raising organization), or on their behalf by the front (its chair
// or officers) of the item's unit or above. Only once the item's written reply is delivered
// (status replied), within the profile's "satisfaction" window (default 30 days after the
// reply was completed), once per reply (a reopened item that is replied again is rated
// again). A comment is required unless satisfied. not_satisfied puts the item on the
// front's supervision list (supervision_list) until it records a finding, reopens or closes.
struct RecordSatisfaction { ItemId item; Satisfaction rating = Satisfaction::satisfied; std::string comment; Date on; };
// ---- The notification outbox (issue 15; doithoai/outbox.h) ----
// Reminders as of day `on` (default today): replies due within the profile's
// reminders.reply_due_days (to the agency), overdue items (to the unit's heads), conferences
// whose public notice (R03) or results publication (R13) is due within those days (to the
// office). By the system actor (every unit) or a head or the office of a unit (its subtree).
// At most `limit` notices (1..10000); a reminder of a kind for a subject and recipient is
// issued once a day, so a second run the same day appends nothing (and succeeds).
struct IssueReminders { Date on; std::uint32_t limit = 1000; };
// Records a delivery attempt of a notice: outcome "delivered" or "failed" (Engine::outbox_ack).
// By the system actor, or a head or the office of the notice's unit. Acknowledging a notice
// already delivered appends nothing and succeeds.
struct AcknowledgeNotice { NoticeId notice; std::string outcome; std::string detail; Date on; };
// ---- Item places (issue 14; R04, R07, R18): src/rules/place.cpp ----
// Sets or corrects where one item's matter is; it overrides the opinion's place for that item
// (place queries, R18 grouping, duplicate ranking, Open311 lat/long). By the heads or office
// of the item's unit (or a unit above), or an officer of the agency the item is assigned to
// while it is assigned (status assigned or reply_written). Refused (invalid_transition) on a
// merged item (its target carries the matter: place that one) and on a closed one (closed
// for good by the front, R14: its record stands as closed). `on` (default today) is not
// before the item was raised nor in the future. A place equal to the item's present one
// appends nothing and succeeds.
struct PlaceItem { ItemId item; Place place; Date on; };

}  // namespace cmd

using Command = std::variant<
    cmd::CreateUnit, cmd::RenameUnit, cmd::MergeUnit, cmd::DissolveUnit, cmd::CreateAgency,
    cmd::CreateOrganization, cmd::RegisterPerson, cmd::GrantRole, cmd::RevokeRole,
    cmd::PlanConference, cmd::HoldConference, cmd::IssueConclusionNotice, cmd::CloseConference,
    cmd::SubmitOpinion, cmd::AnswerOnSpot, cmd::MergeDuplicate, cmd::Assign, cmd::WriteReply,
    cmd::RecordDelivery, cmd::Escalate, cmd::DecideIntake, cmd::Extend, cmd::RecordFinding,
    cmd::Reopen, cmd::CloseItem, cmd::PublishReply, cmd::PublishConferenceResults,
    cmd::RecordCouncilSession, cmd::RecordVoterRequest, cmd::RecordReception, cmd::ApproveReply,
    cmd::ReturnReply, cmd::RecordSatisfaction, cmd::IssueReminders,
    cmd::AcknowledgeNotice, cmd::PlaceItem>;

// What a successful command returns.
struct Result {
  std::uint64_t first_seq = 0;  // sequence numbers of the events it appended
  std::uint64_t last_seq = 0;
  std::uint32_t id = 0;         // the entity it created (unit, person, opinion, new item...), or 0
  std::vector<ItemId> items;    // items it created (SubmitOpinion, Escalate)
  bool replayed = false;        // true when an idempotency key matched an earlier command
};

}  // namespace doithoai

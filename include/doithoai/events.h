// doithoai/events.h: the facts the engine records, the one source of truth (R20).
//
// One struct per event type; `Event` is their variant. Events hold decided values (ids,
// deadlines, and the outcomes of rules: which items a conference or a unit merge touched,
// the status an item is left in), so applying them needs no clock, profile, calendar or
// rule. Type names and their JSON fields are a frozen format: a shipped name never changes
// meaning; new fields are optional, with the old meaning when absent (docs/store.md, "Event
// schema versions").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "doithoai/commands.h"
#include "doithoai/ids.h"
#include "doithoai/model.h"
#include "doithoai/time.h"

namespace doithoai {

// Who a notice of the outbox is for (issue 15, doithoai/outbox.h). `role` is one of
// "party_head", "government_head", "front_chair", "office" (of `unit`), "agency" (`agency`,
// an agency of `unit`), "raiser" (`person` or `organization`, who raised the item),
// "residents" (of `unit`: the public notice of a conference, R03) or "public" (of `unit`:
// results published, R13). The integrator resolves it to persons and addresses.
struct NoticeRecipient {
  std::string role;
  UnitId unit;
  AgencyId agency;
  PersonId person;
  OrganizationId organization;
};
// One resolved placeholder value of a notice ("item_text": "...").
struct NoticeValue {
  std::string name;
  std::string value;
};

namespace ev {

struct UnitCreated { UnitId unit; std::string code; std::string name; std::string level; UnitId parent; Date on; bool remote = false; };
struct UnitRenamed { UnitId unit; std::string name; Date on; };
// Outcomes recorded in events (issue 16): `std::optional` fields hold what the rules decided
// when the event was written. Events written before them lack the field (absent in JSON and
// in the binary cache); apply then computes the outcome with the rule of that time, frozen
// (src/apply/v1.cpp, "schema version 1 path"), so old logs replay to the same state and new ones
// depend on no rule at all.
//
// moved_items: the items of `unit` that went to `into` with it: every one not closed (a
// closed item stays with the unit that closed it).
struct UnitMerged { UnitId unit; UnitId into; Date on; std::optional<std::vector<ItemId>> moved_items; };
struct UnitDissolved { UnitId unit; Date on; };
struct AgencyCreated { AgencyId agency; UnitId unit; std::string code; std::string name; bool department = false; };
struct OrganizationCreated { OrganizationId organization; UnitId unit; std::string code; std::string name; std::string kind; };
struct PersonRegistered { PersonId person; std::string code; std::string name; std::string phone; std::string citizen_id; std::string address; bool consent_public = false; };
struct RoleGranted { PersonId person; Role role = Role::resident; UnitId unit; AgencyId agency; OrganizationId organization; };
struct RoleRevoked { PersonId person; Role role = Role::resident; UnitId unit; AgencyId agency; OrganizationId organization; };
// format, cluster (ConferencePlanned) and co_chairs (ConferenceHeld) were added for art. 43
// of the Local Government Law 2025; events stored before them read as in_person, "", [].
struct ConferencePlanned { ConferenceId conference; UnitId unit; std::string code; ConferenceKind kind = ConferenceKind::periodic; std::string audience; AgencyId department; std::string topic; std::string plan_ref; Date planned_on; Date noticed_on; ConferenceFormat format = ConferenceFormat::in_person; std::string cluster; };
// deadline_items: the conference's items that took reply_due as their deadline (R09: those
// collected in advance that had none, were not settled and were not duplicates).
struct ConferenceHeld { ConferenceId conference; Date held_on; std::vector<PersonId> chairs; std::uint32_t attendance = 0; std::string report; Date reply_due; Date notice_due; std::vector<PersonId> co_chairs; std::optional<std::vector<ItemId>> deadline_items; };
struct ConclusionNoticeIssued { ConferenceId conference; std::string number; Date issued_on; std::string text; Date due; };
struct ConferenceClosed { ConferenceId conference; Date on; };
// name_withheld: the raiser asked that their name be withheld (absent: not asked). The
// opinion's tracking code is not recorded: it is a frozen function of this event's fields
// (src/views/track.h; docs/design-notes.md "Tracking codes").
struct OpinionSubmitted { OpinionId opinion; ItemId first_item; UnitId unit; ConferenceId conference; Channel channel = Channel::letter; PersonId raised_by; OrganizationId raised_by_org; UnitId from_unit; Date raised_on; std::string topic; std::vector<ItemSpec> items; Date deadline; std::optional<Place> place; std::vector<Attachment> attachments; std::optional<bool> name_withheld; };
struct ItemAnswered { ItemId item; PersonId answered_by; std::string gist; Date on; };
struct ItemMerged { ItemId item; ItemId into; Date on; };
struct ItemAssigned { ItemId item; AgencyId agency; Date deadline; Date on; };
// draft: the reply awaits review (profile "reply_review", issue 15); absent: no review.
// attachments (issue 14, here and in opinion_submitted, finding_recorded): evidence metadata,
// left out of the JSON and of the binary row when empty, so events without it keep their bytes.
struct ReplyWritten { ItemId item; std::string number; Date date; PersonId signer; AgencyId agency; std::string text; std::optional<bool> draft; std::vector<Attachment> attachments; };
struct ReplyDelivered { ItemId item; Recipient recipient = Recipient::raiser; Date on; bool completes = false; };
struct ItemEscalated { ItemId item; UnitId to_unit; AgencyId to_agency; OpinionId opinion; ItemId new_item; std::string proposal; Date on; Date deadline; Date raiser_notified_on; };
// status: the item's status after the decision (handed_on for an outcome that hands it on,
// else the status it had).
struct IntakeDecided { ItemId item; Outcome outcome = Outcome::accepted; std::string reason; std::string target; Date on; Date due; Date raiser_notified_on; std::optional<ItemStatus> status; };
struct ItemExtended { ItemId item; Date deadline; std::string notice_number; Date notice_date; AgencyId agency; std::string reason; Date on; };
struct FindingRecorded { ItemId item; std::string text; bool satisfactory = true; Date on; std::vector<Attachment> attachments; };
// status: the status the item returns to (assigned when it has an agency, else open).
struct ItemReopened { ItemId item; std::string reason; Date deadline; Date on; std::optional<ItemStatus> status; };
struct ItemClosed { ItemId item; std::string note; Date on; };
// Views (R13, R17)
// completes: the publication completes R10's delivery of an anonymous item whose raiser is
// reached by public posting (profile "anonymous".delivery = posted); absent: it does not.
struct ReplyPublished { ItemId item; Date on; std::optional<bool> completes; };
struct ConferenceResultsPublished { ConferenceId conference; Date date; Date due; };
struct CouncilSessionRecorded { UnitId unit; Date date; std::string reference; };
struct VoterRequestRecorded { UnitId unit; std::uint32_t requesters = 0; std::uint32_t voters = 0; Date on; std::string reference; };
struct ReceptionRecorded { UnitId unit; PersonId person; Role role = Role::party_head; AgencyId agency; Date on; std::string note; };
// Review before publication (R13, R14): the draft reply of `item` approved, or returned to
// `agency` for rework (the item is assigned again; the returned reply stays in the log).
struct ReplyApproved { ItemId item; std::string note; Date on; };
struct ReplyReturned { ItemId item; AgencyId agency; std::string reason; Date on; };
// Issue 14 (R10, R14): the raiser's rating of the item's written reply (cmd::RecordSatisfaction).
struct SatisfactionRecorded { ItemId item; Satisfaction rating = Satisfaction::satisfied; std::string comment; Date on; };
// The notification outbox (issue 15, doithoai/outbox.h). A notice a rule requires, appended by
// the engine in the same batch as the event that requires it (`cause`: that event's seq; for
// reminders, 0), or by issue_reminders. kind: what it is ("reply", "conclusion_notice", ...,
// "reply_due_reminder"); template_key: the profile's template that fits, else the kind; data:
// the placeholder values, resolved when issued; on: the day issued; due: by when the rule
// wants it delivered; rule and citation: why (R08, R10, ...; the profile's citation).
struct NoticeIssued { NoticeId notice; std::string kind; std::string template_key; NoticeRecipient to; std::vector<NoticeValue> data; Date on; Date due; std::string rule; std::string citation; ItemId item; ConferenceId conference; OpinionId opinion; std::uint64_t cause = 0; };
// The integrator's report of one delivery attempt: outcome "delivered" (the notice is done)
// or "failed" (it stays pending and is fetched again), with a free-text detail.
struct NoticeAcknowledged { NoticeId notice; std::string outcome; std::string detail; Date on; };
// Issue 14 (R04, R18): the item's own place, overriding its opinion's (cmd::PlaceItem, or an
// ItemSpec with a place: then in the same batch, right after opinion_submitted). Rounded to
// 1e-7 degree, as the state keeps it.
struct ItemPlaced { ItemId item; Place place; Date on; };

}  // namespace ev

using Event = std::variant<
    ev::UnitCreated, ev::UnitRenamed, ev::UnitMerged, ev::UnitDissolved, ev::AgencyCreated,
    ev::OrganizationCreated, ev::PersonRegistered, ev::RoleGranted, ev::RoleRevoked,
    ev::ConferencePlanned, ev::ConferenceHeld, ev::ConclusionNoticeIssued, ev::ConferenceClosed,
    ev::OpinionSubmitted, ev::ItemAnswered, ev::ItemMerged, ev::ItemAssigned, ev::ReplyWritten,
    ev::ReplyDelivered, ev::ItemEscalated, ev::IntakeDecided, ev::ItemExtended,
    ev::FindingRecorded, ev::ItemReopened, ev::ItemClosed, ev::ReplyPublished,
    ev::ConferenceResultsPublished, ev::CouncilSessionRecorded, ev::VoterRequestRecorded,
    ev::ReceptionRecorded, ev::ReplyApproved, ev::ReplyReturned, ev::SatisfactionRecorded,
    ev::NoticeIssued, ev::NoticeAcknowledged, ev::ItemPlaced>;

// An event as recorded: its place in the log, when, and who.
struct Recorded {
  std::uint64_t seq = 0;  // global sequence number, gap-free from 1
  Instant at;             // UTC
  PersonId actor;
  Event event;
};

// The frozen type name of an event ("item_assigned", ...) and its schema version.
DOITHOAI_API std::string_view event_type(const Event& e);
DOITHOAI_API int event_schema_version(const Event& e);
// The items, opinion and conference an event concerns (for history queries).
struct Subjects {
  ItemId item;
  ItemId item2;
  OpinionId opinion;
  ConferenceId conference;
  UnitId unit;
};
DOITHOAI_API Subjects subjects_of(const Event& e);

}  // namespace doithoai

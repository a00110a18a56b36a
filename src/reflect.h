// Internal: one field list per command/event struct. The JSON codec, the compact binary
// log codec and equality all walk these lists, so a field is declared exactly once.
// A `std::optional` field (other than an optional date) is an outcome recorded by later
// releases: it comes last, is left out of the JSON when absent and, when it is the last
// fields, of the binary form too, so events written before it keep their exact bytes.
#pragma once

#include <optional>
#include <type_traits>

#include "doithoai/commands.h"
#include "doithoai/events.h"

namespace doithoai::detail {

template <class T>
struct Reflect;  // specialised below: name, version, each(obj, f)

// A recorded outcome: an optional field other than an optional date (above).
template <class T>
struct is_outcome : std::false_type {};
template <class U>
struct is_outcome<std::optional<U>> : std::bool_constant<!std::is_same_v<U, Date>> {};
// Evidence attachments (issue 14) are left out like an absent outcome when there are none.
template <class T>
constexpr bool is_absent_outcome(const T& v) {
  if constexpr (is_outcome<T>::value) return !v.has_value();
  else if constexpr (std::is_same_v<T, std::vector<Attachment>>) return v.empty();
  else return false;
}

#define DT_EXPAND(x) x
#define DT_FE_1(M, x) M(x)
#define DT_FE_2(M, x, ...) M(x) DT_EXPAND(DT_FE_1(M, __VA_ARGS__))
#define DT_FE_3(M, x, ...) M(x) DT_EXPAND(DT_FE_2(M, __VA_ARGS__))
#define DT_FE_4(M, x, ...) M(x) DT_EXPAND(DT_FE_3(M, __VA_ARGS__))
#define DT_FE_5(M, x, ...) M(x) DT_EXPAND(DT_FE_4(M, __VA_ARGS__))
#define DT_FE_6(M, x, ...) M(x) DT_EXPAND(DT_FE_5(M, __VA_ARGS__))
#define DT_FE_7(M, x, ...) M(x) DT_EXPAND(DT_FE_6(M, __VA_ARGS__))
#define DT_FE_8(M, x, ...) M(x) DT_EXPAND(DT_FE_7(M, __VA_ARGS__))
#define DT_FE_9(M, x, ...) M(x) DT_EXPAND(DT_FE_8(M, __VA_ARGS__))
#define DT_FE_10(M, x, ...) M(x) DT_EXPAND(DT_FE_9(M, __VA_ARGS__))
#define DT_FE_11(M, x, ...) M(x) DT_EXPAND(DT_FE_10(M, __VA_ARGS__))
#define DT_FE_12(M, x, ...) M(x) DT_EXPAND(DT_FE_11(M, __VA_ARGS__))
#define DT_FE_13(M, x, ...) M(x) DT_EXPAND(DT_FE_12(M, __VA_ARGS__))
#define DT_FE_14(M, x, ...) M(x) DT_EXPAND(DT_FE_13(M, __VA_ARGS__))
#define DT_FE_15(M, x, ...) M(x) DT_EXPAND(DT_FE_14(M, __VA_ARGS__))
#define DT_FE_16(M, x, ...) M(x) DT_EXPAND(DT_FE_15(M, __VA_ARGS__))
#define DT_GET(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, NAME, ...) NAME
#define DT_FOR_EACH(M, ...)                                                                    \
  DT_EXPAND(DT_GET(__VA_ARGS__, DT_FE_16, DT_FE_15, DT_FE_14, DT_FE_13, DT_FE_12, DT_FE_11, DT_FE_10, DT_FE_9,     \
                   DT_FE_8, DT_FE_7, DT_FE_6, DT_FE_5, DT_FE_4, DT_FE_3, DT_FE_2, DT_FE_1)(    \
      M, __VA_ARGS__))
#define DT_FIELD(x) f(#x, s.x);
#define DT_REFLECT(T, NAME, VERSION, ...)                   \
  template <>                                               \
  struct Reflect<T> {                                       \
    static constexpr const char* name = NAME;               \
    static constexpr int version = VERSION;                 \
    template <class S, class F>                             \
    static void each(S& s, F&& f) {                         \
      DT_FOR_EACH(DT_FIELD, __VA_ARGS__)                    \
    }                                                       \
  };

// place (issue 14): in the JSON form only when set; the binary form holds topic and text only
// (binary.h), since events never carry it (item_placed does).
DT_REFLECT(ItemSpec, "item", 1, topic, text, place)
// A place's JSON names are Open311's ("long" is a C++ keyword, hence by hand).
template <>
struct Reflect<Place> {
  static constexpr const char* name = "place";
  static constexpr int version = 1;
  template <class S, class F>
  static void each(S& s, F&& f) {
    f("lat", s.lat);
    f("long", s.lon);
    f("address", s.address);
  }
};
DT_REFLECT(Attachment, "attachment", 1, name, media_type, size, sha256, publishable)

// Commands
DT_REFLECT(cmd::CreateUnit, "create_unit", 1, name, level, parent, code, created_on, remote)
DT_REFLECT(cmd::RenameUnit, "rename_unit", 1, unit, name, on)
DT_REFLECT(cmd::MergeUnit, "merge_unit", 1, unit, into, on)
DT_REFLECT(cmd::DissolveUnit, "dissolve_unit", 1, unit, on)
DT_REFLECT(cmd::CreateAgency, "create_agency", 1, unit, name, department, code)
DT_REFLECT(cmd::CreateOrganization, "create_organization", 1, unit, name, kind, code)
DT_REFLECT(cmd::RegisterPerson, "register_person", 1, name, code, phone, citizen_id, address, consent_public)
DT_REFLECT(cmd::GrantRole, "grant_role", 1, person, role, unit, agency, organization)
DT_REFLECT(cmd::RevokeRole, "revoke_role", 1, person, role, unit, agency, organization)
DT_REFLECT(cmd::PlanConference, "plan_conference", 1, unit, kind, audience, planned_on, noticed_on, plan_ref, department, topic, code, format, cluster)
DT_REFLECT(cmd::HoldConference, "hold_conference", 1, conference, held_on, chairs, attendance, report, co_chairs)
DT_REFLECT(cmd::IssueConclusionNotice, "issue_conclusion_notice", 1, conference, number, issued_on, text)
DT_REFLECT(cmd::CloseConference, "close_conference", 1, conference, on)
DT_REFLECT(cmd::SubmitOpinion, "submit_opinion", 1, unit, conference, channel, raised_by, raised_by_org, raised_on, topic, items, place, attachments, withhold_name)
DT_REFLECT(cmd::AnswerOnSpot, "answer_on_spot", 1, item, answered_by, gist)
DT_REFLECT(cmd::MergeDuplicate, "merge_duplicate", 1, item, into)
DT_REFLECT(cmd::Assign, "assign", 1, item, agency, deadline)
DT_REFLECT(cmd::WriteReply, "write_reply", 1, item, number, date, signer, text, attachments)
DT_REFLECT(cmd::RecordDelivery, "record_delivery", 1, item, recipient, on)
DT_REFLECT(cmd::Escalate, "escalate", 1, item, to_unit, to_agency, proposal, on, raiser_notified_on)
DT_REFLECT(cmd::DecideIntake, "decide_intake", 1, item, outcome, reason, target, complex, on, raiser_notified_on)
DT_REFLECT(cmd::Extend, "extend", 1, item, deadline, notice_number, notice_date, agency, reason)
DT_REFLECT(cmd::RecordFinding, "record_finding", 1, item, text, satisfactory, on, attachments)
DT_REFLECT(cmd::Reopen, "reopen", 1, item, reason, deadline, on)
DT_REFLECT(cmd::CloseItem, "close_item", 1, item, note, on)
DT_REFLECT(cmd::PublishReply, "publish_reply", 1, item, on)
DT_REFLECT(cmd::PublishConferenceResults, "publish_conference_results", 1, conference, date)
DT_REFLECT(cmd::RecordCouncilSession, "record_council_session", 1, unit, date, reference)
DT_REFLECT(cmd::RecordVoterRequest, "record_voter_request", 1, unit, requesters, voters, on, reference)
DT_REFLECT(cmd::RecordReception, "record_reception", 1, unit, person, role, agency, on, note)
DT_REFLECT(cmd::ApproveReply, "approve_reply", 1, item, note, on)
DT_REFLECT(cmd::ReturnReply, "return_reply", 1, item, reason, on)
DT_REFLECT(cmd::RecordSatisfaction, "record_satisfaction", 1, item, rating, comment, on)
DT_REFLECT(cmd::IssueReminders, "issue_reminders", 1, on, limit)
DT_REFLECT(cmd::AcknowledgeNotice, "acknowledge_notice", 1, notice, outcome, detail, on)
DT_REFLECT(cmd::PlaceItem, "place_item", 1, item, place, on)

// Events
DT_REFLECT(ev::UnitCreated, "unit_created", 1, unit, code, name, level, parent, on, remote)
DT_REFLECT(ev::UnitRenamed, "unit_renamed", 1, unit, name, on)
DT_REFLECT(ev::UnitMerged, "unit_merged", 1, unit, into, on, moved_items)
DT_REFLECT(ev::UnitDissolved, "unit_dissolved", 1, unit, on)
DT_REFLECT(ev::AgencyCreated, "agency_created", 1, agency, unit, code, name, department)
DT_REFLECT(ev::OrganizationCreated, "organization_created", 1, organization, unit, code, name, kind)
DT_REFLECT(ev::PersonRegistered, "person_registered", 1, person, code, name, phone, citizen_id, address, consent_public)
DT_REFLECT(ev::RoleGranted, "role_granted", 1, person, role, unit, agency, organization)
DT_REFLECT(ev::RoleRevoked, "role_revoked", 1, person, role, unit, agency, organization)
DT_REFLECT(ev::ConferencePlanned, "conference_planned", 1, conference, unit, code, kind, audience, department, topic, plan_ref, planned_on, noticed_on, format, cluster)
DT_REFLECT(ev::ConferenceHeld, "conference_held", 1, conference, held_on, chairs, attendance, report, reply_due, notice_due, co_chairs, deadline_items)
DT_REFLECT(ev::ConclusionNoticeIssued, "conclusion_notice_issued", 1, conference, number, issued_on, text, due)
DT_REFLECT(ev::ConferenceClosed, "conference_closed", 1, conference, on)
DT_REFLECT(ev::OpinionSubmitted, "opinion_submitted", 1, opinion, first_item, unit, conference, channel, raised_by, raised_by_org, from_unit, raised_on, topic, items, deadline, place, attachments, name_withheld)
DT_REFLECT(ev::ItemAnswered, "item_answered", 1, item, answered_by, gist, on)
DT_REFLECT(ev::ItemMerged, "item_merged", 1, item, into, on)
DT_REFLECT(ev::ItemAssigned, "item_assigned", 1, item, agency, deadline, on)
DT_REFLECT(ev::ReplyWritten, "reply_written", 1, item, number, date, signer, agency, text, draft, attachments)
DT_REFLECT(ev::ReplyDelivered, "reply_delivered", 1, item, recipient, on, completes)
DT_REFLECT(ev::ItemEscalated, "item_escalated", 1, item, to_unit, to_agency, opinion, new_item, proposal, on, deadline, raiser_notified_on)
DT_REFLECT(ev::IntakeDecided, "intake_decided", 1, item, outcome, reason, target, on, due, raiser_notified_on, status)
DT_REFLECT(ev::ItemExtended, "item_extended", 1, item, deadline, notice_number, notice_date, agency, reason, on)
DT_REFLECT(ev::FindingRecorded, "finding_recorded", 1, item, text, satisfactory, on, attachments)
DT_REFLECT(ev::ItemReopened, "item_reopened", 1, item, reason, deadline, on, status)
DT_REFLECT(ev::ItemClosed, "item_closed", 1, item, note, on)
DT_REFLECT(ev::ReplyPublished, "reply_published", 1, item, on, completes)
DT_REFLECT(ev::ConferenceResultsPublished, "conference_results_published", 1, conference, date, due)
DT_REFLECT(ev::CouncilSessionRecorded, "council_session_recorded", 1, unit, date, reference)
DT_REFLECT(ev::VoterRequestRecorded, "voter_request_recorded", 1, unit, requesters, voters, on, reference)
DT_REFLECT(ev::ReceptionRecorded, "reception_recorded", 1, unit, person, role, agency, on, note)
DT_REFLECT(ev::ReplyApproved, "reply_approved", 1, item, note, on)
DT_REFLECT(ev::ReplyReturned, "reply_returned", 1, item, agency, reason, on)
DT_REFLECT(ev::SatisfactionRecorded, "satisfaction_recorded", 1, item, rating, comment, on)
DT_REFLECT(NoticeRecipient, "notice_recipient", 1, role, unit, agency, person, organization)
DT_REFLECT(NoticeValue, "notice_value", 1, name, value)
DT_REFLECT(ev::NoticeIssued, "notice_issued", 1, notice, kind, template_key, to, data, on, due, rule, citation, item, conference, opinion, cause)
DT_REFLECT(ev::NoticeAcknowledged, "notice_acknowledged", 1, notice, outcome, detail, on)
DT_REFLECT(ev::ItemPlaced, "item_placed", 1, item, place, on)

// Compile-time name lookup over a variant's alternatives.
template <class V, std::size_t I = 0>
constexpr const char* alternative_name(std::size_t index) {
  if constexpr (I == std::variant_size_v<V>) {
    return "";
  } else {
    return index == I ? Reflect<std::variant_alternative_t<I, V>>::name
                      : alternative_name<V, I + 1>(index);
  }
}

// Builds a default alternative of V by its reflected name; false when unknown.
template <class V, std::size_t I = 0>
bool emplace_by_name(V& v, std::string_view name) {
  if constexpr (I == std::variant_size_v<V>) {
    return false;
  } else {
    if (name == Reflect<std::variant_alternative_t<I, V>>::name) {
      v.template emplace<I>();
      return true;
    }
    return emplace_by_name<V, I + 1>(v, name);
  }
}

}  // namespace doithoai::detail

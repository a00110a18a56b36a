// Internal: what the views layer keeps in the projection (issue 6): publication of replies
// and conference results (R13), council sessions and voter requests (R17). StateImpl holds
// one ViewData; the events below are applied by apply_view_event and decided by
// decide_view_command, so the core decide/apply files only forward to them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doithoai/events.h"
#include "doithoai/ids.h"

namespace doithoai::detail {

struct StateImpl;
struct DecideInput;
struct Decision;

struct CouncilSessionRec {
  UnitId unit;
  std::int32_t day = 0;
  std::string reference;
};

struct VoterRequestRec {
  UnitId unit;
  std::int32_t day = 0;
  std::uint32_t requesters = 0;
  std::uint32_t voters = 0;
  std::string reference;
};

// A day a head received citizens (R17 "reception" rules).
struct ReceptionRec {
  UnitId unit;
  PersonId person;
  AgencyId agency;  // for agency heads
  std::int32_t day = 0;
  Role role = Role::party_head;
  std::string note;
};

struct ViewData {
  // Day number a reply was published on, by item id (INT32_MIN: not published); sized lazily.
  std::vector<std::int32_t> reply_published;
  // Items in the order their replies were published (the public feed walks it).
  std::vector<std::uint32_t> published_items;
  // Conference results: published day and the due day decided when published, by conference id.
  std::vector<std::int32_t> results_published;
  std::vector<std::int32_t> results_due;
  std::vector<CouncilSessionRec> council_sessions;
  std::vector<VoterRequestRec> voter_requests;
  std::vector<ReceptionRec> receptions;  // in the order recorded

  std::int32_t reply_published_on(std::uint32_t item) const {
    return item < reply_published.size() ? reply_published[item] : INT32_MIN;
  }
  std::int32_t results_published_on(std::uint32_t conference) const {
    return conference < results_published.size() ? results_published[conference] : INT32_MIN;
  }
};

void apply_view_event(StateImpl& s, const ev::ReplyPublished& e);
void apply_view_event(StateImpl& s, const ev::ConferenceResultsPublished& e);
void apply_view_event(StateImpl& s, const ev::CouncilSessionRecorded& e);
void apply_view_event(StateImpl& s, const ev::VoterRequestRecorded& e);
void apply_view_event(StateImpl& s, const ev::ReceptionRecorded& e);

void decide_view_command(const DecideInput& in, const cmd::PublishReply& c, Decision& out);
void decide_view_command(const DecideInput& in, const cmd::PublishConferenceResults& c, Decision& out);
void decide_view_command(const DecideInput& in, const cmd::RecordCouncilSession& c, Decision& out);
void decide_view_command(const DecideInput& in, const cmd::RecordVoterRequest& c, Decision& out);
void decide_view_command(const DecideInput& in, const cmd::RecordReception& c, Decision& out);

}  // namespace doithoai::detail

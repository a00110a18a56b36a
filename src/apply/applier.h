// Internal: the Applier that StateAccess::apply (state.cpp) visits each event with, after
// check_event (state_check.cpp) has checked it, so these functions index without checks and
// never throw halfway. One file per rule area, like the Decider (src/rules/decider.h):
//   src/apply/directory.cpp, conference.cpp, followup.cpp, supervision.cpp;
// src/apply/v1.cpp holds the FROZEN meaning of events written before they recorded their
// outcomes. Events of the views layer go to src/views/ (apply_view_event).
#pragma once

#include <vector>

#include "doithoai/events.h"
#include "outbox.h"
#include "state_impl.h"

namespace doithoai::detail {

// Schema version 1 outcomes (src/apply/v1.cpp). FROZEN: never change them.
namespace v1 {
std::vector<ItemId> deadline_items(const StateImpl& s, ConferenceId conference);
std::vector<ItemId> moved_items(const StateImpl& s, UnitId unit);
ItemStatus intake_status(const ItemRec& r, Outcome outcome);
ItemStatus reopened_status(const ItemRec& r);
}  // namespace v1

struct Applier {
  StateImpl& s;

  // ---- directory: src/apply/directory.cpp ----
  void operator()(const ev::UnitCreated& e);
  void operator()(const ev::UnitRenamed& e);
  void operator()(const ev::UnitMerged& e);
  void operator()(const ev::UnitDissolved& e);
  void operator()(const ev::AgencyCreated& e);
  void operator()(const ev::OrganizationCreated& e);
  void operator()(const ev::PersonRegistered& e);
  void operator()(const ev::RoleGranted& e);
  void operator()(const ev::RoleRevoked& e);

  // ---- conferences: src/apply/conference.cpp ----
  void operator()(const ev::ConferencePlanned& e);
  void operator()(const ev::ConferenceHeld& e);
  void operator()(const ev::ConclusionNoticeIssued& e);
  void operator()(const ev::ConferenceClosed& e);
  void operator()(const ev::ItemAnswered& e);
  void operator()(const ev::ItemMerged& e);

  // ---- intake and follow-up: src/apply/followup.cpp ----
  void operator()(const ev::OpinionSubmitted& e);
  void operator()(const ev::ItemAssigned& e);
  void operator()(const ev::ReplyWritten& e);
  void operator()(const ev::ReplyDelivered& e);
  void operator()(const ev::ItemEscalated& e);
  void operator()(const ev::IntakeDecided& e);
  void operator()(const ev::ItemExtended& e);

  // ---- supervision: src/apply/supervision.cpp ----
  void operator()(const ev::FindingRecorded& e);
  void operator()(const ev::ItemReopened& e);
  void operator()(const ev::ItemClosed& e);
  void operator()(const ev::ReplyApproved& e);
  void operator()(const ev::ReplyReturned& e);

  // ---- place and satisfaction (issue 14): src/apply/place.cpp, src/apply/satisfaction.cpp ----
  void place_items(std::uint32_t first, std::size_t n, const Place& p);
  void copy_place(std::uint32_t from, std::uint32_t to);
  void operator()(const ev::SatisfactionRecorded& e);
  void front_acted(std::uint32_t item);  // a finding, reopening or closing: off the supervision list

  // ---- the notification outbox (issue 15): src/outbox.cpp ----
  void operator()(const ev::NoticeIssued& e) { apply_outbox_event(s, e); }
  void operator()(const ev::NoticeAcknowledged& e) { apply_outbox_event(s, e); }

  // ---- item places (issue 14; R04, R18): src/apply/place.cpp ----
  void operator()(const ev::ItemPlaced& e);

  // Events of the views layer (publication, council sessions, voter requests): src/views/.
  template <class E>
  void operator()(const E& e) {
    apply_view_event(s, e);
  }
};

}  // namespace doithoai::detail

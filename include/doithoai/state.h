// doithoai/state.h: the projection of the event log, and every query on it.
//
// A State is the fold of events: the library applies them (never reading a clock, refusing
// an event that cannot follow the state as Error(corruption)); users only read it. The
// engine owns one and lets readers at it under a shared lock (Engine::read);
// Engine::state_as_of returns an independent State rebuilt from the log up to a past
// instant (R20). A default-constructed State is empty.
// Queries return value copies; unknown ids throw Error(not_found).
// Dates (R15): a State knows only what its events say, so a query that takes a date
// (standing, items with as_of, overdue, due_between, accounting, and the views of views.h)
// answers only for a date on or after last_date(), the local day of its last event;
// an earlier date throws Error(invalid_argument) instead of answering from a later state.
// The Engine's overloads answer for any date (they rebuild the past from the log).
// Thread safety: const methods may run concurrently.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doithoai/events.h"
#include "doithoai/export.h"
#include "doithoai/model.h"

namespace doithoai {

namespace detail {
struct StateImpl;
struct StateAccess;  // src/state_access.h: the library's own access (apply, the projection)
}

// Filters of State::items. Empty fields do not filter.
struct ItemQuery {
  UnitId unit;                         // the unit and its whole subtree
  std::optional<ItemStatus> status;
  std::optional<Standing> standing;    // with as_of
  // When set, the whole query (every filter, and standing) is answered as of the end of
  // this local day; State::items refuses a date before last_date(), Engine::items rebuilds
  // the past. Default: the state as it is (standing taken on last_date()).
  Date as_of;
  AgencyId agency;
  std::string topic;
  ConferenceId conference;
  PersonId raised_by;
  PersonId visible_to;                 // only items this person may see (R19)
  ItemId after;                        // paging: ids greater than this
  std::size_t limit = std::numeric_limits<std::size_t>::max();
};

// R15 status accounting of a unit subtree as of a date. resolved + outstanding == items,
// and not_yet_due + overdue == outstanding, always.
struct Accounting {
  UnitId unit;
  Date as_of;
  std::uint64_t opinions = 0;
  std::uint64_t items = 0;
  std::uint64_t resolved = 0;
  std::uint64_t outstanding = 0;
  std::uint64_t not_yet_due = 0;
  std::uint64_t overdue = 0;
  // Breakdowns of resolved:
  std::uint64_t answered_on_spot = 0;
  std::uint64_t replied = 0;          // with a written reply delivered to every recipient
  std::uint64_t replied_on_time = 0;  // delivered by the current deadline
  std::uint64_t replied_late = 0;
  std::uint64_t handed_on = 0;        // escalated, transferred, redirected, refused
  std::uint64_t escalated = 0;
  std::uint64_t closed = 0;           // closed for good by the supervisor
  // Other counts:
  std::uint64_t extended_items = 0;   // items with at least one extension (R12)
  std::uint64_t extensions = 0;
  std::uint64_t reopened_items = 0;
  std::uint64_t merged = 0;           // duplicates following another item's outcome
  std::uint64_t received_by_escalation = 0;
};

// R07 at intake (Engine::similar_items): an open item like a new text, and how alike, in
// (0, 1]: the cosine of the two sets of folded words, each word weighted by its rarity among
// the unit's items (1: the item has exactly the text's words; src/similar.h).
struct SimilarItem {
  ItemId item;
  double score = 0;
};

// R07: after a conference, the office reconciles raised items with those collected ahead.
struct Reconciliation {
  ConferenceId conference;
  std::vector<ItemId> collected_in_advance;
  std::vector<ItemId> raised_at_conference;
  std::vector<ItemId> answered;    // answered on the spot
  std::vector<ItemId> unanswered;  // neither answered, merged nor yet handed on
  std::vector<std::pair<ItemId, ItemId>> duplicates;  // (duplicate, original)
};

class DOITHOAI_API State {
 public:
  State();
  ~State();
  State(State&&) noexcept;
  State& operator=(State&&) noexcept;
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  std::uint64_t last_seq() const;
  Instant last_at() const;
  // The local date of the last event in the state's zone; not-a-date for an empty state.
  Date last_date() const;
  // True when a query as of d can be answered exactly from this state: d is on or after
  // last_date() (or the state is empty).
  bool answers_for(Date d) const;
  // The zone local dates are taken in (minutes east of UTC; the engine sets its profile's).
  void set_zone_offset_minutes(int minutes);
  int zone_offset_minutes() const;

  // Directory
  Unit unit(UnitId id) const;
  std::optional<UnitId> find_unit(std::string_view code) const;
  std::vector<UnitId> units() const;
  std::vector<UnitId> children(UnitId id) const;
  bool in_subtree(UnitId unit, UnitId root) const;
  Agency agency(AgencyId id) const;
  std::optional<AgencyId> find_agency(std::string_view code) const;
  std::vector<AgencyId> agencies(UnitId unit) const;
  Organization organization(OrganizationId id) const;
  std::vector<OrganizationId> organizations(UnitId unit) const;
  Person person(PersonId id) const;
  std::optional<PersonId> find_person(std::string_view code) const;
  std::vector<RoleGrant> roles_of(PersonId id) const;
  std::vector<PersonId> holders(Role role, UnitId unit) const;

  // Conferences, opinions, items
  Conference conference(ConferenceId id) const;
  std::vector<ConferenceId> conferences(UnitId subtree) const;
  Opinion opinion(OpinionId id) const;
  std::size_t opinion_count() const;
  Item item(ItemId id) const;
  std::size_t item_count() const;
  ItemStatus status(ItemId id) const;
  Standing standing(ItemId id, Date as_of) const;
  std::vector<ItemId> items(const ItemQuery& q) const;
  // Outstanding items whose deadline is before as_of, earliest deadline first.
  std::vector<ItemId> overdue(Date as_of, std::size_t limit) const;
  // Outstanding items whose deadline falls in [from, to], earliest first.
  std::vector<ItemId> due_between(Date from, Date to, std::size_t limit) const;
  Accounting accounting(UnitId root, Date as_of) const;
  Reconciliation reconciliation(ConferenceId id) const;
  // R19: may this person see this item?
  bool can_view(PersonId viewer, ItemId id) const;
  // R13, issue 14: may the bytes with this SHA-256 be served publicly? True when some reply
  // in force that was published carries an attachment with that hash marked publishable.
  bool attachment_public(std::string_view sha256) const;

 private:
  friend struct detail::StateAccess;
  std::unique_ptr<detail::StateImpl> impl_;
};

}  // namespace doithoai

// doithoai/ids.h: dense integer ids of the engine's entities.
//
// Ids are handed out by the engine in sequence (1, 2, 3, ...) per kind; 0 means "none".
// They are stable for the life of a store and appear in events and JSON. A portal keeps its
// own ids by giving entities a `code` and looking them up at the edge.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>

namespace doithoai {

template <class Tag>
struct Id {
  std::uint32_t value = 0;
  constexpr Id() = default;
  constexpr explicit Id(std::uint32_t v) : value(v) {}
  constexpr explicit operator bool() const { return value != 0; }
  friend constexpr bool operator==(Id a, Id b) { return a.value == b.value; }
  friend constexpr bool operator!=(Id a, Id b) { return a.value != b.value; }
  friend constexpr bool operator<(Id a, Id b) { return a.value < b.value; }
};

using UnitId = Id<struct UnitTag>;
using PersonId = Id<struct PersonTag>;
using AgencyId = Id<struct AgencyTag>;
using OrganizationId = Id<struct OrganizationTag>;
using ConferenceId = Id<struct ConferenceTag>;
using OpinionId = Id<struct OpinionTag>;
using ItemId = Id<struct ItemTag>;
// A notice of the outbox (issue 15, doithoai/outbox.h).
using NoticeId = Id<struct NoticeTag>;

// The actor of directory set-up done by the integrator itself (bootstrapping units and roles).
inline constexpr PersonId kSystemActor{std::numeric_limits<std::uint32_t>::max()};

}  // namespace doithoai

template <class Tag>
struct std::hash<doithoai::Id<Tag>> {
  std::size_t operator()(doithoai::Id<Tag> id) const noexcept { return id.value; }
};

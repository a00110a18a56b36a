// Internal: the compact in-memory projection behind doithoai::State.
//
// Items live in one contiguous vector indexed by id with one-byte enums, dates as int32
// day numbers and text in a chunked arena; rarely used item data lives in a side table.
// Outstanding items with a deadline sit in an intrusive per-day list ordered by deadline,
// so the overdue page is a walk from the front.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "doithoai/attachments.h"
#include "doithoai/state.h"
#include "outbox_data.h"
#include "text_pool.h"
#include "views/view_data.h"

namespace doithoai::detail {

constexpr std::int32_t kNoDay = INT32_MIN;
inline std::int32_t day_of(const Date& d) {
  return d.is_special() ? kNoDay : static_cast<std::int32_t>((d - Date(1970, 1, 1)).days());
}
inline Date date_of(std::int32_t n) {
  return n == kNoDay ? Date() : Date(1970, 1, 1) + boost::gregorian::date_duration(n);
}
inline std::optional<Date> opt_date(std::int32_t n) {
  return n == kNoDay ? std::nullopt : std::optional<Date>(date_of(n));
}

// Grows a big record vector to hold n elements, asking the kernel for transparent huge
// pages for the fresh storage before it is first touched: with millions of records,
// 4 KiB page faults were most of the cost of replay and of restoring a snapshot.
template <class V>
void reserve_big(V& v, std::size_t n) {
  if (n <= v.capacity()) return;
  const std::size_t cap = std::max(n, v.capacity() * 2);
  V fresh;
  fresh.reserve(cap);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const std::size_t huge = std::size_t(2) << 20;
  const std::size_t bytes = cap * sizeof(typename V::value_type);
  if (bytes >= 2 * huge) {
    const auto begin = (reinterpret_cast<std::uintptr_t>(fresh.data()) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(fresh.data()) + bytes) & ~(huge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint only
  }
#endif
  fresh.insert(fresh.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  v.swap(fresh);
}

struct UnitRec {
  Unit value;
  std::vector<UnitId> children;
  std::vector<AgencyId> agencies;
  std::vector<OrganizationId> organizations;
};

struct PersonRec {
  Person value;
  std::vector<RoleGrant> grants;
};

struct ConferenceRec {
  Conference value;
  Date notice_due;
  std::vector<OpinionId> opinions;
};

struct OpinionRec {
  UnitId unit;
  ConferenceId conference;
  PersonId raised_by;
  OrganizationId raised_by_org;
  UnitId from_unit;
  std::int32_t raised_on = kNoDay;
  std::uint32_t first_item = 0;
  std::uint32_t item_count = 0;
  std::uint16_t topic = 0;
  Channel channel = Channel::letter;
  // Bits of kOpinion* (issue 14). Was explicit padding (always 0), so records of older
  // snapshots read as "no flag"; snapshots copy these records' bytes.
  std::uint8_t flags = 0;
};
constexpr std::uint8_t kOpinionNameWithheld = 1;  // the raiser asked that their name be withheld
// An opinion with no raiser at all (not an escalation, which names its lower unit instead).
inline bool is_anonymous(const OpinionRec& o) {
  return !o.raised_by && !o.raised_by_org && !o.from_unit && o.channel != Channel::escalation;
}
// The raiser is not shown outside the office: withheld, or there is no one to show.
inline bool name_withheld(const OpinionRec& o) { return (o.flags & kOpinionNameWithheld) != 0; }

// Recipients are bits 1 << (Recipient - 1).
struct ReplyRec {
  TextRef number;
  TextRef text;
  std::int32_t date = kNoDay;
  std::int32_t completed_on = kNoDay;
  std::int32_t delivered_on[4] = {kNoDay, kNoDay, kNoDay, kNoDay};
  PersonId signer;
  AgencyId agency;
  std::uint8_t delivered = 0;
  std::uint8_t review = 0;    // 0: not reviewed (no review asked), 1: draft, 2: approved (R13, R14)
  std::uint8_t pad_[6] = {};  // explicit padding: snapshots copy these records' bytes
};

// Who approved a reply and when (R13, R14 review): rare (the shipped profiles ask for no
// review), so a side table keyed by reply index instead of 8 more bytes in every ReplyRec.
struct ApprovalRec {
  std::int32_t on = kNoDay;
  PersonId by;
};

// Findings of the supervisor, chained per item (newest first) to stay off the side table.
struct FindingRec {
  TextRef text;
  std::uint32_t prev = 0;  // index + 1 of the item's previous finding
  PersonId by;
  std::int32_t on = kNoDay;
  bool satisfactory = true;
  std::uint8_t pad_[3] = {};  // explicit padding: snapshots copy these records' bytes
};

struct ItemRec {  // 72 bytes; keep the fields ordered by size
  TextRef text;
  std::uint32_t opinion = 0;
  UnitId unit;
  UnitId raised_in;
  AgencyId agency;
  std::int32_t raised_on = kNoDay;
  std::int32_t deadline = kNoDay;
  std::int32_t original_deadline = kNoDay;
  std::int32_t resolved_on = kNoDay;
  std::int32_t closed_on = kNoDay;
  std::int32_t indexed_day = kNoDay;  // the deadline it is filed under in the index, if any
  std::uint32_t reply = 0;    // index + 1 into replies
  std::uint32_t finding = 0;  // index + 1 of the newest finding
  std::uint32_t dl_prev = 0;  // deadline index links (item ids)
  std::uint32_t dl_next = 0;
  std::uint16_t topic = 0;
  ItemStatus status = ItemStatus::open;
  Outcome outcome = Outcome::none;
  std::uint8_t extensions = 0;   // saturating count; the full list is in ItemCold
  std::uint8_t reopened = 0;
  bool has_cold = false;
  std::uint8_t returned = 0;  // saturating count of replies returned for rework (R13, R14)
};

struct ItemCold {
  std::optional<SpotAnswer> answer;
  std::vector<Extension> extensions;
  std::vector<ItemId> duplicates;
  ItemId merged_into;
  ItemId escalated_to;
  ItemId escalated_from;
  std::string outcome_reason;
  std::optional<Date> outcome_due;
  std::optional<Date> raiser_notified_on;
  std::uint32_t reopened = 0;
};

// Tables derived from the persons, built by the first reader that needs them and shared by
// the later readers of the same state: the Redactor's (src/views/redact.cpp), a walk over
// every person that each public export paid before. Keyed by StateImpl::persons_version,
// which the applier bumps whenever the persons change; readers share a State under the
// engine's shared lock, hence the mutex (one build at a time). A copy or a move of the
// state starts empty: what it held belongs to the state it was built from.
class PersonsDerived {
 public:
  PersonsDerived() = default;
  PersonsDerived(const PersonsDerived&) noexcept {}
  PersonsDerived& operator=(const PersonsDerived&) noexcept {
    std::lock_guard<std::mutex> g(m_);
    value_.reset();
    return *this;
  }
  // The value built for this version of the persons; build() makes it when there is none
  // or it is older. A build that throws leaves nothing behind.
  template <class Build>
  std::shared_ptr<const void> get(std::uint64_t version, Build&& build) const {
    std::lock_guard<std::mutex> g(m_);
    if (!value_ || version_ != version) {
      value_ = build();
      version_ = version;
    }
    return value_;
  }

 private:
  mutable std::mutex m_;
  mutable std::uint64_t version_ = 0;
  mutable std::shared_ptr<const void> value_;
};

// ---- issue 14: place and satisfaction, side tables paid only when used ----
// An item's place (its own, item_placed, else its opinion's): degrees * 1e7, as int32 (about 1 cm).
struct PlaceRec {
  std::int32_t lat7 = 0;
  std::int32_t lon7 = 0;
  TextRef address;
};
inline std::int32_t to_e7(double deg) { return static_cast<std::int32_t>(std::llround(deg * 1e7)); }
inline double from_e7(std::int32_t v) { return static_cast<double>(v) / 1e7; }
// Items with a place, and a grid of 0.01-degree cells (about 1.1 km of latitude) over them
// for the radius and box queries (src/views/place.cpp). Only of_item is in snapshots; the
// grid is rebuilt from it.
struct PlaceIndex {
  static constexpr std::int32_t kCell7 = 100000;  // 0.01 degree in 1e-7 degrees
  static constexpr std::uint32_t kCols = 36001;
  std::unordered_map<std::uint32_t, PlaceRec> of_item;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> grid;  // cell -> item ids, ascending
  static std::int32_t row_of(std::int32_t lat7) {
    return static_cast<std::int32_t>((std::int64_t{lat7} + 900000000) / kCell7);
  }
  static std::int32_t col_of(std::int32_t lon7) {
    return static_cast<std::int32_t>((std::int64_t{lon7} + 1800000000) / kCell7);
  }
  static std::uint32_t cell(std::int32_t row, std::int32_t col) {
    return static_cast<std::uint32_t>(row) * kCols + static_cast<std::uint32_t>(col);
  }
  // Sets the item's place; an item placed before (item_placed) leaves its former cell.
  void add(std::uint32_t item, const PlaceRec& p) {
    auto [at, fresh] = of_item.try_emplace(item, p);
    if (!fresh) {
      const std::uint32_t was = cell(row_of(at->second.lat7), col_of(at->second.lon7));
      at->second = p;
      if (was == cell(row_of(p.lat7), col_of(p.lon7))) return;
      auto g = grid.find(was);
      if (g != grid.end()) {
        auto& ids = g->second;
        auto pos = std::lower_bound(ids.begin(), ids.end(), item);
        if (pos != ids.end() && *pos == item) ids.erase(pos);
        if (ids.empty()) grid.erase(g);
      }
    }
    auto& v = grid[cell(row_of(p.lat7), col_of(p.lon7))];
    if (v.empty() || v.back() < item) v.push_back(item);
    else v.insert(std::lower_bound(v.begin(), v.end(), item), item);
  }
  void rebuild_grid() {
    grid.clear();
    for (const auto& [id, p] : of_item) grid[cell(row_of(p.lat7), col_of(p.lon7))].push_back(id);
    for (auto& [c, v] : grid) std::sort(v.begin(), v.end());
  }
};
// The raiser's rating of an item's reply (the latest; earlier ones are in the log).
struct SatisfactionRec {
  TextRef comment;
  std::uint32_t reply = 0;  // index + 1 of the reply rated
  std::int32_t on = kNoDay;
  Satisfaction rating = Satisfaction::satisfied;
  bool awaiting_front = false;  // not_satisfied, and the front has not yet acted (R14)
  std::uint8_t pad_[2] = {};
};

// ---- evidence attachments (issue 14): rare data, a side table paid only when used ----
// Metadata of the attachments of opinions, replies and findings, keyed by the record they
// belong to; the records themselves (OpinionRec, ReplyRec, FindingRec) do not grow.
struct AttachmentTables {
  struct Owned {
    std::uint32_t item = 0;  // the item of a reply or finding (0 for an opinion)
    std::vector<Attachment> list;
  };
  std::unordered_map<std::uint32_t, Owned> opinions;  // by opinion id
  std::unordered_map<std::uint32_t, Owned> replies;   // by index + 1 into StateImpl::replies
  std::unordered_map<std::uint32_t, Owned> findings;  // by index + 1 into StateImpl::findings
  bool empty() const { return opinions.empty() && replies.empty() && findings.empty(); }
  static const std::vector<Attachment>& of(const std::unordered_map<std::uint32_t, Owned>& m, std::uint32_t k) {
    static const std::vector<Attachment> none;
    auto it = m.find(k);
    return it == m.end() ? none : it->second.list;
  }
};

// verify_attachments (src/attachments.cpp) in two steps: the references are copied under the
// engine's shared lock, the bytes read and hashed after it is released.
struct AttachmentRef {
  Attachment attachment;
  const char* owner = "";  // "opinion", "reply", "finding"
  std::uint32_t id = 0;
};
std::vector<AttachmentRef> attachment_refs(const State& state);
AttachmentReport verify_attachment_refs(const std::vector<AttachmentRef>& refs, const AttachmentStore& store);

struct StateImpl;
// Throws Error(invalid_argument) unless a query as of d can be answered exactly from s
// (d on or after the local day of its last event): see State::answers_for.
void require_answers_for(const StateImpl& s, const Date& d, const char* what);

struct StateImpl {
  std::uint64_t last_seq = 0;
  Instant last_at;
  // Minutes east of UTC of the profile's zone: local dates of event times are taken in it.
  // Not part of snapshots (the engine sets it from its profile after a restore).
  int zone_minutes = 420;

  std::vector<UnitRec> units{1};  // slot 0 unused: ids start at 1
  std::vector<Agency> agencies{1};
  std::vector<Organization> organizations{1};
  std::vector<PersonRec> persons{1};
  std::vector<ConferenceRec> conferences{1};
  std::vector<OpinionRec> opinions{1};
  std::vector<ItemRec> items{1};
  std::vector<ReplyRec> replies;
  std::vector<FindingRec> findings;
  std::unordered_map<std::uint32_t, ItemCold> cold;
  std::unordered_map<std::uint32_t, ApprovalRec> approvals;  // by reply index (R13, R14 review)
  std::shared_ptr<TextPool> text_pool = std::make_shared<TextPool>();
  TextPool& text() { return *text_pool; }
  const TextPool& text() const { return *text_pool; }

  std::vector<std::string> topics{""};
  std::unordered_map<std::string, std::uint16_t> topic_ids{{"", 0}};

  std::unordered_map<std::string, UnitId> unit_codes;
  std::unordered_map<std::string, AgencyId> agency_codes;
  std::unordered_map<std::string, OrganizationId> organization_codes;
  std::unordered_map<std::string, PersonId> person_codes;
  std::unordered_map<std::string, ConferenceId> conference_codes;

  // Outstanding items with a deadline: day -> (head, tail) of an intrusive list.
  std::map<std::int32_t, std::pair<std::uint32_t, std::uint32_t>> by_deadline;

  ViewData view;  // publication, council sessions, voter requests (src/views/)
  OutboxData outbox;  // notices of the notification outbox (src/outbox.cpp)

  // Not in snapshots (a restored state starts at 0 with nothing derived): bumped by the
  // applier whenever the persons change, the key of what is derived from them.
  std::uint64_t persons_version = 0;
  PersonsDerived redaction;  // the Redactor's tables (src/views/redact.cpp)

  // ---- issue 14: place and satisfaction (side tables) ----
  PlaceIndex places;
  std::unordered_map<std::uint32_t, SatisfactionRec> satisfaction;  // item id -> latest rating
  // ---- evidence attachments (issue 14): in snapshots (src/snapshot.cpp) ----
  AttachmentTables attachments;
  // R13: an attachment of a reply is public when it is marked publishable, the reply is its
  // item's reply in force and the item's reply is published.
  bool attachment_public(std::uint32_t reply_index1, const Attachment& a) const;

  // ---- helpers used by apply, decide and queries ----
  bool has_unit(UnitId u) const { return u.value > 0 && u.value < units.size(); }
  bool has_agency(AgencyId a) const { return a.value > 0 && a.value < agencies.size(); }
  bool has_org(OrganizationId o) const { return o.value > 0 && o.value < organizations.size(); }
  bool has_person(PersonId p) const { return p.value > 0 && p.value < persons.size(); }
  bool has_conference(ConferenceId c) const { return c.value > 0 && c.value < conferences.size(); }
  bool has_opinion(OpinionId o) const { return o.value > 0 && o.value < opinions.size(); }
  // Before replaying n events: room for the items and opinions they may add, reserved at
  // once (address space only until used) instead of doubling, which copies the records
  // and faults their pages in twice. A submission and its item's next step make at least
  // two events, so n/2 covers real logs; beyond it the vectors grow as usual.
  void reserve_for_events(std::size_t n) {
    reserve_big(items, items.size() + n / 2);
    reserve_big(opinions, opinions.size() + n / 2);
  }
  bool has_item(ItemId i) const { return i.value > 0 && i.value < items.size(); }

  const ItemCold* cold_of(std::uint32_t id) const {
    auto it = cold.find(id);
    return it == cold.end() ? nullptr : &it->second;
  }
  ItemCold& cold_mut(std::uint32_t id) {
    items[id].has_cold = true;
    return cold[id];
  }
  std::uint16_t topic_id(const std::string& t) {
    auto it = topic_ids.find(t);
    if (it != topic_ids.end()) return it->second;
    const auto id = static_cast<std::uint16_t>(topics.size());
    topics.push_back(t);
    topic_ids.emplace(t, id);
    return id;
  }

  // The item whose outcome a merged duplicate follows.
  std::uint32_t root_of(std::uint32_t id) const {
    for (int guard = 0; guard < 64 && items[id].status == ItemStatus::merged; ++guard) {
      const ItemCold* c = cold_of(id);
      if (!c || !c->merged_into) break;
      id = c->merged_into.value;
    }
    return id;
  }

  bool unit_in_subtree(UnitId u, UnitId root) const {
    for (int guard = 0; u && guard < 1000; ++guard) {
      if (u == root) return true;
      u = units[u.value].value.parent;
    }
    return false;
  }
  std::vector<char> subtree_mask(UnitId root) const;

  bool holds(PersonId p, Role r, UnitId u) const;
  bool holds_in_ancestry(PersonId p, Role r, UnitId u) const;
  bool is_head_or_office(PersonId p, UnitId u) const {
    return holds(p, Role::party_head, u) || holds(p, Role::government_head, u) ||
           holds(p, Role::office, u);
  }
  bool is_head(PersonId p, UnitId u) const {
    return holds(p, Role::party_head, u) || holds(p, Role::government_head, u);
  }
  bool is_agency_staff(PersonId p, AgencyId a) const;
  bool is_agency_head(PersonId p, AgencyId a) const;
  bool is_org_rep(PersonId p, OrganizationId o) const;
  bool is_admin(PersonId p, UnitId u) const {
    return p == kSystemActor || holds_in_ancestry(p, Role::administrator, u);
  }
  bool is_official_of(PersonId p, UnitId u) const;

  Standing standing_of(std::uint32_t id, std::int32_t as_of) const {
    const ItemRec& r = items[root_of(id)];
    if (is_resolved(r.status)) return Standing::resolved;
    const std::int32_t dl = items[id].status == ItemStatus::merged ? r.deadline : items[id].deadline;
    return (dl == kNoDay || dl >= as_of) ? Standing::not_yet_due : Standing::overdue;
  }

  void index_remove(std::uint32_t id);
  void index_insert(std::uint32_t id);
  // Re-files an item in the deadline index after its status or deadline changed.
  void reindex(std::uint32_t id) {
    index_remove(id);
    const ItemRec& r = items[id];
    if (!is_resolved(r.status) && r.status != ItemStatus::merged && r.deadline != kNoDay)
      index_insert(id);
  }

  Item item_value(std::uint32_t id) const;
};

// How a resolved item was resolved, whatever its status now (a closed item keeps it).
enum class Resolution : std::uint8_t { none, answered, replied, handed_on };
inline Resolution resolution_of(const StateImpl& s, std::uint32_t id) {
  const ItemRec& r = s.items[id];
  if (r.has_cold) {
    const ItemCold* c = s.cold_of(id);
    if (c && c->answer) return Resolution::answered;
  }
  if (r.reply && s.replies[r.reply - 1].completed_on != kNoDay) return Resolution::replied;
  if (r.outcome != Outcome::none && r.outcome != Outcome::accepted && r.outcome != Outcome::more_time)
    return Resolution::handed_on;
  return Resolution::none;
}

}  // namespace doithoai::detail

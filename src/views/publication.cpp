// R13: the public feed of published items and the publication of conference results.
#include <algorithm>

#include "common.h"
#include "track.h"
#include "doithoai/error.h"
#include "doithoai/views.h"

namespace doithoai {
using namespace detail;

namespace detail {
// Day an item became public (kNoDay: not public): its reply was published, or it was
// answered on the spot at a conference whose results were published.
std::int32_t public_since(const StateImpl& s, std::uint32_t id) {
  const std::int32_t p = s.view.reply_published_on(id);
  if (p != kNoDay) return p;
  const ItemRec& r = s.items[id];
  if (r.status == ItemStatus::answered || (r.status == ItemStatus::closed && r.reply == 0)) {
    const ConferenceId c = s.opinions[r.opinion].conference;
    if (c) return s.view.results_published_on(c.value);
  }
  return kNoDay;
}

std::string raiser_public(const StateImpl& s, const Redactor& red, std::uint32_t item) {
  const OpinionRec& o = s.opinions[s.items[item].opinion];
  // Name withheld on this opinion (issue 14): never shown outside the office, whatever the
  // raiser's general consent; an anonymous opinion has no one to name.
  if (name_withheld(o) || is_anonymous(o)) return kWithheldLabel;
  if (o.raised_by_org) return s.organizations[o.raised_by_org.value].name;
  if (o.raised_by) return red.public_name(o.raised_by);
  if (o.from_unit) return s.units[o.from_unit.value].value.name;
  return {};
}

PublicItem public_item(const StateImpl& s, const Profile& p, const Redactor& red, std::uint32_t id, std::int32_t since) {
  const ItemRec& r = s.items[id];
  PublicItem x;
  x.id = ItemId(id);
  x.unit = r.raised_in;
  x.unit_name = s.units[r.raised_in.value].value.name;
  x.topic = s.topics[r.topic];
  x.topic_label = label_of(p.topics, x.topic);
  x.text = public_text(s, red, id, s.text().view(r.text));
  x.status = r.status;
  x.raised_by = raiser_public(s, red, id);
  x.raised_on = date_of(r.raised_on);
  x.published_on = date_of(since);
  x.deadline = opt_date(r.deadline);
  if (r.agency) x.agency = s.agencies[r.agency.value].name;
  if (r.reply) {
    const ReplyRec& rep = s.replies[r.reply - 1];
    PublicReply pr;
    pr.number = s.text().str(rep.number);
    pr.date = date_of(rep.date);
    pr.agency = rep.agency ? s.agencies[rep.agency.value].name : std::string();
    pr.text = public_text(s, red, id, s.text().view(rep.text));
    // Evidence (issue 14, R13): the publishable attachments of a published reply only.
    if (!s.attachments.replies.empty())
      for (const Attachment& a : AttachmentTables::of(s.attachments.replies, r.reply))
        if (s.attachment_public(r.reply, a)) {
          pr.attachments.push_back(a);
          pr.attachments.back().name = red.redact(a.name);
        }
    x.reply = std::move(pr);
  }
  if (const ItemCold* c = s.cold_of(id); c && c->answer) x.answer = public_text(s, red, id, c->answer->gist);
  return x;
}
}  // namespace detail

std::vector<PublicItem> public_feed(const State& state, const Profile& profile, UnitId unit, std::size_t limit) {
  const StateImpl& s = detail::StateAccess::impl(state);
  if (unit && !s.has_unit(unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(unit.value));
  const std::vector<char> mask = s.subtree_mask(unit);
  std::vector<std::pair<std::int32_t, std::uint32_t>> found;  // (published day, item)
  for (std::size_t i = 1; i < s.items.size(); ++i) {
    const ItemRec& r = s.items[i];
    if (!mask[r.unit.value] && !mask[r.raised_in.value]) continue;
    const std::int32_t since = public_since(s, static_cast<std::uint32_t>(i));
    if (since != kNoDay) found.push_back({since, static_cast<std::uint32_t>(i)});
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second > b.second;
  });
  if (found.size() > limit) found.resize(limit);
  const Redactor red(state);
  std::vector<PublicItem> out;
  out.reserve(found.size());
  for (const auto& [since, id] : found) out.push_back(public_item(s, profile, red, id, since));
  return out;
}

std::vector<ResultsPublication> results_publication(const State& state, const Profile& profile, const Calendar& calendar,
                                                    UnitId root, Date as_of) {
  const StateImpl& s = detail::StateAccess::impl(state);
  if (root && !s.has_unit(root)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(root.value));
  require_answers_for(s, as_of, "as_of");
  const std::vector<char> mask = s.subtree_mask(root);
  std::vector<ResultsPublication> out;
  for (std::size_t i = 1; i < s.conferences.size(); ++i) {
    const Conference& c = s.conferences[i].value;
    if (!c.held_on || *c.held_on > as_of || !mask[c.unit.value]) continue;
    ResultsPublication x;
    x.conference = ConferenceId(static_cast<std::uint32_t>(i));
    x.unit = c.unit;
    x.unit_name = s.units[c.unit.value].value.name;
    x.held_on = *c.held_on;
    const std::int32_t due = i < s.view.results_due.size() ? s.view.results_due[i] : kNoDay;
    x.due = due != kNoDay ? date_of(due) : calendar.deadline(*c.held_on, profile.deadlines.publication);
    const std::int32_t pub = s.view.results_published_on(static_cast<std::uint32_t>(i));
    const Date done = pub != kNoDay && date_of(pub) <= as_of ? date_of(pub) : as_of;
    if (pub != kNoDay && date_of(pub) <= as_of) x.published_on = date_of(pub);
    x.days_late = done > x.due ? static_cast<int>((done - x.due).days()) : 0;
    x.late = x.days_late > 0;
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace doithoai

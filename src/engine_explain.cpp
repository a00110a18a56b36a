// Engine::explain_deadline: why an item's deadline falls on its day (R09, R12).
//
// The state keeps only the deadline in force and the first one; what set it is read back
// from the item's history (the same events that set it), and a computed date is explained
// by the engine's calendar under the profile's rule, so an official sees the calendar, the
// rule with its citation, and the days off the count stepped over.
#include <algorithm>

#include "doithoai/engine.h"
#include "doithoai/error.h"
#include "engine_impl.h"

namespace doithoai {

namespace {
std::string vn(const Date& d) {
  char b[16];
  std::snprintf(b, sizeof b, "%02d/%02d/%04d", static_cast<int>(d.day()), static_cast<int>(d.month()),
                static_cast<int>(d.year()));
  return b;
}
}  // namespace

DeadlineBasis Engine::Impl::explain_deadline(ItemId id) const {
  const Item it = item(id);  // not_found for unknown ids
  DeadlineBasis b;
  b.item = id;
  if (it.status == ItemStatus::merged && it.merged_into) {
    DeadlineBasis root = explain_deadline(it.merged_into);
    root.item = id;
    root.follows = root.follows ? root.follows : it.merged_into;
    root.source = "merged";
    root.text_vi = "Nội dung trùng, đã gộp vào nội dung số " + std::to_string(root.follows.value) +
                   " và theo thời hạn của nội dung đó. " + root.text_vi;
    return root;
  }
  const DeadlineRule* reply = &profile_.deadlines.reply;
  const DeadlineRule* reopen = &profile_.deadlines.reopen;
  const DeadlineRule* rule = nullptr;
  Date held, dl;
  auto computed = [&](const char* source, const char* rule_name, const DeadlineRule* r, Date event, Date due) {
    b.source = source;
    b.rule = rule_name;
    b.given = false;
    b.event = event;
    b.notice_number.clear();
    rule = r;
    dl = due;
  };
  auto given = [&](const char* source, Date event, Date due) {
    b.source = source;
    b.rule.clear();
    b.given = true;
    b.event = event;
    b.notice_number.clear();
    rule = nullptr;
    dl = due;
  };
  for (const Recorded& r : history(id)) {
    std::visit(
        [&](const auto& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, ev::ConferenceHeld>) {
            held = e.held_on;
            // The items that took the conference's deadline are recorded (older events: those
            // without one).
            const bool took = !e.deadline_items || std::find(e.deadline_items->begin(), e.deadline_items->end(),
                                                             id) != e.deadline_items->end();
            if (dl.is_special() && took) computed("conference", "reply", reply, e.held_on, e.reply_due);
          } else if constexpr (std::is_same_v<E, ev::OpinionSubmitted>) {
            if (e.deadline.is_special()) return;
            if (e.conference && !held.is_special())
              computed("conference", "reply", reply, held, e.deadline);
            else
              computed("intake", "reply", reply, e.raised_on, e.deadline);
          } else if constexpr (std::is_same_v<E, ev::ItemEscalated>) {
            if (e.new_item == id) computed("escalation", "reply", reply, e.on, e.deadline);
          } else if constexpr (std::is_same_v<E, ev::ItemAssigned>) {
            if (e.item == id && e.deadline != dl) given("assignment", e.on, e.deadline);
          } else if constexpr (std::is_same_v<E, ev::ItemExtended>) {
            if (e.item != id) return;
            given("extension", e.notice_date, e.deadline);
            b.notice_number = e.notice_number;
          } else if constexpr (std::is_same_v<E, ev::ItemReopened>) {
            if (e.item != id) return;
            if (calendar_->deadline(e.on, *reopen) == e.deadline)
              computed("reopen", "reopen", reopen, e.on, e.deadline);
            else
              given("reopen", e.on, e.deadline);
          }
        },
        r.event);
  }
  if (it.deadline) b.deadline = it.deadline;
  if (it.original_deadline) b.original_deadline = it.original_deadline;
  if (dl.is_special()) {
    b.text_vi = "Nội dung chưa có thời hạn giải quyết.";
    return b;
  }
  const std::string ext = b.original_deadline && b.deadline && *b.original_deadline != *b.deadline
                              ? " Thời hạn ban đầu: " + vn(*b.original_deadline) + "."
                              : std::string();
  if (rule) {
    DeadlineExplanation x = calendar_->explain(b.event, *rule);
    if (x.deadline != dl) {
      // Computed under another profile or calendar than the engine's today: say so rather than
      // explain a different date.
      b.given = true;
      b.text_vi = "Thời hạn " + vn(dl) + " được tính khi ghi nhận (" + b.source +
                  ") theo quy tắc hoặc lịch khác với quy tắc hiện hành (nay sẽ là " + vn(x.deadline) + ")." + ext;
      b.rule.clear();
      return b;
    }
    b.text_vi = x.text_vi + ext;
    b.computation = std::move(x);
    return b;
  }
  if (b.source == "extension")
    b.text_vi = "Thời hạn " + vn(dl) + " do gia hạn theo thông báo số " + b.notice_number + " ngày " + vn(b.event) +
                " gửi người phản ánh (R12)." + ext;
  else if (b.source == "assignment")
    b.text_vi = "Thời hạn " + vn(dl) + " do người giao việc ấn định ngày " + vn(b.event) +
                " (sớm hơn thời hạn theo quy định)." + ext;
  else
    b.text_vi = "Thời hạn " + vn(dl) + " do Mặt trận ấn định khi yêu cầu giải quyết lại ngày " + vn(b.event) + "." + ext;
  return b;
}

}  // namespace doithoai

#include "common.h"

namespace doithoai::detail {

std::string level_label(std::string_view level, std::string_view lang) {
  const bool en = lang == "en";
  if (level == "tinh") return en ? "Province" : "Cấp tỉnh";
  if (level == "huyen") return en ? "District" : "Cấp huyện";
  if (level == "xa") return en ? "Commune" : "Cấp xã";
  return std::string(level);
}

std::string kind_label(ConferenceKind k, std::string_view lang) {
  const bool en = lang == "en";
  switch (k) {
    case ConferenceKind::periodic: return en ? "Periodic" : "Định kỳ";
    case ConferenceKind::unscheduled: return en ? "Unscheduled" : "Đột xuất";
    case ConferenceKind::thematic: return en ? "Thematic" : "Chuyên đề";
  }
  return std::string(to_string(k));
}

std::string channel_label(Channel c) {
  switch (c) {
    case Channel::collected_in_advance: return "Thu thập trước hội nghị";
    case Channel::at_conference: return "Phát biểu tại hội nghị";
    case Channel::mailbox: return "Hòm thư góp ý";
    case Channel::voter_meeting: return "Tiếp xúc cử tri";
    case Channel::citizen_reception: return "Tiếp công dân";
    case Channel::police_forum: return "Diễn đàn Công an lắng nghe ý kiến nhân dân";
    case Channel::letter: return "Đơn thư";
    case Channel::online_portal: return "Cổng thông tin trực tuyến";
    case Channel::escalation: return "Đề xuất của cấp dưới";
  }
  return std::string(to_string(c));
}

std::string status_label(ItemStatus s, std::string_view lang) {
  const bool en = lang == "en";
  switch (s) {
    case ItemStatus::open: return en ? "Open" : "Đã tiếp nhận";
    case ItemStatus::assigned: return en ? "Assigned" : "Đã giao cơ quan giải quyết";
    case ItemStatus::reply_written: return en ? "Reply written" : "Đã có văn bản trả lời, đang gửi";
    case ItemStatus::replied: return en ? "Replied" : "Đã trả lời bằng văn bản";
    case ItemStatus::answered: return en ? "Answered at the conference" : "Đã trả lời tại hội nghị";
    case ItemStatus::handed_on: return en ? "Handed on" : "Đã chuyển, đề xuất cấp có thẩm quyền";
    case ItemStatus::merged: return en ? "Merged duplicate" : "Trùng nội dung, đã gộp";
    case ItemStatus::closed: return en ? "Closed" : "Đã giải quyết xong";
  }
  return std::string(to_string(s));
}

Date state_date(const StateImpl& s, const Profile& p) {
  if (s.last_at.is_special()) return Date(1970, 1, 1);
  return local_date(s.last_at, p.zone_offset_minutes);
}

}  // namespace doithoai::detail

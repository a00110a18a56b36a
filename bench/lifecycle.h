// Shared by engine_bench and store_bench: a province of 10 districts x 10 wards (each with
// an office, a land agency, its officer and a resident) and one item's whole life in it:
// submit, assign, reply, four deliveries, a supervision finding, close (9 commands).
#pragma once

#include <string>
#include <vector>

#include "doithoai/doithoai.h"

namespace benchlife {

using namespace doithoai;

struct Ward {
  UnitId unit;
  PersonId office, officer;
  AgencyId agency;
  PersonId resident;
};

struct Province {
  UnitId unit;
  PersonId front;
  std::vector<Ward> wards;
};

inline Province build_province(Engine& engine) {
  Province p;
  p.unit = UnitId(engine.execute(kSystemActor, cmd::CreateUnit{"Tỉnh Thử Nghiệm", "tinh"}).id);
  p.front = PersonId(engine.execute(kSystemActor, cmd::RegisterPerson{"Chủ tịch UBMTTQ tỉnh"}).id);
  engine.execute(kSystemActor, cmd::GrantRole{p.front, Role::front_chair, p.unit});
  for (int d = 0; d < 10; ++d) {
    const UnitId district(engine.execute(kSystemActor, cmd::CreateUnit{"Huyện " + std::to_string(d), "huyen", p.unit}).id);
    for (int k = 0; k < 10; ++k) {
      Ward w;
      w.unit = UnitId(engine.execute(kSystemActor, cmd::CreateUnit{"Xã " + std::to_string(d * 10 + k), "xa", district}).id);
      w.agency = AgencyId(engine.execute(kSystemActor, cmd::CreateAgency{w.unit, "Địa chính"}).id);
      w.office = PersonId(engine.execute(kSystemActor, cmd::RegisterPerson{"Văn phòng"}).id);
      engine.execute(kSystemActor, cmd::GrantRole{w.office, Role::office, w.unit});
      w.officer = PersonId(engine.execute(kSystemActor, cmd::RegisterPerson{"Cán bộ"}).id);
      engine.execute(kSystemActor, cmd::GrantRole{w.officer, Role::agency_officer, w.unit, w.agency});
      w.resident = PersonId(engine.execute(kSystemActor, cmd::RegisterPerson{"Người dân"}).id);
      engine.execute(kSystemActor, cmd::GrantRole{w.resident, Role::resident, w.unit});
      p.wards.push_back(w);
    }
  }
  return p;
}

// Prepared commands reused from item to item (only the ids change), as a portal's loop would.
class Lifecycle {
 public:
  Lifecycle(Engine& engine, const Province& p) : engine_(engine), p_(p) {}
  // Item i's whole life (9 commands). Returns the text bytes it added.
  std::size_t run(std::size_t i) {
    const Ward& w = p_.wards[i % p_.wards.size()];
    submit_.unit = w.unit;
    submit_.raised_by = w.resident;
    submit_.items[0].text = "Kiến nghị về cấp giấy chứng nhận quyền sử dụng đất số " + std::to_string(i);
    const ItemId item = engine_.execute(w.resident, submit_).items[0];
    assign_.item = reply_.item = deliver_.item = finding_.item = close_.item = item;
    assign_.agency = w.agency;
    reply_.signer = w.officer;
    engine_.execute(w.office, assign_);
    engine_.execute(w.officer, reply_);
    for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser}) {
      deliver_.recipient = r;
      engine_.execute(w.office, deliver_);
    }
    engine_.execute(p_.front, finding_);
    engine_.execute(p_.front, close_);
    return submit_.items[0].text.size() + reply_.text.size() + reply_.number.size();
  }
  static constexpr int kCommands = 9;

 private:
  Engine& engine_;
  const Province& p_;
  cmd::SubmitOpinion submit_{UnitId(), ConferenceId(), Channel::online_portal, PersonId(), OrganizationId(), Date(), "", {{"land", ""}}};
  cmd::Assign assign_{ItemId(), AgencyId(), std::nullopt};
  cmd::WriteReply reply_{ItemId(), "125/UBND-ĐC", Date(), PersonId(), "Đã kiểm tra, cấp giấy chứng nhận trong tháng"};
  cmd::RecordDelivery deliver_{ItemId(), Recipient::party_head, Date()};
  cmd::RecordFinding finding_{ItemId(), "Đã giải quyết thỏa đáng", true, Date()};
  cmd::CloseItem close_{ItemId(), "", Date()};
};

}  // namespace benchlife

// The README's C++ quickstart, built by a consumer project three ways (find_package,
// add_subdirectory, FetchContent) so the documented code keeps compiling and running.
#include <doithoai/doithoai.h>

#include <iostream>

using namespace doithoai;

int main() {
  // An engine on a SQLite database (":memory:" here; a file path in the README).
  auto engine = open_engine(builtin_profile("hanoi-2200"), ":memory:");

  UnitId ward(engine->execute(kSystemActor, cmd::CreateUnit{"Phường Bồ Đề", "xa"}).id);
  AgencyId land(engine->execute(kSystemActor, cmd::CreateAgency{ward, "Bộ phận Địa chính"}).id);
  PersonId office(engine->execute(kSystemActor, cmd::RegisterPerson{"Văn phòng UBND phường"}).id);
  engine->execute(kSystemActor, cmd::GrantRole{office, Role::office, ward});
  PersonId citizen(engine->execute(kSystemActor, cmd::RegisterPerson{"Trần Văn Bình"}).id);

  Result r = engine->execute(citizen, cmd::SubmitOpinion{ward, {}, Channel::online_portal, citizen, {},
                                                         {}, "", {{"land", "Cấp sổ đỏ chậm"}}},
                             "portal-request-8812");
  ItemId item = r.items[0];
  engine->execute(office, cmd::Assign{item, land, std::nullopt});

  Item it = engine->item(item);
  Accounting a = engine->accounting(ward, engine->today());
  auto late = engine->overdue(engine->today(), 100);
  const bool retried = engine->execute(citizen, cmd::SubmitOpinion{ward, {}, Channel::online_portal, citizen, {},
                                                                   {}, "", {{"land", "Cấp sổ đỏ chậm"}}},
                                       "portal-request-8812").replayed;
  if (it.status != ItemStatus::assigned || !it.deadline || a.items != 1 || !late.empty() || !retried) return 1;
  std::cout << "consumer ok\n";
  return 0;
}

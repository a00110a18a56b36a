// Regenerates tests/golden/ (README.md beside this file): not run by CI.
//   make_golden DIR [NAME...]  DIR holds bode.db (written by examples/bode_demo); writes
//                       random.db (a seeded random workload) and outcomes.db (the recorded
//                       outcomes of issue 16), the JSON Lines and state JSON of each, and their
//                       entries of MANIFEST.json (events, head hash, state digest). With
//                       names, only those logs are written (a new log is added without
//                       touching the old ones).
// scripts/make_golden.sh runs both programs.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "../golden_state.h"

using namespace doithoai;
using nlohmann::json;

namespace {

Instant local(int y, int m, int d, int h = 9) { return Instant(Date(y, m, d), boost::posix_time::hours(h - 7)); }

// A district with two wards and a seeded mix of every follow-up command. Commands the rules
// refuse write nothing and are skipped: the log holds only what the engine decided.
void random_workload(const std::string& path) {
  std::remove(path.c_str());
  auto clock = std::make_shared<ManualClock>(local(2023, 2, 1));
  EngineOptions o;
  o.clock = clock;
  auto e = open_engine(builtin_profile("hanoi-2200"), path, o);
  auto sys = [&](const Command& c) { return e->execute(kSystemActor, c).id; };
  const UnitId city(sys(cmd::CreateUnit{"Thành phố Hà Nội", "tinh", UnitId(), "HN"}));
  const UnitId district(sys(cmd::CreateUnit{"Quận Long Biên", "huyen", city, "LB"}));
  struct Ward { UnitId unit; AgencyId agency; PersonId party, gov, office, officer, front, council; };
  std::vector<Ward> wards;
  std::vector<PersonId> residents;
  const char* names[] = {"Phường Bồ Đề", "Phường Ngọc Lâm"};
  for (int k = 0; k < 2; ++k) {
    Ward w;
    w.unit = UnitId(sys(cmd::CreateUnit{names[k], "xa", district, k ? "NL" : "BD"}));
    w.agency = AgencyId(sys(cmd::CreateAgency{w.unit, "Bộ phận Địa chính"}));
    auto person = [&](const std::string& n, Role r, AgencyId a = AgencyId()) {
      const PersonId p(sys(cmd::RegisterPerson{n + " " + names[k]}));
      e->execute(kSystemActor, cmd::GrantRole{p, r, w.unit, a, OrganizationId()});
      return p;
    };
    w.party = person("Bí thư", Role::party_head);
    w.gov = person("Chủ tịch", Role::government_head);
    w.office = person("Văn phòng", Role::office);
    w.officer = person("Cán bộ", Role::agency_officer, w.agency);
    w.front = person("Chủ tịch MTTQ", Role::front_chair);
    w.council = person("Thường trực HĐND", Role::council_standing);
    wards.push_back(w);
  }
  for (int i = 0; i < 6; ++i) residents.push_back(PersonId(sys(cmd::RegisterPerson{"Cư dân " + std::to_string(i)})));
  const PersonId district_office(sys(cmd::RegisterPerson{"Văn phòng quận"}));
  e->execute(kSystemActor, cmd::GrantRole{district_office, Role::office, district, AgencyId(), OrganizationId()});

  std::mt19937 rng(20240616);  // mt19937's sequence is fixed by the standard
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const char* topics[] = {"land", "environment", "traffic", "urban_order"};
  std::vector<ItemId> items;
  std::vector<ConferenceId> confs;
  int accepted = 0;
  for (int step = 0; step < 400; ++step) {
    clock->set(clock->now() + boost::posix_time::hours(3 + pick(30)));
    const Date today = local_date(clock->now(), 420);
    const Ward& w = wards[pick(2)];
    const ItemId it = items.empty() ? ItemId(1) : items[pick(items.size())];
    try {
      switch (pick(14)) {
        case 0:
        case 1: {
          std::vector<ItemSpec> specs;
          for (std::size_t k = 0, n = 1 + pick(2); k < n; ++k)
            specs.push_back({topics[pick(4)], "Kiến nghị số " + std::to_string(step) + "." + std::to_string(k)});
          const Result r = e->execute(w.office, cmd::SubmitOpinion{w.unit, ConferenceId(), Channel::letter, residents[pick(6)],
                                                                   OrganizationId(), Date(), "", specs});
          items.insert(items.end(), r.items.begin(), r.items.end());
          break;
        }
        case 2: e->execute(w.office, cmd::Assign{it, w.agency, std::nullopt}); break;
        case 3: e->execute(w.officer, cmd::WriteReply{it, std::to_string(step) + "/TL", today, w.officer, "Trả lời " + std::to_string(step)}); break;
        case 4:
        case 5: e->execute(w.office, cmd::RecordDelivery{it, static_cast<Recipient>(1 + pick(4)), today}); break;
        case 6: e->execute(w.office, cmd::Extend{it, today + boost::gregorian::days(60 + pick(30)), std::to_string(step) + "/TB", today, AgencyId(), "Phức tạp"}); break;
        case 7: e->execute(w.office, cmd::DecideIntake{it, static_cast<Outcome>(1 + pick(6)), "Lý do", "Sở Tài nguyên", pick(2) == 1, today, today}); break;
        case 8: {
          const Result r = e->execute(w.office, cmd::Escalate{it, district, AgencyId(), "Đề xuất lên quận", today, today});
          items.insert(items.end(), r.items.begin(), r.items.end());
          break;
        }
        case 9: e->execute(w.front, cmd::RecordFinding{it, "Giám sát " + std::to_string(step), pick(3) != 0, today}); break;
        case 10: e->execute(w.front, cmd::Reopen{it, "Chưa thỏa đáng", std::nullopt, today}); break;
        case 11: e->execute(w.front, cmd::CloseItem{it, "", today}); break;
        case 12: {
          const ItemId other = items.empty() ? ItemId(1) : items[pick(items.size())];
          e->execute(w.office, cmd::MergeDuplicate{it, other});
          break;
        }
        default: {
          if (confs.empty() || pick(2)) {
            confs.push_back(ConferenceId(static_cast<std::uint32_t>(
                e->execute(w.office, cmd::PlanConference{w.unit, ConferenceKind::periodic, "all_residents", today + boost::gregorian::days(20), today}).id)));
          } else {
            const ConferenceId c = confs[pick(confs.size())];
            const Conference k = e->read([&](const State& s) { return s.conference(c); });
            const Ward& kw = wards[k.unit == wards[0].unit ? 0 : 1];
            if (k.status == ConferenceStatus::planned)
              e->execute(kw.office, cmd::HoldConference{c, today, {kw.party, kw.gov}, 80, "Biên bản", {kw.council}});
            else if (k.status == ConferenceStatus::held)
              e->execute(kw.office, cmd::IssueConclusionNotice{c, std::to_string(step) + "/TB-KL", today, "Kết luận"});
            else
              e->execute(kw.office, cmd::CloseConference{c, today});
          }
        }
      }
      ++accepted;
    } catch (const Error&) {
      // refused by the rules: nothing written
    }
  }
  std::cout << "random workload: " << accepted << " of 400 commands accepted, " << e->last_seq() << " events\n";
}

// Written by the first build that records outcomes in events (issue 16, events.h), to hold
// later builds to reading them: a conference held over items collected in advance (one a
// duplicate, one refused before it), letters accepted, kept for more time, transferred and
// reopened, replied and reopened, escalated, closed, and at the end a ward merged into its
// neighbour, whose items follow it.
void outcomes_workload(const std::string& path) {
  std::remove(path.c_str());
  auto clock = std::make_shared<ManualClock>(local(2024, 6, 3));
  EngineOptions o;
  o.clock = clock;
  auto e = open_engine(builtin_profile("hanoi-2200"), path, o);
  auto sys = [&](const Command& c) { return e->execute(kSystemActor, c).id; };
  const UnitId city(sys(cmd::CreateUnit{"Thành phố Hà Nội", "tinh", UnitId(), "HN"}));
  const UnitId district(sys(cmd::CreateUnit{"Quận Long Biên", "huyen", city, "LB"}));
  const UnitId ward(sys(cmd::CreateUnit{"Phường Bồ Đề", "xa", district, "BD"}));
  const UnitId other(sys(cmd::CreateUnit{"Phường Ngọc Lâm", "xa", district, "NL"}));
  const AgencyId land(sys(cmd::CreateAgency{ward, "Bộ phận Địa chính"}));
  auto person = [&](const std::string& n, Role r, UnitId u, AgencyId a = AgencyId()) {
    const PersonId p(sys(cmd::RegisterPerson{n}));
    e->execute(kSystemActor, cmd::GrantRole{p, r, u, a, OrganizationId()});
    return p;
  };
  const PersonId party = person("Bí thư", Role::party_head, ward), gov = person("Chủ tịch", Role::government_head, ward);
  const PersonId office = person("Văn phòng", Role::office, ward), officer = person("Cán bộ", Role::agency_officer, ward, land);
  const PersonId front = person("Chủ tịch MTTQ", Role::front_chair, ward), council = person("Thường trực HĐND", Role::council_standing, ward);
  const PersonId resident = person("Cư dân", Role::resident, ward), resident2 = person("Cư dân 2", Role::resident, ward);
  auto run = [&](PersonId actor, const Command& c) { return e->execute(actor, c); };
  auto day = [&](int m, int d) { clock->set(local(2024, m, d)); };
  auto letter = [&](PersonId who, const std::string& text) {
    return run(office, cmd::SubmitOpinion{ward, ConferenceId(), Channel::letter, who, OrganizationId(), Date(), "", {{"land", text}}}).items.at(0);
  };
  auto reply_all = [&](ItemId i, const std::string& number) {
    run(officer, cmd::WriteReply{i, number, Date(), officer, "Trả lời " + number});
    for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
      run(office, cmd::RecordDelivery{i, r, Date()});
  };
  const ConferenceId conf(run(office, cmd::PlanConference{ward, ConferenceKind::periodic, "all_residents", Date(2024, 6, 14), Date()}).id);
  auto collect = [&](const std::string& text) {
    return run(front, cmd::SubmitOpinion{ward, conf, Channel::collected_in_advance, resident, OrganizationId(), Date(), "", {{"land", text}}}).items.at(0);
  };
  const ItemId advance = collect("Cấp sổ đỏ chậm"), advance2 = collect("Ngõ 64 ngập úng");
  const ItemId duplicate = collect("Sổ đỏ cấp chậm"), refused = collect("Tranh chấp đang ở tòa án");
  run(office, cmd::MergeDuplicate{duplicate, advance});
  run(office, cmd::DecideIntake{refused, Outcome::refused, "Không thuộc thẩm quyền", "", false, Date(), Date(2024, 6, 3)});
  day(6, 14);
  run(office, cmd::HoldConference{conf, Date(), {party, gov}, 120, "Biên bản hội nghị", {council}});
  const ItemId raised = run(office, cmd::SubmitOpinion{ward, conf, Channel::at_conference, resident2, OrganizationId(), Date(), "", {{"land", "Đèn đường hỏng"}}}).items.at(0);
  run(office, cmd::AnswerOnSpot{raised, gov, "Đã giao sửa trong tuần"});
  day(6, 17);
  run(office, cmd::Assign{advance, land, std::nullopt});
  const ItemId replied = letter(resident, "Lấn chiếm vỉa hè"), transferred = letter(resident2, "Ô nhiễm nhà máy");
  const ItemId accepted = letter(resident, "Cây đổ"), more_time = letter(resident2, "Nứt tường do thi công");
  const ItemId escalated = letter(resident, "Quy hoạch quận"), closed = letter(resident2, "Rác thải");
  run(office, cmd::Assign{replied, land, std::nullopt});
  run(office, cmd::Assign{closed, land, std::nullopt});
  day(6, 24);
  reply_all(replied, "1/TL");
  reply_all(closed, "2/TL");
  run(office, cmd::DecideIntake{transferred, Outcome::transferred, "", "Sở Tài nguyên và Môi trường", false, Date(), Date(2024, 6, 24)});
  run(office, cmd::DecideIntake{accepted, Outcome::accepted, "", "", false, Date(), Date()});
  run(office, cmd::Assign{more_time, land, std::nullopt});
  run(office, cmd::DecideIntake{more_time, Outcome::more_time, "Cần giám định", "", false, Date(), Date()});
  run(office, cmd::Escalate{escalated, district, AgencyId(), "Đề nghị quận xem xét quy hoạch", Date(), Date(2024, 6, 24)});
  day(7, 1);
  run(front, cmd::Reopen{replied, "Chưa thỏa đáng", std::nullopt, Date()});
  run(front, cmd::Reopen{transferred, "Chuyển sai nơi", std::nullopt, Date()});
  run(front, cmd::CloseItem{closed, "Đã xong", Date()});
  day(7, 8);
  reply_all(advance, "3/TL");
  (void)advance2;
  run(kSystemActor, cmd::MergeUnit{ward, other, Date()});
  std::cout << "outcomes workload: " << e->last_seq() << " events\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: make_golden DIR [NAME...] (DIR/bode.db written by bode_demo; NAME: bode, random, outcomes;\n"
                 "       only the logs named are written, the others and their MANIFEST entries are kept)\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::vector<std::string> names(argv + 2, argv + argc);
  if (names.empty()) names = {"bode", "random", "outcomes"};
  json manifest = json::object();
  if (std::ifstream in(dir + "/MANIFEST.json"); in.good()) manifest = json::parse(in);
  for (const std::string& name : names) {
    if (name == "random") random_workload(dir + "/random.db");
    else if (name == "outcomes") outcomes_workload(dir + "/outcomes.db");
    else if (name != "bode") throw std::runtime_error("no golden log named " + name);
  }
  for (const std::string& name : names) {
    const std::string db = dir + "/" + name + ".db";
    json m;
    {
      SqliteStore store(db);
      if (!store.verify().ok) throw std::runtime_error(db + " does not verify");
      std::ofstream out(dir + "/" + name + ".jsonl", std::ios::binary);
      m["events"] = export_jsonl(store, out);
      m["head_hash"] = to_hex(store.head_hash());
    }
    auto e = open_engine(builtin_profile("hanoi-2200"), db);
    const json state = e->read([](const State& s) { return golden::state_json(s); });
    const std::string text = state.dump(1);
    std::ofstream(dir + "/" + name + ".state.json", std::ios::binary) << text << "\n";
    m["state_sha256"] = golden::sha256_hex(state.dump());
    m["profile"] = "hanoi-2200";
    manifest[name] = m;
  }
  std::ofstream(dir + "/MANIFEST.json", std::ios::binary) << manifest.dump(2) << "\n";
  std::cout << manifest.dump(2) << "\n";
  return 0;
}

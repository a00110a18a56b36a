// Test support for the views tests: builds histories through engine commands only, with a
// manual clock that moves forward (events must be in time order for as-of rebuilds).
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "doithoai/doithoai.h"

namespace views_test {
using namespace doithoai;
using boost::gregorian::date_duration;

struct Heads {
  PersonId party, government, office, front;
};

struct World {
  std::shared_ptr<ManualClock> clock;
  Engine engine;
  int people = 0;

  explicit World(const std::string& profile, Date start = Date(2010, 1, 1))
      : clock(std::make_shared<ManualClock>(Instant(start))),
        engine(builtin_profile(profile), EngineOptions{nullptr, clock, 16}) {}
  World(Profile profile, Date start)
      : clock(std::make_shared<ManualClock>(Instant(start))),
        engine(std::move(profile), EngineOptions{nullptr, clock, 16}) {}

  // 09:00 local time (UTC+7) on day d; never moves backwards.
  void at(Date d) {
    const Instant t = Instant(d) + boost::posix_time::hours(2);
    if (t > clock->now()) clock->set(t);
  }
  Date today() const { return engine.today(); }

  Result run(PersonId actor, const Command& c) { return engine.execute(actor, c); }

  PersonId person(const std::string& name, bool consent = false, const std::string& phone = "",
                  const std::string& cid = "", const std::string& address = "") {
    cmd::RegisterPerson r;
    r.name = name;
    r.code = "p" + std::to_string(++people);
    r.phone = phone;
    r.citizen_id = cid;
    r.address = address;
    r.consent_public = consent;
    return PersonId(run(kSystemActor, r).id);
  }
  void grant(PersonId p, Role role, UnitId u, AgencyId a = {}) {
    run(kSystemActor, cmd::GrantRole{p, role, u, a, {}});
  }
  UnitId unit(const std::string& name, const std::string& level, UnitId parent = {}) {
    cmd::CreateUnit c;
    c.name = name;
    c.level = level;
    c.parent = parent;
    c.created_on = today();
    return UnitId(run(kSystemActor, c).id);
  }
  Heads heads(UnitId u) {
    Heads h;
    h.party = person("Bí thư " + std::to_string(u.value), true);
    h.government = person("Chủ tịch " + std::to_string(u.value), true);
    h.office = person("Văn phòng " + std::to_string(u.value), true);
    h.front = person("Chủ tịch MTTQ " + std::to_string(u.value), true);
    grant(h.party, Role::party_head, u);
    grant(h.government, Role::government_head, u);
    grant(h.office, Role::office, u);
    grant(h.front, Role::front_chair, u);
    return h;
  }
  // An agency with one officer who may reply.
  std::pair<AgencyId, PersonId> agency(UnitId u, const std::string& name, bool department = false,
                                       const std::string& code = "") {
    const AgencyId a(run(kSystemActor, cmd::CreateAgency{u, name, department, code}).id);
    const PersonId officer = person("Cán bộ " + name, true);
    grant(officer, department ? Role::agency_head : Role::agency_officer, u, a);
    return {a, officer};
  }
  ConferenceId plan(const Heads& h, UnitId u, Date on, ConferenceKind kind = ConferenceKind::periodic,
                    const std::string& audience = "all_residents", const std::string& topic = "",
                    AgencyId department = {}) {
    cmd::PlanConference c;
    c.unit = u;
    c.kind = kind;
    c.audience = audience;
    c.planned_on = on;
    c.topic = kind == ConferenceKind::thematic && topic.empty() ? "land" : topic;
    c.department = department;
    return ConferenceId(run(h.office, c).id);
  }
  void hold(const Heads& h, ConferenceId c, Date on, std::vector<PersonId> chairs = {}) {
    at(on);
    if (chairs.empty()) chairs = {h.party, h.government};
    run(h.office, cmd::HoldConference{c, on, chairs, 100, ""});
  }
  // An opinion raised at a held conference, entered by the office; returns its items.
  std::vector<ItemId> raise(const Heads& h, UnitId u, ConferenceId c, Date held, PersonId by,
                            const std::vector<ItemSpec>& items) {
    cmd::SubmitOpinion s;
    s.unit = u;
    s.conference = c;
    s.channel = Channel::at_conference;
    s.raised_by = by;
    s.raised_on = held;
    s.items = items;
    return run(h.office, s).items;
  }
  void assign(const Heads& h, ItemId i, AgencyId a) { run(h.office, cmd::Assign{i, a, std::nullopt}); }
  // A written reply delivered to every recipient of the profile.
  void reply(const Heads& h, ItemId i, PersonId officer, const std::string& text = "Đã xem xét và trả lời.",
             const std::string& number = "") {
    run(officer, cmd::WriteReply{i, number.empty() ? "TL-" + std::to_string(i.value) : number, today(), officer, text});
    for (Recipient r : engine.profile().reply_recipients) run(h.office, cmd::RecordDelivery{i, r, today()});
  }
};

inline Date D(int y, int m, int d) { return Date(y, m, d); }

}  // namespace views_test

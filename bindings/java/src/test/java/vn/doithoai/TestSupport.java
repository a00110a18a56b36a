package vn.doithoai;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Helpers shared by the tests: engines on a manual clock and a small ward to work in. */
final class TestSupport {
  private TestSupport() {}

  static OffsetDateTime local(int y, int m, int d) {
    return OffsetDateTime.of(y, m, d, 9, 0, 0, 0, ZoneOffset.ofHours(7));
  }

  static Options manual(Options o) {
    return o.profile("hanoi-2200").clock(local(2022, 9, 30));
  }

  static Engine memory() {
    return Engine.open(manual(Options.memory()));
  }

  /** A ward with an office, a resident and an agency (the directory of the benchmarks). */
  record Ward(long unit, long office, long resident, long agency) {
    Command opinion(String text) {
      return Command.submitOpinion(unit, 0, Channel.MAILBOX, resident, List.of(new ItemSpec("land", text)));
    }
  }

  static Ward ward(Engine e) {
    long city = e.execute(Actor.SYSTEM, Command.createUnit("Thành phố Hà Nội", "tinh")).id();
    long ward = e.execute(Actor.SYSTEM, Command.createUnit("Phường Bồ Đề", "xa", city, "BD")).id();
    long office = e.execute(Actor.SYSTEM, Command.registerPerson("Văn phòng")).id();
    e.execute(Actor.SYSTEM, Command.grantRole(office, Role.OFFICE, ward));
    long resident = e.execute(Actor.SYSTEM, Command.registerPerson("Ông A")).id();
    e.execute(Actor.SYSTEM, Command.grantRole(resident, Role.RESIDENT, ward));
    long agency = e.execute(Actor.SYSTEM, Command.createAgency(ward, "Địa chính", false, "DC")).id();
    return new Ward(ward, office, resident, agency);
  }
}

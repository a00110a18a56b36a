// CSV opinion imports (src/csv_import.h: Engine.import_csv of the Python package, the C ABI's
// import_csv and `doithoai import`): any text is
// parsed and its rows converted against a directory with one unit "BD" and one person "P1".
// A parsed table written back as RFC 4180 text must parse to the same table.
#include "csv_import.h"
#include "doithoai/doithoai.h"
#include "fuzz_common.h"

namespace {
using namespace doithoai;

std::string write_csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += '"';
      for (const char ch : row[i]) {
        if (ch == '"') out += '"';
        out += ch;
      }
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

const Engine& world() {
  static Engine* e = [] {
    auto* en = new Engine(builtin_profile("hanoi-2200"));
    const UnitId u(en->execute(kSystemActor, cmd::CreateUnit{"Phường Bồ Đề", "tinh", UnitId(), "BD"}).id);
    cmd::RegisterPerson p{"Trần Văn Bình"};
    p.code = "P1";
    en->execute(kSystemActor, p);
    (void)u;
    return en;
  }();
  return *e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::bytes(data, size));
  std::vector<std::vector<std::string>> table;
  if (!fuzz::accepts([&] { table = detail::parse_csv(text); })) return 0;
  // Blank lines and a lone empty field are the same row ([""]); a row of one empty field
  // writes as "" and reads back as [""] too.
  FUZZ_CHECK(detail::parse_csv(write_csv(table)) == table);
  fuzz::accepts([&] {
    const detail::CsvOpinions read =
        world().read([&](const State& s) { return detail::read_opinions_csv(s, text, detail::CsvDefaults{}); });
    FUZZ_CHECK(read.commands.size() == read.lines.size());
  });
  return 0;
}

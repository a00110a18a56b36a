// tools/cli/csv_import.cpp: `doithoai import STORE FILE.csv`, opinions from a spreadsheet.
// The same file format and the same all-rows-read-first rule as the Python binding's
// Engine.import_csv (bindings/bulk.cpp); the parser is a copy of its RFC 4180 reader
// (the library has no public CSV reader to share).
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "cli.h"
#include "progress.h"

using namespace doithoai;

namespace doithoai_cli {

namespace {

[[noreturn]] void invalid(const std::string& m) { throw Error(ErrorCode::invalid_argument, m); }

// RFC 4180: quoted fields, doubled quotes, CRLF or LF; a UTF-8 BOM is skipped.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  std::size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    any = true;
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
        else quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field += ch;
    }
  }
  if (quoted) invalid("CSV: unterminated quoted field");
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

template <class IdT>
IdT checked_id(const std::string& v, const char* column, std::size_t row) {
  std::uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 10;
  for (const char ch : v) {
    if (ch < '0' || ch > '9') ok = false;
    else n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (!ok || n >= std::numeric_limits<std::uint32_t>::max())
    invalid("CSV row " + std::to_string(row) + ", column '" + column +
            "': expected an id (an integer in 0..4294967294), got '" + v + "'");
  return IdT(static_cast<std::uint32_t>(n));
}

template <class IdT>
IdT id_or_code(const State& s, const std::string& v, const char* what, std::size_t row) {
  if (v.empty()) return IdT();
  if (v.find_first_not_of("0123456789") == std::string::npos && v.size() < 10) return checked_id<IdT>(v, what, row);
  std::optional<IdT> found;
  if constexpr (std::is_same_v<IdT, UnitId>) found = s.find_unit(v);
  else if constexpr (std::is_same_v<IdT, PersonId>) found = s.find_person(v);
  if (!found) throw Error(ErrorCode::not_found, "CSV row " + std::to_string(row) + ": no " + what + " with code '" + v + "'");
  return *found;
}

}  // namespace

int import_csv(const Args& a, Opened& o, const std::string& path) {
  Engine& en = *o.engine;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorCode::not_found, "cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  const auto table = parse_csv(ss.str());
  if (table.empty()) invalid("CSV: no header row");
  const auto& header = table[0];
  static const char* known[] = {"unit", "conference", "channel", "raised_by", "raised_by_org",
                                "raised_on", "topic", "text", "opinion"};
  for (const auto& h : header) {
    bool ok = false;
    for (const char* k : known) ok = ok || h == k;
    if (!ok)
      invalid("CSV: unknown column '" + h + "' (known: unit, conference, channel, raised_by, raised_by_org, "
              "raised_on, topic, text, opinion)");
  }
  auto col = [&](const char* name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  };
  const int c_unit = col("unit"), c_conf = col("conference"), c_chan = col("channel"), c_by = col("raised_by"),
            c_org = col("raised_by_org"), c_on = col("raised_on"), c_topic = col("topic"), c_text = col("text"),
            c_op = col("opinion");
  if (c_text < 0 || c_topic < 0) invalid("CSV: the columns \"topic\" and \"text\" are required");

  // Defaults from the options.
  PersonId actor = kSystemActor;
  UnitId unit;
  ConferenceId conference;
  Channel channel = Channel::letter;
  Date raised_on;
  en.read([&](const State& s) {
    if (auto v = a.get("--actor"); v && *v != "system") actor = id_or_code<PersonId>(s, *v, "person", 0);
    if (auto v = a.get("--conference")) conference = checked_id<ConferenceId>(*v, "--conference", 0);
    return 0;
  });
  if (auto v = a.get("--unit")) unit = unit_arg(en, *v, "--unit");
  if (auto v = a.get("--channel")) channel = parse_enum<Channel>(*v);
  if (auto v = a.get("--raised-on")) raised_on = date_arg(*v, "--raised-on");

  std::vector<cmd::SubmitOpinion> cmds;
  std::vector<std::size_t> lines;
  en.read([&](const State& s) {
    std::string last_key;
    for (std::size_t r = 1; r < table.size(); ++r) {
      const auto& row = table[r];
      if (row.size() == 1 && row[0].empty()) continue;  // blank line
      const std::size_t line = r + 1;
      if (row.size() != header.size())
        invalid("CSV row " + std::to_string(line) + ": " + std::to_string(row.size()) + " fields, header has " +
                std::to_string(header.size()));
      auto at = [&](int c) -> const std::string& {
        static const std::string empty;
        return c < 0 ? empty : row[static_cast<std::size_t>(c)];
      };
      const std::string& key = at(c_op);
      if (!key.empty() && key == last_key && !cmds.empty()) {
        cmds.back().items.push_back(ItemSpec{at(c_topic), at(c_text)});
        continue;
      }
      last_key = key;
      cmd::SubmitOpinion c;
      try {
        c.unit = at(c_unit).empty() ? unit : id_or_code<UnitId>(s, at(c_unit), "unit", line);
        c.conference = at(c_conf).empty() ? conference : checked_id<ConferenceId>(at(c_conf), "conference", line);
        c.channel = at(c_chan).empty() ? channel : parse_enum<Channel>(at(c_chan));
        c.raised_by = id_or_code<PersonId>(s, at(c_by), "person", line);
        if (!at(c_org).empty()) c.raised_by_org = checked_id<OrganizationId>(at(c_org), "raised_by_org", line);
        c.raised_on = at(c_on).empty() ? raised_on : date_arg(at(c_on), "raised_on");
      } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind("CSV row", 0) == 0) throw;
        throw Error(e.code(), "CSV row " + std::to_string(line) + ": " + what + " (nothing was imported)");
      }
      c.items.push_back(ItemSpec{at(c_topic), at(c_text)});
      cmds.push_back(std::move(c));
      lines.push_back(line);
    }
    return 0;
  });

  const bool keep_going = a.has("--keep-going");
  const std::string prefix = a.get("--key-prefix").value_or("");
  Progress progress("import", cmds.size());
  std::size_t submitted = 0, items = 0, failed = 0, replayed = 0;
  int first_failure = kOk;
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    try {
      const Result r = en.execute(actor, cmds[i], prefix.empty() ? std::string() : prefix + std::to_string(lines[i]));
      ++submitted;
      items += r.items.size();
      replayed += r.replayed;
    } catch (const Error& e) {
      ++failed;
      if (first_failure == kOk) first_failure = exit_code(e.code());
      progress.clear();
      std::cerr << "doithoai: CSV row " << lines[i] << ": " << to_string(e.code()) << ": " << e.what() << "\n";
      if (!keep_going) {
        std::cout << "imported " << submitted << " opinions (" << items << " items) from " << path
                  << "; stopped at row " << lines[i] << " (the rows before it are committed; fix it and run again"
                  << (prefix.empty() ? " on the remaining rows)" : ": --key-prefix skips the committed ones)") << "\n";
        return first_failure;
      }
    }
    progress.update(i + 1);
  }
  progress.clear();
  std::cout << "imported " << submitted << " opinions (" << items << " items) from " << path;
  if (replayed) std::cout << "; " << replayed << " were already imported (same idempotency key)";
  if (failed) std::cout << "; " << failed << " rows failed";
  std::cout << "\n";
  return first_failure;
}

}  // namespace doithoai_cli

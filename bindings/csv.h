// bindings/csv.h: the CSV reading of Engine.import_csv (bulk.cpp), kept free of pybind11
// so that fuzz/fuzz_csv.cpp can drive it. parse_csv reads RFC 4180 text (quoted fields,
// doubled quotes, CRLF or LF, an optional UTF-8 BOM) into rows of fields; the id helpers
// read one cell. Every failure is doithoai::Error (invalid_argument, or not_found for an
// unknown code); nothing else is thrown but std::bad_alloc.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "doithoai/commands.h"
#include "doithoai/error.h"
#include "doithoai/model.h"
#include "doithoai/time.h"
#include "doithoai/state.h"

namespace dtpy {
using namespace doithoai;

// ---- CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF) ----
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  std::size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 BOM from spreadsheets
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    any = true;
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
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
  if (quoted) throw Error(ErrorCode::invalid_argument, "CSV: unterminated quoted field");
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

// A CSV id column: decimal digits naming an id in range (never wrapped, never
// std::stoul's own exceptions).
template <class IdT>
IdT checked_id(const std::string& v, const char* column, std::size_t row) {
  std::uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 10;
  for (const char ch : v) {
    if (ch < '0' || ch > '9') ok = false;
    else n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (!ok || n >= std::numeric_limits<std::uint32_t>::max())
    throw Error(ErrorCode::invalid_argument, "CSV row " + std::to_string(row) + ", column '" + column +
                                                 "': expected an id (an integer in 0..4294967294), got '" + v + "'");
  return IdT(static_cast<std::uint32_t>(n));
}

template <class IdT>
IdT id_or_code(const State& s, const std::string& v, const char* what, std::size_t row) {
  if (v.empty()) return IdT();
  if (v.find_first_not_of("0123456789") == std::string::npos && v.size() < 10)
    return checked_id<IdT>(v, what, row);
  std::optional<IdT> found;
  if constexpr (std::is_same_v<IdT, UnitId>) found = s.find_unit(v);
  else if constexpr (std::is_same_v<IdT, PersonId>) found = s.find_person(v);
  if (!found)
    throw Error(ErrorCode::not_found, "row " + std::to_string(row) + ": no " + what + " with code '" + v + "'");
  return *found;
}

// The defaults of Engine.import_csv's keywords, for columns a file lacks or leaves empty.
struct CsvDefaults {
  UnitId unit;
  ConferenceId conference;
  Channel channel = Channel::letter;
  Date raised_on;
};

// The commands of a parsed CSV table (header row first), one SubmitOpinion per opinion, and
// the line number of each; consecutive rows with the same non-empty "opinion" key become
// items of one opinion. Unit and person columns take ids or codes known to s. Throws
// Error naming the line ("CSV row n: ...") at the first row that cannot be read.
inline void csv_opinions(const std::vector<std::vector<std::string>>& table, const State& s, const CsvDefaults& d,
                         std::vector<cmd::SubmitOpinion>& cmds, std::vector<std::size_t>& numbers) {
  if (table.empty()) throw Error(ErrorCode::invalid_argument, "CSV: no header row");
  const auto& header = table[0];
  auto col = [&](const char* name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  };
  static const char* known[] = {"unit", "conference", "channel", "raised_by", "raised_by_org",
                                "raised_on", "topic", "text", "opinion"};
  for (const auto& h : header) {
    bool ok = false;
    for (const char* k : known) ok = ok || h == k;
    if (!ok)
      throw Error(ErrorCode::invalid_argument, "CSV: unknown column '" + h +
                                                   "' (known: unit, conference, channel, raised_by, raised_by_org, "
                                                   "raised_on, topic, text, opinion)");
  }
  const int c_unit = col("unit"), c_conf = col("conference"), c_chan = col("channel"), c_by = col("raised_by"),
            c_org = col("raised_by_org"), c_on = col("raised_on"), c_topic = col("topic"), c_text = col("text"),
            c_op = col("opinion");
  if (c_text < 0 || c_topic < 0)
    throw Error(ErrorCode::invalid_argument, "CSV: the columns \"topic\" and \"text\" are required");
  cmds.reserve(table.size());
  std::string last_key;
  for (std::size_t r = 1; r < table.size(); ++r) {
    const auto& row = table[r];
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    const std::size_t line = r + 1;
    if (row.size() != header.size())
      throw Error(ErrorCode::invalid_argument, "CSV row " + std::to_string(line) + ": " +
                                                     std::to_string(row.size()) + " fields, header has " +
                                                     std::to_string(header.size()));
    auto at = [&](int c) -> const std::string& {
      static const std::string empty;
      return c < 0 ? empty : row[static_cast<std::size_t>(c)];
    };
    const std::string& key = at(c_op);
    if (!key.empty() && key == last_key && !cmds.empty()) {  // another item of the same opinion
      cmds.back().items.push_back(ItemSpec{at(c_topic), at(c_text)});
      continue;
    }
    last_key = key;
    cmd::SubmitOpinion c;
    // Every row is converted before any is submitted: a row that cannot be read stops
    // the import with nothing committed, naming the row.
    try {
      c.unit = at(c_unit).empty() ? d.unit : id_or_code<UnitId>(s, at(c_unit), "unit", line);
      c.conference = at(c_conf).empty() ? d.conference
                                         : checked_id<ConferenceId>(at(c_conf), "conference", line);
      c.channel = at(c_chan).empty() ? d.channel : parse_enum<Channel>(at(c_chan));
      c.raised_by = id_or_code<PersonId>(s, at(c_by), "person", line);
      if (!at(c_org).empty()) c.raised_by_org = checked_id<OrganizationId>(at(c_org), "raised_by_org", line);
      c.raised_on = at(c_on).empty() ? d.raised_on : parse_date(at(c_on));
    } catch (const Error& e) {
      const std::string what = e.what();
      if (what.rfind("CSV row", 0) == 0 || what.rfind("row ", 0) == 0) throw;
      throw Error(e.code(), "CSV row " + std::to_string(line) + ": " + what + " (nothing was imported)");
    }
    c.items.push_back(ItemSpec{at(c_topic), at(c_text)});
    cmds.push_back(std::move(c));
    numbers.push_back(line);
  }
}

}  // namespace dtpy

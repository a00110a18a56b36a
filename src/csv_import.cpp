// src/csv_import.cpp: opinions from CSV (src/csv_import.h). Moved from the Python binding
// so that the C ABI reads files the same way, with the same messages.
#include "csv_import.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

#include "doithoai/error.h"
#include "doithoai/model.h"

namespace doithoai::detail {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::invalid_argument, message); }

}  // namespace

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
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
  if (quoted) invalid("CSV: unterminated quoted field");
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

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

// A CSV coordinate: a decimal number (no spaces, no locale), finite; the range is the
// engine's check (R04), made when the opinion is submitted.
double checked_degrees(const std::string& v, const char* column, std::size_t row) {
  double d = 0;
  const char* end = v.data() + v.size();
  const auto [p, ec] = std::from_chars(v.data(), end, d);
  if (v.empty() || ec != std::errc() || p != end || !std::isfinite(d))
    throw Error(ErrorCode::invalid_argument, "CSV row " + std::to_string(row) + ", column '" + column +
                                                 "': expected a number of degrees, got '" + v.substr(0, 64) + "'");
  return d;
}

// The row's place (issue 14, R04): lat and long together, address only with them.
std::optional<Place> row_place(const std::string& lat, const std::string& lon, const std::string& address,
                               std::size_t row) {
  if (lat.empty() && lon.empty()) {
    if (!address.empty())
      throw Error(ErrorCode::invalid_argument, "CSV row " + std::to_string(row) +
                                                   ": an address needs the columns 'lat' and 'long' (R04)");
    return std::nullopt;
  }
  if (lat.empty() || lon.empty())
    throw Error(ErrorCode::invalid_argument, "CSV row " + std::to_string(row) + ": a place needs both 'lat' and 'long'");
  Place p;
  p.lat = checked_degrees(lat, "lat", row);
  p.lon = checked_degrees(lon, "long", row);
  p.address = address;
  return p;
}

std::optional<bool> checked_flag(const std::string& v, const char* column, std::size_t row) {
  if (v.empty()) return std::nullopt;
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  throw Error(ErrorCode::invalid_argument, "CSV row " + std::to_string(row) + ", column '" + column +
                                               "': expected true, false, 1 or 0, got '" + v.substr(0, 64) + "'");
}

}  // namespace

CsvOpinions read_opinions_csv(const State& s, const std::string& text, const CsvDefaults& defaults) {
  auto table = parse_csv(text);
  if (table.empty()) invalid("CSV: no header row");
  const auto& header = table[0];
  auto col = [&](const char* name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  };
  static const char* known[] = {"unit",      "conference", "channel", "raised_by", "raised_by_org", "raised_on",
                                "topic",     "text",       "opinion", "lat",       "long",          "address",
                                "withhold_name"};
  for (const auto& h : header) {
    bool ok = false;
    for (const char* k : known) ok = ok || h == k;
    if (!ok) invalid("CSV: unknown column '" + h + "' (known: unit, conference, channel, raised_by, "
                     "raised_by_org, raised_on, topic, text, opinion, lat, long, address, withhold_name)");
  }
  const int c_unit = col("unit"), c_conf = col("conference"), c_chan = col("channel"), c_by = col("raised_by"),
            c_org = col("raised_by_org"), c_on = col("raised_on"), c_topic = col("topic"), c_text = col("text"),
            c_op = col("opinion"), c_lat = col("lat"), c_lon = col("long"), c_addr = col("address"),
            c_withhold = col("withhold_name");
  if (c_text < 0 || c_topic < 0) invalid("CSV: the columns \"topic\" and \"text\" are required");
  CsvOpinions out;
  auto& cmds = out.commands;
  auto& numbers = out.lines;
  cmds.reserve(table.size());
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
    // Each row is an item; its place (if any) is the item's own (issue 14: item_placed).
    ItemSpec item{at(c_topic), at(c_text)};
    item.place = row_place(at(c_lat), at(c_lon), at(c_addr), line);
    if (!key.empty() && key == last_key && !cmds.empty()) {  // another item of the same opinion
      cmds.back().items.push_back(std::move(item));
      continue;
    }
    last_key = key;
    cmd::SubmitOpinion c;
    // Every row is converted before any is submitted: a row that cannot be read stops
    // the import with nothing committed, naming the row.
    try {
      c.unit = at(c_unit).empty() ? defaults.unit : id_or_code<UnitId>(s, at(c_unit), "unit", line);
      c.conference = at(c_conf).empty() ? defaults.conference
                                         : checked_id<ConferenceId>(at(c_conf), "conference", line);
      c.channel = at(c_chan).empty() ? defaults.channel : parse_enum<Channel>(at(c_chan));
      c.raised_by = id_or_code<PersonId>(s, at(c_by), "person", line);
      if (!at(c_org).empty()) c.raised_by_org = checked_id<OrganizationId>(at(c_org), "raised_by_org", line);
      c.raised_on = at(c_on).empty() ? defaults.raised_on : parse_date(at(c_on));
      c.withhold_name = checked_flag(at(c_withhold), "withhold_name", line);
    } catch (const Error& e) {
      const std::string what = e.what();
      if (what.rfind("CSV row", 0) == 0 || what.rfind("row ", 0) == 0) throw;
      throw Error(e.code(), "CSV row " + std::to_string(line) + ": " + what + " (nothing was imported)");
    }
    c.items.push_back(std::move(item));
    cmds.push_back(std::move(c));
    numbers.push_back(line);
  }
  return out;
}

}  // namespace doithoai::detail

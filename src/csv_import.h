// src/csv_import.h: reading opinions from a CSV file (RFC 4180) into SubmitOpinion commands,
// shared by the Python binding (Engine.import_csv) and the C ABI (dt_call "import_csv").
//
// Columns: topic, text (required); unit (id or unit code), conference, channel, raised_by
// (id or person code), raised_by_org, raised_on, opinion (consecutive rows with the same
// non-empty opinion key become items of one opinion), lat, long, address (the row's item's
// own place, issue 14), withhold_name (true/false/1/0, from the opinion's first row). Missing
// columns or empty cells take the defaults. Every row is converted before any command is returned, so a row that cannot
// be read throws (naming its line, the header being line 1) and nothing is imported.
// Internal (not installed); exported so that the tests link against a shared build.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "doithoai/commands.h"
#include "doithoai/export.h"
#include "doithoai/state.h"

namespace doithoai::detail {

// Fields, in order, of each record; a UTF-8 BOM is skipped, CRLF and LF both end a record.
// Throws Error(invalid_argument) for an unterminated quoted field.
DOITHOAI_API std::vector<std::vector<std::string>> parse_csv(const std::string& text);

struct CsvDefaults {
  UnitId unit;
  ConferenceId conference;
  Channel channel = Channel::letter;
  Date raised_on;
};

struct CsvOpinions {
  std::vector<cmd::SubmitOpinion> commands;
  std::vector<std::size_t> lines;  // the file line of each command's first row
};

// Converts the CSV text; `state` resolves unit and person codes.
DOITHOAI_API CsvOpinions read_opinions_csv(const State& state, const std::string& text, const CsvDefaults& defaults);

}  // namespace doithoai::detail

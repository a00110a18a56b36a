// The store's direct payload writer (src/json_text.h) against nlohmann's dump(): the
// payload text is hashed into the chain, so the two must agree byte for byte.
#include <catch2/catch.hpp>
#include <random>

#include "binary.h"
#include "json_text.h"
#include "reflect.h"
#include "store_support.h"

using namespace doithoai;

namespace {

template <class T>
struct is_vec : std::false_type {};
template <class T>
struct is_vec<std::vector<T>> : std::true_type {};

// Sets every field of an event to a non-default value built from text.
struct Filler {
  std::string text;
  std::uint32_t n = 7;
  template <class T>
  void fill(T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      v = text;
    } else if constexpr (std::is_same_v<T, bool>) {
      v = true;
    } else if constexpr (std::is_enum_v<T>) {
      v = static_cast<T>(1);
    } else if constexpr (std::is_integral_v<T>) {
      v = static_cast<T>(n++);
    } else if constexpr (std::is_floating_point_v<T>) {  // a place's degrees (issue 14)
      v = 21.0405123 + n++ * 1e-7;
    } else if constexpr (std::is_same_v<T, Date>) {
      v = Date(2022, 9, 30);
    } else if constexpr (std::is_same_v<T, std::optional<Date>>) {
      v = Date(2022, 10, 7);
    } else if constexpr (detail::is_outcome<T>::value) {  // a recorded outcome, present
      typename T::value_type x{};
      fill(x);
      v = std::move(x);
    } else if constexpr (std::is_same_v<T, std::vector<ItemSpec>>) {
      v = {ItemSpec{"land", text}, ItemSpec{"Môi trường", text + "!"}};
    } else if constexpr (is_vec<T>::value) {
      v.resize(2);
      for (auto& x : v) fill(x);
    } else if constexpr (std::is_class_v<T> && std::is_constructible_v<T, std::uint32_t>) {
      v = T(n++);  // an id
    } else {
      detail::Reflect<T>::each(v, [&](const char*, auto& f) { fill(f); });
    }
  }
};

void require_same(const Event& e) {
  const std::string expected = event_to_json(e).dump();
  REQUIRE(detail::event_json_text(e) == expected);
}

}  // namespace

TEST_CASE("json text: every event type, empty and filled, is written as nlohmann dumps it") {
  for (std::size_t i = 0; i < std::variant_size_v<Event>; ++i) {
    Event e;
    detail::emplace_index(e, i);
    INFO(event_type(e));
    require_same(e);
    for (const char* text : {"Đề nghị sửa đường \"Ngọc Lâm\" \\ số 5\n\ttầng 2", "a\x01\x1f\x7f\b\f\r", "😀 ₫ ế",
                             ""}) {
      Filler f{text};
      std::visit([&](auto& x) { f.fill(x); }, e);
      require_same(e);
    }
  }
}

TEST_CASE("json text: random bytes, valid or not, give the same text, or Error where dump() refuses") {
  std::mt19937 rng(20221110);
  const std::vector<std::string> pieces = {"a", "Z", " ", "\"", "\\", "/", "\n", "\x01", "\x1f", "\x7f", "ệ", "đ",
                                           "😀", "\xff", "\xc0\x80", "\xed\xa0\x80", "\xe1\xba", "\xf4\x90\x80\x80",
                                           "\xc3", "\xf0\x9f\x98", "\xe0\x9f\x80", "\xc2\xa0"};
  int valid = 0, invalid = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
    ev::OpinionSubmitted op;
    op.topic = "land";
    op.items = {ItemSpec{"land", text}};
    const Event e = op;
    std::string expected;
    bool refused = false;
    try {
      expected = event_to_json(e).dump();
    } catch (const nlohmann::json::type_error&) {
      refused = true;
    }
    INFO(text);
    if (refused) {
      ++invalid;
      // The library's own error, not nlohmann's (fuzz_replay_row found a damaged replay
      // cache row letting nlohmann's type_error out of SqliteStore's open).
      REQUIRE_ERROR(invalid_argument, detail::event_json_text(e));
    } else {
      ++valid;
      REQUIRE(detail::event_json_text(e) == expected);
    }
  }
  REQUIRE(valid > 100);
  REQUIRE(invalid > 100);
}

TEST_CASE("json text: a workload's whole log is written as nlohmann dumps it") {
  Engine e(builtin_profile("hanoi-2200"), sx::options(sx::clock()));
  const sx::Directory d = sx::build_directory(e);
  sx::workload(e, d, 3, "k-");
  std::size_t n = 0;
  for (const Recorded& r : e.events(1, 1000000)) {
    require_same(r.event);
    ++n;
  }
  REQUIRE(n == e.last_seq());
}

// ---- decode_opinion_rows: the C ABI's streaming import_opinions reader ----

namespace {

// What import_opinions did through a JSON tree: parse_json, then each row with its type
// added through command_from_json. "ok <rows as JSON>" or "error <code>".
std::string rows_by_tree(const std::string& text) {
  try {
    const nlohmann::json j = parse_json(text);
    if (!j.is_object()) return "error invalid_argument";
    if (!j.contains("rows") || !j["rows"].is_array()) return "norows";
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : j["rows"]) {
      if (!r.is_object()) return "error invalid_argument";
      nlohmann::json row = r;
      if (row.contains("type") && row["type"] != "submit_opinion") return "error invalid_argument";
      row["type"] = "submit_opinion";
      const Command c = command_from_json(row);
      if (!std::holds_alternative<cmd::SubmitOpinion>(c)) return "error invalid_argument";
      out.push_back(command_to_json(c));
    }
    return "ok " + out.dump();
  } catch (const Error& e) {
    return "error " + std::string(to_string(e.code()));
  }
}

std::string rows_by_stream(const std::string& text, nlohmann::json* rest = nullptr) {
  try {
    nlohmann::json others;
    std::vector<cmd::SubmitOpinion> rows;
    if (!detail::decode_opinion_rows(text, others, rows)) return "norows";
    if (rest) *rest = others;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) out.push_back(command_to_json(Command(r)));
    return "ok " + out.dump();
  } catch (const Error& e) {
    return "error " + std::string(to_string(e.code()));
  }
}

}  // namespace

TEST_CASE("json text: import_opinions rows decode as command_from_json decodes them, whatever the input") {
  const std::string good = R"({"unit": 1, "channel": "mailbox", "raised_by": 4, "items": [{"topic": "land", "text": "Nội dung"}]})";
  const std::vector<std::string> rows = {
      good,
      R"({"type": "submit_opinion", "unit": 1, "conference": 2, "channel": "at_conference", "raised_by": null,
          "raised_by_org": 3, "raised_on": "2022-09-30", "topic": "land", "items": []})",
      R"({"unit": 1, "unit": 7, "items": [{"topic": "a", "text": "x"}], "items": [{"topic": "b", "text": "y"}]})",
      R"({})",
      R"({"type": "assign", "item": 1, "agency": 2})",
      R"({"type": 5})",
      R"({"unit": -1})",
      R"({"unit": 4294967295})",
      R"({"unit": 4294967294})",
      R"({"unit": 18446744073709551615})",
      R"({"unit": 1.0})",
      R"({"unit": "1"})",
      R"({"channel": "carrier pigeon"})",
      R"({"channel": 3})",
      R"({"raised_on": "2022-02-30"})",
      R"({"raised_on": "99999-01-01"})",
      R"({"topic": "\u0000"})",
      R"({"topic": "\ud800"})",
      R"({"items": {"topic": "land"}})",
      R"({"items": [{"topic": "land", "text": "x", "colour": "red"}]})",
      R"({"items": [[1, 2]]})",
      R"({"items": [{"topic": {"nested": [1, {"a": null}]}}]})",
      R"({"items": [{"topic": 5, "topic": "land", "text": "x"}, {"text": "y", "text": 7}]})",
      R"({"items": [{"topic": "land", "type": {"any": [1]}, "text": "x"}, {"type": 3}]})",
      R"({"items": [{"colour": 1, "colour": 2}]})",
      R"({"items": [1, {"topic": "a"}]})",
      R"({"items": [{"topic": "a"}, null]})",
      R"({"items": [{"topic": "a"}, []]})",
      R"({"items": [{"topic": "a", "text": ["x"]}], "items": [{"topic": "b", "text": "y"}]})",
      R"({"items": [{"topic": "b", "text": "y"}], "items": [{"topic": 1}]})",
      R"({"items": [{"topic": 1}], "items": 5})",
      R"({"items": [{}, {}, {"topic": "é
", "text": ""q""}]})",
      R"({"items": [{"topic": "a", "text": "b", "topic": "c"}]})",
      R"({"secret": 1})",
      R"({"unit": true})",
      R"([1, 2])",
      R"("row")",
      R"(null)",
  };
  for (const auto& r : rows) {
    for (const std::string& text :
         {"{\"actor\": 3, \"rows\": [" + r + "]}", "{\"rows\": [" + good + ", " + r + "], \"on_error\": \"skip\"}",
          "{\"rows\": [" + r + "], \"rows\": [" + good + "]}", "{\"rows\": [" + good + "], \"rows\": [" + r + "]}"}) {
      INFO(text);
      REQUIRE(rows_by_stream(text) == rows_by_tree(text));
    }
  }
  // Malformed or hostile arguments: the same code as the tree (or no rows for the caller).
  const std::vector<std::string> whole = {
      "", "{", "[]", "5", "{\"rows\": 5}", "{\"rows\": null}", "{\"rows\": {}}", "{\"rows\": [" + good + "]",
      "{\"rows\": [" + good + "]} x", "{\"rows\": [" + good + ",]}", std::string("{\"rows\": [\0]}", 13),
      "{\"rows\": [], \"actor\": [" + std::string(100, '[') + std::string(100, ']') + "]}",
      "{\"rows\": [" + std::string(70, '[') + std::string(70, ']') + "]}", "{\"rows\": [\"\xff\"]}", "{\"rows\": []}",
      "{\"rows\": [" + good + "], \"rows\": 3}"};
  for (const auto& text : whole) {
    INFO(text);
    REQUIRE(rows_by_stream(text) == rows_by_tree(text));
  }
  // The other arguments are kept as JSON, nested values included.
  nlohmann::json rest;
  REQUIRE(rows_by_stream(R"({"actor": 3, "rows": [], "x": {"a": [1, {"b": null}]}, "on_error": "skip"})", &rest) ==
          "ok []");
  REQUIRE(rest == nlohmann::json::parse(R"({"actor": 3, "x": {"a": [1, {"b": null}]}, "on_error": "skip"})"));
  // A bad row is named by its number.
  try {
    nlohmann::json others;
    std::vector<cmd::SubmitOpinion> out;
    detail::decode_opinion_rows("{\"rows\": [" + good + ", " + good + ", {\"unit\": -1}]}", others, out);
    FAIL("decoded a row with a negative unit");
  } catch (const Error& e) {
    REQUIRE(e.code() == ErrorCode::invalid_argument);
    REQUIRE(std::string(e.what()).rfind("row 3: ", 0) == 0);
  }
}

TEST_CASE("json text: random mutations of import_opinions arguments decode as the tree decodes them") {
  const std::string base =
      R"({"actor": 3, "rows": [{"unit": 1, "channel": "mailbox", "raised_by": 4, "items": [{"topic": "land", "text": "Nội dung"}]}, {"type": "submit_opinion", "unit": 2, "raised_on": "2022-09-30", "items": []}], "on_error": "skip"})";
  const std::string alphabet = "{}[]\",:0123456789-.etruflsn\\ ux\xc3\xa9\xff";
  std::mt19937 rng(20221202);
  int same_ok = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string t = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = rng() % (t.size() + 1);
      switch (rng() % 3) {
        case 0: if (at < t.size()) t.erase(at, 1); break;
        case 1: t.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: if (at < t.size()) t[at] = alphabet[rng() % alphabet.size()];
      }
    }
    INFO(t);
    const std::string tree = rows_by_tree(t), stream = rows_by_stream(t);
    REQUIRE(stream == tree);
    if (tree.rfind("ok", 0) == 0) ++same_ok;
  }
  REQUIRE(same_ok > 100);  // the mutations also leave many inputs valid
}

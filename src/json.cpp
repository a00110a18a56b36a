#include "doithoai/json.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "doithoai/error.h"
#include "json_text.h"
#include "reflect.h"
#include "text.h"

namespace doithoai {
using nlohmann::json;
namespace {

template <class T>
struct is_id : std::false_type {};
template <class Tag>
struct is_id<Id<Tag>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

[[noreturn]] void bad(const std::string& field, const std::string& what) {
  throw Error(ErrorCode::invalid_argument, "JSON field '" + field + "': " + what);
}

template <class T>
json enc(const T& v);

template <class T>
json enc_struct(const T& v) {
  json j = json::object();
  detail::Reflect<T>::each(v, [&](const char* name, const auto& f) {
    if (!detail::is_absent_outcome(f)) j[name] = enc(f);  // an absent outcome is left out
  });
  return j;
}

template <class T>
json enc(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<T, bool>) {
    return v;
  } else if constexpr (std::is_enum_v<T>) {
    return std::string(to_string(v));
  } else if constexpr (std::is_integral_v<T>) {
    return v;
  } else if constexpr (std::is_floating_point_v<T>) {
    return v;
  } else if constexpr (is_id<T>::value) {
    return v ? json(v.value) : json(nullptr);
  } else if constexpr (std::is_same_v<T, Date>) {
    return v.is_special() ? json(nullptr) : json(format_date(v));
  } else if constexpr (std::is_same_v<T, std::optional<Date>>) {
    return v ? enc(*v) : json(nullptr);
  } else if constexpr (detail::is_outcome<T>::value) {
    return v ? enc(*v) : json(nullptr);
  } else if constexpr (is_vector<T>::value) {
    json a = json::array();
    for (const auto& x : v) a.push_back(enc(x));
    return a;
  } else {
    return enc_struct(v);
  }
}

template <class T>
void dec(const json& j, T& out, const std::string& field);

template <class T>
void dec_struct(const json& j, T& out, const std::string& where) {
  if (!j.is_object()) bad(where, "expected an object");
  std::size_t matched = 0;
  detail::Reflect<T>::each(out, [&](const char* name, auto& f) {
    auto it = j.find(name);
    if (it == j.end()) return;
    ++matched;
    dec(*it, f, where.empty() ? std::string(name) : where + "." + name);
  });
  if (matched != j.size()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool known = it.key() == "type";
      detail::Reflect<T>::each(out, [&](const char* name, auto&) { known = known || it.key() == name; });
      if (!known) bad(where.empty() ? it.key() : where + "." + it.key(), "unknown field");
    }
  }
}

template <class T>
void dec(const json& j, T& out, const std::string& field) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) bad(field, "expected a string");
    out = j.get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) bad(field, "expected true or false");
    out = j.get<bool>();
  } else if constexpr (std::is_enum_v<T>) {
    if (!j.is_string()) bad(field, "expected a name");
    out = parse_enum<T>(j.get<std::string>());
  } else if constexpr (std::is_integral_v<T>) {
    if (!j.is_number_integer()) bad(field, "expected an integer");
    // Unsigned and signed JSON integers compared as what they are (a large unsigned read
    // as int64 would wrap to a negative number in range).
    if (j.is_number_unsigned()) {
      const auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) bad(field, "integer out of range");
      out = static_cast<T>(u);
    } else {
      const auto v = j.get<std::int64_t>();
      if (v < 0 ? (!std::is_signed_v<T> || v < static_cast<std::int64_t>(std::numeric_limits<T>::min()))
                : static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
        bad(field, "integer out of range");
      out = static_cast<T>(v);
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.is_number()) bad(field, "expected a number");
    const double x = j.get<double>();
    if (!std::isfinite(x)) bad(field, "expected a finite number");
    out = static_cast<T>(x);
  } else if constexpr (is_id<T>::value) {
    if (j.is_null()) {
      out = T{};
      return;
    }
    if (!j.is_number_integer()) bad(field, "expected an id (integer) or null");
    if (j.is_number_unsigned() ? j.get<std::uint64_t>() >= std::numeric_limits<std::uint32_t>::max()
                               : (j.get<std::int64_t>() < 0 ||
                                  j.get<std::int64_t>() >= std::int64_t{std::numeric_limits<std::uint32_t>::max()}))
      bad(field, "id out of range");
    out = T(static_cast<std::uint32_t>(j.get<std::uint64_t>()));
  } else if constexpr (std::is_same_v<T, Date>) {
    if (j.is_null()) {
      out = Date();
      return;
    }
    if (!j.is_string()) bad(field, "expected a date \"YYYY-MM-DD\"");
    try {
      out = parse_date(j.get<std::string>());
    } catch (const Error& e) {
      bad(field, e.what());
    }
  } else if constexpr (std::is_same_v<T, std::optional<Date>>) {
    if (j.is_null()) {
      out.reset();
      return;
    }
    Date d;
    dec(j, d, field);
    out = d;
  } else if constexpr (detail::is_outcome<T>::value) {  // absent (or null): not recorded
    if (j.is_null()) {
      out.reset();
      return;
    }
    typename T::value_type x{};
    dec(j, x, field);
    out = std::move(x);
  } else if constexpr (is_vector<T>::value) {
    if (!j.is_array()) bad(field, "expected an array");
    out.clear();
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      typename T::value_type x{};
      dec(j[i], x, field + "[" + std::to_string(i) + "]");
      out.push_back(std::move(x));
    }
  } else if constexpr (std::is_same_v<T, Place>) {  // issue 14: both coordinates, always
    if (j.is_object() && (!j.contains("lat") || !j.contains("long"))) bad(field, "a place needs lat and long");
    dec_struct(j, out, field);
  } else {
    dec_struct(j, out, field);
  }
}

template <class V>
std::string_view variant_name(const V& v) {
  return detail::alternative_name<V>(v.index());
}

}  // namespace

std::string_view command_type(const Command& c) { return variant_name(c); }
std::string_view event_type(const Event& e) { return variant_name(e); }
int event_schema_version(const Event& e) {
  return std::visit([](const auto& x) { return detail::Reflect<std::decay_t<decltype(x)>>::version; }, e);
}

json command_to_json(const Command& c) {
  json j = std::visit([](const auto& x) { return enc_struct(x); }, c);
  j["type"] = std::string(command_type(c));
  return j;
}

Command command_from_json(const json& j) {
  if (!j.is_object()) bad("", "a command must be a JSON object");
  check_json_depth(j, "a command");
  auto t = j.find("type");
  if (t == j.end() || !t->is_string()) bad("type", "a command needs a \"type\" string");
  Command c;
  if (!detail::emplace_by_name(c, t->get<std::string>()))
    bad("type", "unknown command type '" + t->get<std::string>() + "'");
  std::visit([&](auto& x) { dec_struct(j, x, ""); }, c);
  return c;
}

json event_to_json(const Event& e) {
  return std::visit([](const auto& x) { return enc_struct(x); }, e);
}

// ---- the payload text, written directly ----
// Byte for byte what event_to_json(e).dump() gives (keys in byte order, as nlohmann's
// std::map object sorts them; the same escapes), without building the json tree first:
// the store writes one per event, and building the tree was most of an append's cost.
namespace {

// The encoding nlohmann's dump() uses for a string (ensure_ascii off); false when s is
// not valid UTF-8 (the caller then throws Error(invalid_argument)).
bool put_string(std::string& out, std::string_view s) {
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x80) {  // a multi-byte sequence: check it, copy it
      int n;
      std::uint32_t cp;
      if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F;
      else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F;
      else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07;
      else return false;
      if (end - p <= n) return false;
      for (int k = 1; k <= n; ++k) {
        if ((p[k] & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (p[k] & 0x3F);
      }
      if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        return false;
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n + 1));
      p += n + 1;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c <= 0x1F) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++p;
  }
  out.push_back('"');
  return true;
}

struct NotUtf8 {};

template <class T>
void put(std::string& out, const T& v);

// A struct's fields in key order: for each type, once, the offset of each field in the
// struct and the function that writes its type.
template <class T>
struct FieldTable {
  struct Field {
    std::string key;  // "\"name\":"
    std::size_t offset;
    void (*write)(std::string&, const void*);
    bool (*absent)(const void*);  // an absent outcome, left out
  };
  std::vector<Field> fields;
  FieldTable() {
    static const T probe{};
    detail::Reflect<T>::each(probe, [&](const char* name, const auto& f) {
      using F = std::decay_t<decltype(f)>;
      fields.push_back({std::string("\"") + name + "\":",
                        static_cast<std::size_t>(reinterpret_cast<const char*>(&f) - reinterpret_cast<const char*>(&probe)),
                        [](std::string& out, const void* p) { put(out, *static_cast<const F*>(p)); },
                        [](const void* p) { return detail::is_absent_outcome(*static_cast<const F*>(p)); }});
    });
    // By name (the key less its quotes and colon), as std::map<std::string> orders them.
    auto name = [](const Field& f) { return std::string_view(f.key).substr(1, f.key.size() - 3); };
    std::sort(fields.begin(), fields.end(), [&](const Field& a, const Field& b) { return name(a) < name(b); });
  }
};

template <class T>
void put_struct(std::string& out, const T& v) {
  static const FieldTable<T> table;
  out.push_back('{');
  bool first = true;
  for (const auto& f : table.fields) {
    if (f.absent(reinterpret_cast<const char*>(&v) + f.offset)) continue;
    if (!first) out.push_back(',');
    first = false;
    out += f.key;
    f.write(out, reinterpret_cast<const char*>(&v) + f.offset);
  }
  out.push_back('}');
}

template <class T>
void put(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!put_string(out, v)) throw NotUtf8{};
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_enum_v<T>) {
    if (!put_string(out, to_string(v))) throw NotUtf8{};
  } else if constexpr (std::is_integral_v<T>) {
    out += std::to_string(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    out += json(v).dump();  // as the tree writes it (shortest round trip)
  } else if constexpr (is_id<T>::value) {
    if (v) out += std::to_string(v.value);
    else out += "null";
  } else if constexpr (std::is_same_v<T, Date>) {
    if (v.is_special()) out += "null";
    else put_string(out, format_date(v));
  } else if constexpr (std::is_same_v<T, std::optional<Date>> || detail::is_outcome<T>::value) {
    if (v) put(out, *v);
    else out += "null";
  } else if constexpr (is_vector<T>::value) {
    out.push_back('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      put(out, v[i]);
    }
    out.push_back(']');
  } else {
    put_struct(out, v);
  }
}

}  // namespace

namespace detail {
namespace {

// One JSON value built from SAX events (as nlohmann's own DOM parser does): what the
// streaming decoder keeps of fields that are not scalars.
struct DomBuilder {
  json root;
  std::vector<json*> stack;
  json* slot = nullptr;  // where the next value goes in the object on top (after its key)

  json* put(json&& v) {
    if (stack.empty()) {
      root = std::move(v);
      return &root;
    }
    json& top = *stack.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    *slot = std::move(v);
    return slot;
  }
  void start(json&& container) { stack.push_back(put(std::move(container))); }
  void key(const std::string& k) { slot = &(*stack.back())[k]; }  // a repeated key: the last wins
  void end() { stack.pop_back(); }
  bool complete() const { return stack.empty(); }
};

class OpinionRowsSax final : public nlohmann::json_sax<json> {
 public:
  OpinionRowsSax(json& rest, std::vector<cmd::SubmitOpinion>& rows, bool& have_rows)
      : rest_(rest), rows_(rows), have_rows_(have_rows) {}

  bool null() override { return scalar(json(nullptr)); }
  bool boolean(bool v) override { return scalar(json(v)); }
  bool number_integer(number_integer_t v) override { return scalar(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(json(v)); }
  bool string(string_t& v) override {
    if (at_ == At::item && !dom_) return item_string(v);  // the common case, without a json value
    return scalar(json(std::move(v)));
  }
  bool binary(binary_t&) override { return scalar(json(nullptr)); }  // never in JSON text

  bool start_object(std::size_t) override { return start(json::object()); }
  bool start_array(std::size_t) override { return start(json::array()); }
  bool key(string_t& k) override {
    if (dom_) dom_->key(k);
    else if (at_ == At::top) top_key_ = std::move(k);
    else if (at_ == At::item) item_key_ = std::move(k);
    else row_key_ = std::move(k);  // At::row
    return true;
  }
  bool end_object() override { return end(); }
  bool end_array() override { return end(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw Error(ErrorCode::invalid_argument, std::string("malformed JSON: ") + e.what());
  }

 private:
  // items and item: inside a row's "items" array, decoded without a json tree (most of a
  // row's bytes and allocations are its items).
  enum class At { start, top, rows, row, items, item, done };

  bool start(json&& container) {
    if (++depth_ > kMaxJsonDepth)
      throw Error(ErrorCode::invalid_argument,
                  "malformed JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    const bool object = container.is_object();
    if (dom_) {
      dom_->start(std::move(container));
      return true;
    }
    switch (at_) {
      case At::start:
        if (!object) throw Error(ErrorCode::invalid_argument, "the arguments must be a JSON object");
        at_ = At::top;
        return true;
      case At::top:
        if (top_key_ == "rows" && !object) {  // the rows, decoded one by one
          new_rows();
          have_rows_ = true;
          at_ = At::rows;
          return true;
        }
        begin_dom(std::move(container));
        return true;
      case At::rows:
        ++row_no_;
        if (!object) {
          fail_row(Error(ErrorCode::invalid_argument, "a row must be a JSON object"));
          begin_dom(std::move(container));  // read and dropped
          return true;
        }
        row_ = cmd::SubmitOpinion{};
        field_errors_.clear();
        at_ = At::row;
        return true;
      case At::row:
        if (row_key_ == "items" && !object) {
          forget_errors_of("items");  // a repeated "items" replaces the earlier one
          row_.items.clear();
          at_ = At::items;
          return true;
        }
        begin_dom(std::move(container));
        return true;
      case At::items:
        if (!object) {  // decoded as the tree would: an item must be an object
          item_error(json::array());
          begin_dom(std::move(container));  // read and dropped
          return true;
        }
        row_.items.emplace_back();
        item_errors_.clear();
        at_ = At::item;
        return true;
      case At::item:
        begin_dom(std::move(container));
        return true;
      case At::done:
        break;
    }
    throw Error(ErrorCode::invalid_argument, "malformed JSON: more after the arguments' object");
  }

  bool end() {
    --depth_;
    if (dom_) {
      dom_->end();
      if (dom_->complete()) finish_dom();
      return true;
    }
    if (at_ == At::item) {
      if (!item_errors_.empty()) field_errors_.emplace_back("items", item_errors_.front().second);
      at_ = At::items;
    } else if (at_ == At::items) {
      at_ = At::row;
    } else if (at_ == At::row) {
      if (!field_errors_.empty()) fail_row(field_errors_.front().second);
      if (!failure_) rows_.push_back(std::move(row_));
      at_ = At::rows;
    } else if (at_ == At::rows) {
      at_ = At::top;
    } else {
      at_ = At::done;  // the arguments' object
    }
    return true;
  }

  bool scalar(json&& v) {
    if (dom_) {
      dom_->put(std::move(v));
      return true;
    }
    switch (at_) {
      case At::top:
        if (top_key_ == "rows") {  // not an array: the caller says why
          new_rows();
          have_rows_ = false;
        }
        rest_[top_key_] = std::move(v);
        return true;
      case At::rows:
        ++row_no_;
        fail_row(Error(ErrorCode::invalid_argument, "a row must be a JSON object"));
        return true;
      case At::row:
        field(v);
        return true;
      case At::items:
        item_error(v);
        return true;
      case At::item:
        item_field(v);
        return true;
      default:
        throw Error(ErrorCode::invalid_argument, "the arguments must be a JSON object");
    }
  }

  void begin_dom(json&& container) {
    dom_.emplace();
    dom_->start(std::move(container));
  }
  void finish_dom() {
    json v = std::move(dom_->root);
    dom_.reset();
    if (at_ == At::top) {
      if (top_key_ == "rows") {
        new_rows();
        have_rows_ = false;
      }
      rest_[top_key_] = std::move(v);
    } else if (at_ == At::row) {
      field(v);
    } else if (at_ == At::item) {
      item_field(v);
    }  // At::rows, At::items: a row or item that is not an object, already failed
  }

  // A "rows" field begins (again: a repeated key replaces the earlier one, as in a tree).
  void new_rows() {
    rows_.clear();
    rest_.erase("rows");
    row_no_ = 0;
    failure_.reset();
  }
  // The first bad row of the rows read; the rest are still read (a later "rows" may
  // replace them) but not kept.
  void fail_row(const Error& e) {
    if (!failure_) failure_ = Error(e.code(), "row " + std::to_string(row_no_) + ": " + e.what());
  }

 public:
  // After the parse: the first bad row of the "rows" that counts, if any.
  const std::optional<Error>& failure() const { return failure_; }

 private:

  void forget_errors_of(const std::string& key) {
    for (auto it = field_errors_.begin(); it != field_errors_.end();)
      it = it->first == key ? field_errors_.erase(it) : it + 1;
  }
  std::string item_path() const { return "items[" + std::to_string(row_.items.size() - 1) + "]"; }

  // An element of "items" that is not an object: the error dec gives it.
  void item_error(const json& v) {
    try {
      ItemSpec x;
      dec(v, x, "items[" + std::to_string(row_.items.size()) + "]");
    } catch (const Error& e) {
      field_errors_.emplace_back("items", e);
    }
    row_.items.emplace_back();  // it takes its place in the numbering
  }

  // A string field of an item: moved in (what dec does for a std::string field, less a copy).
  bool item_string(std::string& v) {
    bool done = false;
    detail::Reflect<ItemSpec>::each(row_.items.back(), [&](const char* name, auto& f) {
      if constexpr (std::is_same_v<std::decay_t<decltype(f)>, std::string>) {
        if (!done && item_key_ == name) {
          forget_item_errors_of(item_key_);
          f = std::move(v);
          done = true;
        }
      }
    });
    if (!done) item_field(json(std::move(v)));
    return true;
  }
  void forget_item_errors_of(const std::string& key) {
    for (auto it = item_errors_.begin(); it != item_errors_.end();)
      it = it->first == key ? item_errors_.erase(it) : it + 1;
  }
  // Any other value of an item's field, by dec (an error stands unless the key comes again).
  void item_field(const json& v) {
    forget_item_errors_of(item_key_);
    if (item_key_ == "type") return;  // dec_struct lets any struct carry a "type"
    try {
      bool known = false;
      detail::Reflect<ItemSpec>::each(row_.items.back(), [&](const char* name, auto& f) {
        if (known || item_key_ != name) return;
        known = true;
        dec(v, f, item_path() + "." + item_key_);
      });
      if (!known) bad(item_path() + "." + item_key_, "unknown field");
    } catch (const Error& e) {
      item_errors_.emplace_back(item_key_, e);
    }
  }

  // One field of the row being read, by the decoders command_from_json uses. A field's
  // error stands unless the same key comes again and decodes (the last wins, as in a tree).
  void field(const json& v) {
    forget_errors_of(row_key_);
    try {
      if (row_key_ == "type") {
        if (!v.is_string() || v.get_ref<const std::string&>() != "submit_opinion")
          throw Error(ErrorCode::invalid_argument, "a row must be a submit_opinion command");
        return;
      }
      bool known = false;
      detail::Reflect<cmd::SubmitOpinion>::each(row_, [&](const char* name, auto& f) {
        if (known || row_key_ != name) return;
        known = true;
        dec(v, f, row_key_);
      });
      if (!known) bad(row_key_, "unknown field");
    } catch (const Error& e) {
      field_errors_.emplace_back(row_key_, e);
    }
  }

  json& rest_;
  std::vector<cmd::SubmitOpinion>& rows_;
  bool& have_rows_;
  At at_ = At::start;
  std::size_t depth_ = 0;
  std::optional<DomBuilder> dom_;
  std::string top_key_, row_key_, item_key_;
  cmd::SubmitOpinion row_;
  std::size_t row_no_ = 0;
  std::vector<std::pair<std::string, Error>> field_errors_, item_errors_;
  std::optional<Error> failure_;
};

}  // namespace

bool decode_opinion_rows(std::string_view text, json& rest, std::vector<cmd::SubmitOpinion>& rows) {
  if (text.find('\0') != std::string_view::npos)
    throw Error(ErrorCode::invalid_argument, "malformed JSON: a NUL byte at offset " +
                                                 std::to_string(text.find('\0')));
  rest = json::object();
  rows.clear();
  bool have_rows = false;
  OpinionRowsSax sax(rest, rows, have_rows);
  try {
    json::sax_parse(text.begin(), text.end(), &sax);
  } catch (const json::exception& e) {  // the handler reports parse errors itself; to be sure
    throw Error(ErrorCode::invalid_argument, std::string("malformed JSON: ") + e.what());
  }
  if (sax.failure()) throw *sax.failure();
  if (!have_rows) rows.clear();
  return have_rows;
}

std::string event_json_text(const Event& e) {
  std::string out;
  out.reserve(256);  // most payloads fit: no regrowth while writing
  try {
    std::visit([&](const auto& x) { put_struct(out, x); }, e);
  } catch (const NotUtf8&) {
    // Where nlohmann's dump() would throw its type_error: the library's own error instead.
    // Commands and JSON imports never hold such text; a decoded binary row can (a damaged
    // replay cache, whose check must end in Error(corruption), not a foreign exception).
    throw Error(ErrorCode::invalid_argument, "event text is not valid UTF-8");
  }
  return out;
}

namespace {
// Fields that commands check as long text (kMaxTextBytes); every other string is a name.
bool is_long_text(std::string_view field) {
  for (const char* f : {"text", "report", "gist", "proposal", "reason", "note", "comment", "citation", "detail"})
    if (field == f) return true;
  return false;
}
struct FieldCheck {
  template <class T>
  void operator()(const char* field, const T& v) const {
    if constexpr (std::is_same_v<T, std::string>) {
      check_text(v, field, is_long_text(field) ? kMaxTextBytes : kMaxNameBytes, false);
    } else if constexpr (std::is_same_v<T, Date>) {
      if (!v.is_special()) check_date(v, field);
    } else if constexpr (std::is_same_v<T, std::vector<ItemSpec>>) {
      for (const ItemSpec& it : v) Reflect<ItemSpec>::each(it, *this);
    } else if constexpr (std::is_same_v<T, std::optional<Place>>) {
      if (v) check_place(*v, field);
    } else if constexpr (std::is_same_v<T, Place>) {  // item_placed (issue 14)
      check_place(v, field);
    } else if constexpr (std::is_same_v<T, std::vector<Attachment>>) {  // evidence (issue 14): names
      for (const Attachment& a : v) Reflect<Attachment>::each(a, *this);
    } else if constexpr (std::is_same_v<T, std::vector<NoticeValue>>) {  // outbox (issue 15): its data
      for (const NoticeValue& x : v) {
        check_text(x.name, "name", kMaxNameBytes, false);
        check_text(x.value, "value", kMaxTextBytes, false);  // an item's text can be long
      }
    }
  }
};
}  // namespace

void check_event_fields(const Event& e) {
  std::visit([](const auto& x) { Reflect<std::decay_t<decltype(x)>>::each(x, FieldCheck{}); }, e);
  // A notice nests a recipient and its data: refuse a row whose JSON form cannot be written
  // (found by fuzz_replay_row); notices are few, so writing it once more costs little.
  if (std::holds_alternative<ev::NoticeIssued>(e)) (void)event_json_text(e);
}
}  // namespace detail

Event event_from_json(std::string_view type, int version, const json& data) {
  Event e;
  if (!detail::emplace_by_name(e, type))
    bad("type", "unknown event type '" + std::string(type) + "'");
  if (version < 1 || version > event_schema_version(e))
    bad("v", "unsupported schema version " + std::to_string(version));
  std::visit([&](auto& x) { dec_struct(data, x, "data"); }, e);
  return e;
}

json recorded_to_json(const Recorded& r) {
  json j;
  j["seq"] = r.seq;
  j["at"] = format_instant(r.at);
  j["actor"] = r.actor == kSystemActor ? json("system") : enc(r.actor);
  j["type"] = std::string(event_type(r.event));
  j["v"] = event_schema_version(r.event);
  j["data"] = event_to_json(r.event);
  return j;
}

Recorded recorded_from_json(const json& j) {
  if (!j.is_object()) bad("", "an event must be a JSON object");
  check_json_depth(j, "an event");
  for (const char* k : {"seq", "at", "actor", "type", "v", "data"})
    if (!j.contains(k)) bad(k, "missing");
  Recorded r;
  dec(j["seq"], r.seq, "seq");
  if (!j["at"].is_string()) bad("at", "expected an instant");
  r.at = parse_instant(j["at"].get<std::string>());
  if (j["actor"].is_string() && j["actor"].get<std::string>() == "system")
    r.actor = kSystemActor;
  else
    dec(j["actor"], r.actor, "actor");
  if (!j["type"].is_string()) bad("type", "expected a string");
  int v = 0;
  dec(j["v"], v, "v");
  r.event = event_from_json(j["type"].get<std::string>(), v, j["data"]);
  return r;
}

json result_to_json(const Result& r) {
  json j;
  j["first_seq"] = r.first_seq;
  j["last_seq"] = r.last_seq;
  j["id"] = r.id ? json(r.id) : json(nullptr);
  j["items"] = enc(r.items);
  j["replayed"] = r.replayed;
  return j;
}

void check_json_depth(const json& j, std::string_view what) {
  std::vector<std::pair<const json*, std::size_t>> todo{{&j, 0}};
  while (!todo.empty()) {
    const auto [v, depth] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    if (depth + 1 > kMaxJsonDepth)
      throw Error(ErrorCode::invalid_argument, std::string(what) + " nested deeper than " +
                                                   std::to_string(kMaxJsonDepth) + " levels");
    for (const auto& x : *v)
      if (x.is_structured()) todo.emplace_back(&x, depth + 1);
  }
}

json parse_json(std::string_view text) {
  // The nesting first, without recursion: nlohmann's tree would be built (and later walked
  // recursively) at any depth.
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw Error(ErrorCode::invalid_argument,
                    "malformed JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  // nlohmann's lexer takes a NUL byte for the end of the input and would ignore what
  // follows it; no JSON text holds one (inside strings it must be written \u0000).
  if (text.find('\0') != std::string_view::npos)
    throw Error(ErrorCode::invalid_argument, "malformed JSON: a NUL byte at offset " +
                                                 std::to_string(text.find('\0')));
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw Error(ErrorCode::invalid_argument, std::string("malformed JSON: ") + e.what());
  }
}

// ---- entities ----
void to_json(json& j, const Unit& v) {
  j = {{"id", enc(v.id)}, {"code", v.code}, {"name", v.name}, {"level", v.level},
       {"parent", enc(v.parent)}, {"status", enc(v.status)}, {"successor", enc(v.successor)},
       {"created_on", enc(v.created_on)}, {"remote", v.remote},
       {"ended_on", enc(v.ended_on)}};
  json names = json::array();
  for (const auto& n : v.names) names.push_back({{"from", enc(n.from)}, {"name", n.name}});
  j["names"] = names;
}
void to_json(json& j, const Agency& v) {
  j = {{"id", enc(v.id)}, {"unit", enc(v.unit)}, {"code", v.code}, {"name", v.name},
       {"department", v.department}};
}
void to_json(json& j, const Organization& v) {
  j = {{"id", enc(v.id)}, {"unit", enc(v.unit)}, {"code", v.code}, {"name", v.name},
       {"kind", v.kind}};
}
void to_json(json& j, const Person& v) {
  j = {{"id", enc(v.id)}, {"code", v.code}, {"name", v.name}, {"phone", v.phone},
       {"citizen_id", v.citizen_id}, {"address", v.address}, {"consent_public", v.consent_public}};
}
void to_json(json& j, const RoleGrant& v) {
  j = {{"person", enc(v.person)}, {"role", enc(v.role)}, {"unit", enc(v.unit)},
       {"agency", enc(v.agency)}, {"organization", enc(v.organization)}};
}
void to_json(json& j, const Conference& v) {
  j = {{"id", enc(v.id)}, {"unit", enc(v.unit)}, {"code", v.code}, {"kind", enc(v.kind)},
       {"audience", v.audience}, {"department", enc(v.department)}, {"topic", v.topic},
       {"plan_ref", v.plan_ref}, {"planned_on", enc(v.planned_on)},
       {"noticed_on", enc(v.noticed_on)}, {"status", enc(v.status)},
       {"held_on", enc(v.held_on)}, {"chairs", enc(v.chairs)}, {"attendance", v.attendance},
       {"report", v.report}, {"reply_due", enc(v.reply_due)}, {"closed_on", enc(v.closed_on)},
       {"format", enc(v.format)}, {"cluster", v.cluster}, {"co_chairs", enc(v.co_chairs)}};
  if (v.notice)
    j["notice"] = {{"number", v.notice->number}, {"issued_on", enc(v.notice->issued_on)},
                   {"due", enc(v.notice->due)}, {"text", v.notice->text},
                   {"on_time", v.notice->on_time}};
  else
    j["notice"] = nullptr;
}
void to_json(json& j, const Opinion& v) {
  j = {{"id", enc(v.id)}, {"unit", enc(v.unit)}, {"conference", enc(v.conference)},
       {"channel", enc(v.channel)}, {"raised_by", enc(v.raised_by)},
       {"raised_by_org", enc(v.raised_by_org)}, {"from_unit", enc(v.from_unit)},
       {"raised_on", enc(v.raised_on)}, {"topic", v.topic}, {"items", enc(v.items)},
       {"name_withheld", v.name_withheld}, {"anonymous", v.anonymous}, {"tracking_code", v.tracking_code}};
  if (!v.attachments.empty()) j["attachments"] = enc(v.attachments);  // issue 14: absent when none
}
void to_json(json& j, const Item& v) {
  j = {{"id", enc(v.id)}, {"opinion", enc(v.opinion)}, {"unit", enc(v.unit)},
       {"raised_in", enc(v.raised_in)}, {"conference", enc(v.conference)}, {"topic", v.topic},
       {"text", v.text}, {"status", enc(v.status)}, {"raised_on", enc(v.raised_on)},
       {"agency", enc(v.agency)}, {"deadline", enc(v.deadline)},
       {"original_deadline", enc(v.original_deadline)}, {"resolved_on", enc(v.resolved_on)},
       {"outcome", enc(v.outcome)}, {"outcome_reason", v.outcome_reason},
       {"outcome_due", enc(v.outcome_due)}, {"reopened", v.reopened}, {"returned", v.returned},
       {"merged_into", enc(v.merged_into)}, {"duplicates", enc(v.duplicates)},
       {"escalated_to", enc(v.escalated_to)}, {"escalated_from", enc(v.escalated_from)},
       {"raiser_notified_on", enc(v.raiser_notified_on)}, {"closed_on", enc(v.closed_on)}};
  j["answer"] = v.answer ? json{{"answered_by", enc(v.answer->answered_by)},
                                {"gist", v.answer->gist}, {"on", enc(v.answer->on)}}
                         : json(nullptr);
  if (v.reply) {
    json d = json::array();
    for (const auto& x : v.reply->deliveries)
      d.push_back({{"recipient", enc(x.recipient)}, {"on", enc(x.on)}});
    j["reply"] = {{"number", v.reply->number}, {"date", enc(v.reply->date)},
                  {"signer", enc(v.reply->signer)}, {"agency", enc(v.reply->agency)},
                  {"text", v.reply->text}, {"deliveries", d},
                  {"completed_on", enc(v.reply->completed_on)}, {"draft", v.reply->draft},
                  {"approved_on", enc(v.reply->approved_on)}, {"approved_by", enc(v.reply->approved_by)}};
    if (!v.reply->attachments.empty()) j["reply"]["attachments"] = enc(v.reply->attachments);  // issue 14
  } else {
    j["reply"] = nullptr;
  }
  json ext = json::array();
  for (const auto& e : v.extensions)
    ext.push_back({{"previous", enc(e.previous)}, {"deadline", enc(e.deadline)},
                   {"notice_number", e.notice_number}, {"notice_date", enc(e.notice_date)},
                   {"agency", enc(e.agency)}, {"reason", e.reason}});
  j["extensions"] = ext;
  json fs = json::array();
  for (const auto& f : v.findings) {
    fs.push_back({{"by", enc(f.by)}, {"on", enc(f.on)}, {"text", f.text},
                  {"satisfactory", f.satisfactory}});
    if (!f.attachments.empty()) fs.back()["attachments"] = enc(f.attachments);  // issue 14
  }
  j["findings"] = fs;
}

}  // namespace doithoai

// Test support: a validator for the subset of JSON Schema (draft-07) that schemas/*.json
// use: type, const, enum, properties, required, additionalProperties (boolean), items,
// minimum, maximum, minLength, pattern and local $ref. Any other keyword is an error, so a
// schema cannot silently rely on something this validator ignores.
#pragma once

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace schema_check {
using nlohmann::json;

inline json load(const std::string& name) {
  std::ifstream in(std::string(DOITHOAI_SOURCE_DIR) + "/schemas/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

inline bool type_ok(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "integer") return v.is_number_integer();
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  throw std::runtime_error("unknown type " + t);
}

inline void validate(const json& root, const json& s, const json& v, const std::string& path,
                     std::vector<std::string>& errors) {
  auto err = [&](const std::string& m) { errors.push_back(path + ": " + m); };
  for (auto it = s.begin(); it != s.end(); ++it) {
    static const char* known[] = {"$schema", "$id", "title", "description", "definitions", "type", "const", "enum",
                                  "properties", "required", "additionalProperties", "items", "minimum", "maximum",
                                  "minLength", "pattern", "$ref"};
    bool k = false;
    for (const char* x : known) k = k || it.key() == x;
    if (!k) throw std::runtime_error("schema keyword not supported by the test validator: " + it.key());
  }
  if (s.contains("$ref")) {
    const std::string ref = s["$ref"];
    const std::string prefix = "#/definitions/";
    if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("only local $ref: " + ref);
    validate(root, root["definitions"][ref.substr(prefix.size())], v, path, errors);
    return;
  }
  if (s.contains("type")) {
    bool ok = false;
    if (s["type"].is_array()) {
      for (const auto& t : s["type"]) ok = ok || type_ok(v, t.get<std::string>());
    } else {
      ok = type_ok(v, s["type"].get<std::string>());
    }
    if (!ok) return err("expected type " + s["type"].dump() + ", got " + v.dump().substr(0, 80));
  }
  if (s.contains("const") && v != s["const"]) err("expected " + s["const"].dump());
  if (s.contains("enum")) {
    bool ok = false;
    for (const auto& e : s["enum"]) ok = ok || e == v;
    if (!ok) err("not in enum: " + v.dump());
  }
  if (v.is_number()) {
    if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>()) err("below minimum");
    if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>()) err("above maximum");
  }
  if (v.is_string()) {
    const std::string str = v.get<std::string>();
    if (s.contains("minLength") && str.size() < s["minLength"].get<std::size_t>()) err("shorter than minLength");
    if (s.contains("pattern") && !std::regex_search(str, std::regex(s["pattern"].get<std::string>())))
      err("does not match " + s["pattern"].get<std::string>() + ": " + str);
  }
  if (v.is_object()) {
    if (s.contains("required"))
      for (const auto& r : s["required"])
        if (!v.contains(r.get<std::string>())) err("missing " + r.get<std::string>());
    const json props = s.value("properties", json::object());
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (props.contains(it.key()))
        validate(root, props[it.key()], it.value(), path + "." + it.key(), errors);
      else if (s.contains("additionalProperties") && s["additionalProperties"] == false)
        err("unexpected property " + it.key());
    }
  }
  if (v.is_array() && s.contains("items"))
    for (std::size_t i = 0; i < v.size(); ++i)
      validate(root, s["items"], v[i], path + "[" + std::to_string(i) + "]", errors);
}

// Empty when the document conforms; otherwise one message per violation.
inline std::vector<std::string> errors(const json& schema, const json& doc) {
  std::vector<std::string> e;
  validate(schema, schema, doc, "$", e);
  return e;
}

}  // namespace schema_check

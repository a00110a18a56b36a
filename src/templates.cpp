// Reply templates (doithoai/templates.h): the profile's "templates" section, validated when
// the profile loads, and rendering from the state. Rendering reads; it never records.
#include "doithoai/templates.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "doithoai/engine.h"
#include "doithoai/error.h"
#include "doithoai/model.h"
#include "doithoai/profile.h"
#include "doithoai/state.h"
#include "profile_check.h"
#include "text.h"

namespace doithoai {
using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) { detail::profile_bad(path, what); }
[[noreturn]] void invalid(const std::string& what) { throw Error(ErrorCode::invalid_argument, what); }

// The anonymous label of the public view (src/views/redact.cpp, Redactor::public_name).
const char* const kAnonymous = "Người dân (ẩn danh)";

constexpr std::pair<TemplateKind, std::string_view> kKinds[] = {
    {TemplateKind::reply, "reply"},
    {TemplateKind::refusal, "refusal"},
    {TemplateKind::transfer, "transfer"},
    {TemplateKind::extension_notice, "extension_notice"},
    {TemplateKind::escalation_proposal, "escalation_proposal"},
    {TemplateKind::conclusion_notice, "conclusion_notice"},
};

bool about_conference(TemplateKind k) { return k == TemplateKind::conclusion_notice; }

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// A piece of a template: literal text, or a placeholder name.
struct Piece {
  bool placeholder = false;
  std::string text;
};

// Splits a template text into pieces; `where` names it in errors ("{{" and "}}" are braces).
std::vector<Piece> parse(std::string_view s, const std::string& where) {
  std::vector<Piece> out;
  std::string lit;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '{' && i + 1 < s.size() && s[i + 1] == '{') {
      lit += '{';
      ++i;
    } else if (c == '}' && i + 1 < s.size() && s[i + 1] == '}') {
      lit += '}';
      ++i;
    } else if (c == '{') {
      const std::size_t close = s.find('}', i + 1);
      if (close == std::string_view::npos) bad(where, "unbalanced '{' at byte " + std::to_string(i) + " (write {{ for a brace)");
      const std::string_view name = s.substr(i + 1, close - i - 1);
      if (name.empty() || !std::all_of(name.begin(), name.end(), name_char))
        bad(where, "'{" + std::string(name) + "}' at byte " + std::to_string(i) +
                       " is not a placeholder (names are lower-case letters, digits and _; write {{ for a brace)");
      if (!lit.empty()) out.push_back({false, std::move(lit)});
      lit.clear();
      out.push_back({true, std::string(name)});
      i = close;
    } else if (c == '}') {
      bad(where, "unbalanced '}' at byte " + std::to_string(i) + " (write }} for a brace)");
    } else {
      // A run of literal text up to the next brace.
      std::size_t j = s.find_first_of("{}", i);
      if (j == std::string_view::npos) j = s.size();
      lit.append(s.data() + i, j - i);
      i = j - 1;
    }
  }
  if (!lit.empty()) out.push_back({false, std::move(lit)});
  return out;
}

// A value for a placeholder: text as a command takes it (check_text), the message naming it.
void check_value(const std::string& key, const std::string& name, const std::string& value) {
  try {
    detail::check_text(value, "value", kMaxTextBytes, true);
  } catch (const Error& e) {
    std::string why = e.what();
    if (why.rfind("value ", 0) == 0) why = why.substr(6);
    invalid("template '" + key + "': value of {" + name + "} " + why);
  }
}

std::string text_field(const json& j, const std::string& path, std::size_t max, bool multiline) {
  if (!j.is_string()) bad(path, "expected a string");
  std::string s = j.get<std::string>();
  if (s.empty()) bad(path, "must not be empty");
  if (s.size() > max) bad(path, "longer than " + std::to_string(max) + " bytes");
  if (!detail::valid_utf8(s)) bad(path, "not valid UTF-8");
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 || u == 0x7F) && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
      bad(path, "contains a control character");
  }
  return s;
}

ReplyTemplate parse_template(const std::string& key, const json& j, const Profile& p, const std::string& path) {
  detail::profile_only(j, path, {"kind", "topic", "title", "citation", "text"});
  ReplyTemplate t;
  t.key = key;
  auto need = [&](const char* k) -> const json& {
    auto it = j.find(k);
    if (it == j.end()) bad(path + "." + k, "missing");
    return *it;
  };
  const std::string kind = text_field(need("kind"), path + ".kind", kMaxNameBytes, false);
  try {
    t.kind = parse_template_kind(kind);
  } catch (const Error& e) {
    bad(path + ".kind", e.what());
  }
  if (j.contains("topic")) {
    t.topic = text_field(j["topic"], path + ".topic", kMaxNameBytes, false);
    if (about_conference(t.kind)) bad(path + ".topic", "a conclusion notice is about a conference, not a topic");
    if (!p.topics.empty() && !p.has_topic(t.topic)) bad(path + ".topic", "topic '" + t.topic + "' is not in $.topics");
  }
  t.title = text_field(need("title"), path + ".title", kMaxNameBytes, false);
  t.citation = text_field(need("citation"), path + ".citation", kMaxTextBytes, false);
  t.text = text_field(need("text"), path + ".text", kMaxTextBytes, true);
  const auto& eng = engine_placeholders(t.kind);
  const auto& caller = caller_placeholders(t.kind);
  for (const Piece& x : parse(t.text, path + ".text")) {
    if (!x.placeholder || contains(t.placeholders, x.text)) continue;
    if (!contains(eng, x.text) && !contains(caller, x.text)) {
      std::string known;
      for (const auto* v : {&eng, &caller})
        for (const auto& n : *v) known += (known.empty() ? "" : ", ") + n;
      bad(path + ".text", "unknown placeholder {" + x.text + "} for a " + std::string(to_string(t.kind)) +
                              " (known: " + known + ")");
    }
    t.placeholders.push_back(x.text);
  }
  return t;
}

std::string date_vi(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", static_cast<int>(d.day()), static_cast<int>(d.month()),
                static_cast<int>(d.year()));
  return buf;
}

std::string topic_label(const Profile& p, const std::string& code) {
  for (const auto& l : p.topics)
    if (l.code == code) return l.label;
  return code;
}

// The raiser as the public view shows them (R13): an organization by name, a person by name
// only with consent, an escalated proposal by the unit that proposed it.
std::string raiser_public(const State& s, const Opinion& o) {
  if (o.name_withheld || o.anonymous) return kAnonymous;  // issue 14: the opinion wins over consent
  if (o.raised_by_org) return s.organization(o.raised_by_org).name;
  if (o.raised_by) {
    const Person who = s.person(o.raised_by);
    return who.consent_public ? who.name : kAnonymous;
  }
  if (o.from_unit) return s.unit(o.from_unit).name;
  return {};
}

// What the engine knows about the subject, by placeholder name; a name left out has no value
// in the state (why: in `missing`).
void engine_values(const State& s, const Profile& p, const Calendar& cal, const ReplyTemplate& t,
                   const RenderRequest& rq, TemplateValues& v, std::map<std::string, std::string>& missing) {
  v["legal_basis"] = t.citation;
  if (about_conference(t.kind)) {
    const Conference c = s.conference(rq.conference);
    v["unit"] = s.unit(c.unit).name;
    if (!c.plan_ref.empty()) v["plan_ref"] = c.plan_ref;
    else missing["plan_ref"] = "the conference has no plan reference";
    if (c.held_on) {
      v["conference_date"] = date_vi(*c.held_on);
      v["notice_deadline"] = date_vi(c.notice ? c.notice->due : cal.deadline(*c.held_on, p.deadlines.conclusion_notice));
    } else {
      missing["conference_date"] = missing["notice_deadline"] = "the conference has not been held";
    }
    if (c.reply_due) v["reply_deadline"] = date_vi(*c.reply_due);
    else missing["reply_deadline"] = "the conference has not been held";
    return;
  }
  const Item it = s.item(rq.item);
  const Opinion o = s.opinion(it.opinion);
  v["item_text"] = it.text;
  v["topic"] = topic_label(p, it.topic);
  v["unit"] = s.unit(it.unit).name;
  v["raised_on"] = date_vi(it.raised_on);
  const std::string r = raiser_public(s, o);
  if (!r.empty()) v["raiser"] = r;
  else missing["raiser"] = "the item has no raiser";
  if (it.agency) v["agency"] = s.agency(it.agency).name;
  else missing["agency"] = "the item is not assigned to an agency";
  if (it.deadline) v["deadline"] = date_vi(*it.deadline);
  else missing["deadline"] = "the item has no deadline";
  if (it.original_deadline) v["original_deadline"] = date_vi(*it.original_deadline);
  else missing["original_deadline"] = "the item has no deadline";
  const ConferenceId cid = it.conference ? it.conference : o.conference;
  if (cid) {
    const Conference c = s.conference(cid);
    if (c.held_on) v["conference_date"] = date_vi(*c.held_on);
    else missing["conference_date"] = "its conference has not been held";
  } else {
    missing["conference_date"] = "the item was not raised for a conference";
  }
}

RenderedTemplate render(const State& s, const Profile& p, const Calendar& cal, const RenderRequest& rq) {
  const ReplyTemplate t = find_template(p, rq.key);
  if (about_conference(t.kind)) {
    if (!rq.conference || rq.item)
      invalid("template '" + t.key + "' (a conclusion notice) renders for a conference: give conference, not item");
  } else if (!rq.item || rq.conference) {
    invalid("template '" + t.key + "' (a " + std::string(to_string(t.kind)) + ") renders for an item: give item, not conference");
  }
  // The caller's values: names the kind knows and the engine does not fill, valid text.
  const auto& eng = engine_placeholders(t.kind);
  const auto& caller = caller_placeholders(t.kind);
  for (const auto& [name, value] : rq.values) {
    if (contains(eng, name))
      invalid("template '" + t.key + "': {" + name + "} is filled by the engine from the state; do not pass it");
    if (!contains(caller, name))
      invalid("template '" + t.key + "': unknown value {" + name + "} for a " + std::string(to_string(t.kind)));
    check_value(t.key, name, value);
  }
  TemplateValues values = rq.values;
  std::map<std::string, std::string> missing;
  engine_values(s, p, cal, t, rq, values, missing);
  for (const auto& name : t.placeholders)
    if (!values.count(name)) {
      auto why = missing.find(name);
      if (why != missing.end())
        invalid("template '" + t.key + "': placeholder {" + name + "} has no value: " + why->second);
      invalid("template '" + t.key + "': placeholder {" + name + "} has no value (pass it in values)");
    }
  RenderedTemplate out;
  out.key = t.key;
  out.kind = t.kind;
  out.title = t.title;
  out.citation = t.citation;
  out.text = fill_template(t, values);
  for (const auto& name : t.placeholders) out.values[name] = values[name];
  return out;
}

}  // namespace

std::string_view to_string(TemplateKind k) {
  for (const auto& [kind, name] : kKinds)
    if (kind == k) return name;
  return "unknown";
}

TemplateKind parse_template_kind(std::string_view name) {
  for (const auto& [kind, n] : kKinds)
    if (n == name) return kind;
  throw Error(ErrorCode::invalid_argument,
              "unknown template kind '" + std::string(name) +
                  "' (expected reply, refusal, transfer, extension_notice, escalation_proposal or conclusion_notice)");
}

const std::vector<std::string>& engine_placeholders(TemplateKind kind) {
  static const std::vector<std::string> item = {"raiser", "item_text", "topic", "unit", "agency", "deadline",
                                                "original_deadline", "raised_on", "conference_date", "legal_basis"};
  static const std::vector<std::string> conference = {"unit", "conference_date", "notice_deadline", "reply_deadline",
                                                      "plan_ref", "legal_basis"};
  return about_conference(kind) ? conference : item;
}

const std::vector<std::string>& caller_placeholders(TemplateKind kind) {
  static const std::vector<std::string> item = {"signer", "number", "date", "answer", "reason", "target",
                                                "new_deadline", "to_unit"};
  static const std::vector<std::string> conference = {"signer", "number", "date", "conclusions"};
  return about_conference(kind) ? conference : item;
}

namespace {
// The section parsed and checked, for the few profiles in use: an engine renders from one
// profile, and parsing it each time cost more than the rest of a render (bench/templates_bench).
// Keyed by the section's content (a Profile has no identity; its address may be reused).
// The topic list takes part: a template's topic is checked against the profile's topics.
struct Cached {
  json section;
  std::vector<std::string> topics;
  std::shared_ptr<const std::vector<ReplyTemplate>> templates;
};
std::mutex cache_mutex;
std::vector<Cached> cache;  // most recently used first, at most 8
std::vector<ReplyTemplate> parse_section(const json& j, const Profile& p);
std::vector<std::string> topic_codes(const Profile& p) {
  std::vector<std::string> v;
  for (const auto& l : p.topics) v.push_back(l.code);
  return v;
}
}  // namespace

std::vector<ReplyTemplate> profile_templates(const Profile& p) {
  if (!p.source.is_object()) return {};
  auto it = p.source.find("templates");
  if (it == p.source.end()) return {};
  const std::vector<std::string> topics = topic_codes(p);
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    for (std::size_t i = 0; i < cache.size(); ++i)
      if (cache[i].topics == topics && cache[i].section == *it) {
        if (i) std::rotate(cache.begin(), cache.begin() + static_cast<std::ptrdiff_t>(i),
                           cache.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        return *cache.front().templates;
      }
  }
  auto parsed = std::make_shared<const std::vector<ReplyTemplate>>(parse_section(*it, p));
  std::lock_guard<std::mutex> lock(cache_mutex);
  cache.insert(cache.begin(), Cached{*it, topics, parsed});
  if (cache.size() > 8) cache.pop_back();
  return *parsed;
}

namespace {
std::vector<ReplyTemplate> parse_section(const json& j, const Profile& p) {
  std::vector<ReplyTemplate> out;
  if (!j.is_object()) bad("$.templates", "expected an object {key: template}");
  for (auto t = j.begin(); t != j.end(); ++t) {  // nlohmann's object keeps keys sorted
    const std::string path = "$.templates." + t.key();
    const std::string& key = t.key();
    if (key.empty() || key.size() > kMaxNameBytes ||
        !std::all_of(key.begin(), key.end(), [](char c) { return name_char(c) || c == '.' || c == '-'; }))
      bad(path, "a template key is 1.." + std::to_string(kMaxNameBytes) +
                    " bytes of lower-case letters, digits, '_', '.' and '-'");
    out.push_back(parse_template(key, *t, p, path));
  }
  return out;
}
}  // namespace

ReplyTemplate find_template(const Profile& p, std::string_view key) {
  for (auto& t : profile_templates(p))
    if (t.key == key) return std::move(t);
  throw Error(ErrorCode::not_found, "no template '" + std::string(key) + "' in profile '" + p.name + "'");
}

std::vector<ReplyTemplate> templates_for(const Profile& p, TemplateKind kind, std::string_view topic) {
  std::vector<ReplyTemplate> named, any;
  for (auto& t : profile_templates(p)) {
    if (t.kind != kind) continue;
    if (t.topic.empty()) any.push_back(std::move(t));
    else if (!topic.empty() && t.topic == topic) named.push_back(std::move(t));
  }
  for (auto& t : any) named.push_back(std::move(t));
  return named;
}

std::string fill_template(const ReplyTemplate& t, const TemplateValues& values) {
  std::string out;
  for (const Piece& x : parse(t.text, "template '" + t.key + "'")) {
    if (!x.placeholder) {
      out += x.text;
      continue;
    }
    auto v = values.find(x.text);
    if (v == values.end()) invalid("template '" + t.key + "': placeholder {" + x.text + "} has no value");
    check_value(t.key, x.text, v->second);
    out += v->second;
    if (out.size() > kMaxTextBytes) break;
  }
  if (out.size() > kMaxTextBytes)
    invalid("template '" + t.key + "': the rendered text is longer than " + std::to_string(kMaxTextBytes) +
            " bytes (the limit of a reply's text)");
  return out;
}

RenderedTemplate render_template(const State& state, const Profile& profile, const RenderRequest& request) {
  const auto cal = calendar_for(profile);
  return render(state, profile, *cal, request);
}

RenderedTemplate render_template(const Engine& engine, const RenderRequest& request) {
  return engine.read([&](const State& s) { return render(s, engine.profile(), engine.calendar(), request); });
}

json template_to_json(const ReplyTemplate& t) {
  json j = {{"key", t.key},     {"kind", std::string(to_string(t.kind))}, {"title", t.title},
            {"citation", t.citation}, {"text", t.text}, {"placeholders", t.placeholders}};
  if (!t.topic.empty()) j["topic"] = t.topic;
  return j;
}

json rendered_to_json(const RenderedTemplate& r) {
  return {{"key", r.key},           {"kind", std::string(to_string(r.kind))}, {"title", r.title},
          {"citation", r.citation}, {"text", r.text},                         {"values", r.values}};
}

}  // namespace doithoai

// tools/cli/main.cpp: `doithoai`, the command line of the library for officials' scripts
// and operators (docs/cli.md). Hand-parsed options (no dependency), one handler per
// subcommand, every failure caught and mapped to a documented exit code with one line on
// stderr. Output is UTF-8 bytes as the library produces them: no locale is consulted.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <streambuf>

#include "doithoai/checkpoint.h"

#include "cli.h"
#include "progress.h"

using namespace doithoai;

namespace doithoai_cli {

int exit_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return kNotFound;
    case ErrorCode::permission_denied: return kPermission;
    case ErrorCode::invalid_transition: return kTransition;
    case ErrorCode::invalid_argument: return kInvalid;
    case ErrorCode::conflict: return kConflict;
    case ErrorCode::storage: return kStorage;
    case ErrorCode::corruption: return kCorruption;
    case ErrorCode::unsupported: return kUnsupported;
  }
  return kInternal;
}

namespace {

const char* kExitCodes =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  internal error (a bug, out of memory)\n"
    "  2  usage: bad command line\n"
    "  3  not found: no such store, file, id or code (not_found)\n"
    "  4  permission denied: the actor lacks the role (permission_denied)\n"
    "  5  invalid input: malformed JSON, CSV, date or text (invalid_argument)\n"
    "  6  invalid transition: not allowed in the current state (invalid_transition)\n"
    "  7  conflict: reused idempotency key, another writer, another profile (conflict)\n"
    "  8  storage: I/O failure, not a SQLite file, output not written (storage)\n"
    "  9  corruption: the hash chain or a checksum fails (corruption)\n"
    " 10  unsupported (unsupported)\n";

const char* kCommon =
    "Common options:\n"
    "  --profile NAME|FILE  the rule profile (a built-in name or a JSON file); overrides the\n"
    "                       store's own with a warning when they differ\n"
    "  --today DATE|INSTANT a fixed clock (tests, simulations); also DOITHOAI_TODAY\n"
    "  --no-progress        no progress line on stderr (none is drawn unless it is a terminal)\n"
    "  -h, --help           this help\n";

struct Command {
  std::string name;      // "report", "calendar deadline"
  std::string usage;     // after the name
  std::string summary;   // one line
  std::string details;   // options and notes
  std::vector<std::string> options;  // accepted options besides the common ones; "=" suffix: takes a value
  std::size_t min_pos = 0, max_pos = 0;
  std::function<int(const Args&)> run;
};

std::vector<Command>& commands();
std::string help_for;  // the command whose --help a usage error points to ("" before one is known)

void print_main_help() {
  std::cout << "doithoai " << DOITHOAI_VERSION
            << ": the workflow of dialogue conferences between leaders and the people, from the shell.\n\n"
               "Usage: doithoai COMMAND [ARGS] [OPTIONS]   (doithoai COMMAND --help for each)\n\nCommands:\n";
  for (const auto& c : commands()) std::cout << "  " << cut(c.name + " " + c.usage, 46) << " " << c.summary << "\n";
  std::cout << "\n" << kCommon << "\n" << kExitCodes << "\nDocumentation: docs/cli.md\n";
}

void print_help(const Command& c) {
  std::cout << "Usage: doithoai " << c.name << " " << c.usage << "\n\n" << c.summary << "\n\n" << c.details
            << (c.details.empty() ? "" : "\n") << kCommon << "\n" << kExitCodes;
}

bool takes_value(const Command& c, const std::string& opt) {
  if (opt == "--profile" || opt == "--today") return true;
  for (const auto& o : c.options)
    if (o == opt + "=") return true;
  return false;
}
bool known_option(const Command& c, const std::string& opt) {
  if (opt == "--profile" || opt == "--today" || opt == "--no-progress" || opt == "--help") return true;
  for (const auto& o : c.options)
    if (o == opt || o == opt + "=") return true;
  return false;
}

// ---- shared helpers --------------------------------------------------------------------

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// Writes to stdout or --output FILE, then checks that it was written.
void emit(const Args& a, const std::string& text) {
  if (auto out = a.get("--output")) {
    std::ofstream f(*out, std::ios::binary | std::ios::trunc);
    if (!f) throw Error(ErrorCode::storage, "cannot write " + *out);
    f << text;
    f.flush();
    if (!f) throw Error(ErrorCode::storage, "cannot write " + *out);
    return;
  }
  std::cout << text;
}

std::string format_arg(const Args& a, std::initializer_list<const char*> allowed) {
  const std::string f = a.get("--format").value_or(*allowed.begin());
  for (const char* x : allowed)
    if (f == x) return f;
  std::string list;
  for (const char* x : allowed) list += (list.empty() ? "" : "|") + std::string(x);
  throw UsageError{"--format is " + list + ", not '" + f + "'"};
}

// Period: 2026-Q3, 2026-07, 2026, 2026-H1 (six months), 2026-9M (nine months),
// 2026-01-01..2026-03-31 (a range).
Period period_arg(const std::string& v) {
  auto bad = [&] {
    return Error(ErrorCode::invalid_argument, "--period '" + v + "': expected 2026, 2026-Q3, 2026-07, 2026-H1, "
                                              "2026-9M or FROM..TO (dates)");
  };
  const auto dots = v.find("..");
  if (dots != std::string::npos)
    return Period::range(date_arg(v.substr(0, dots), "--period"), date_arg(v.substr(dots + 2), "--period"));
  auto number = [&](const std::string& s) {
    if (s.empty() || s.size() > 4 || s.find_first_not_of("0123456789") != std::string::npos) throw bad();
    return std::stoi(s);
  };
  if (v.size() < 4) throw bad();
  const int year = number(v.substr(0, 4));
  if (year < 1900 || year > 2199) throw bad();
  if (v.size() == 4) return Period::year(year);
  if (v[4] != '-') throw bad();
  const std::string rest = v.substr(5);
  if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q') && rest[1] >= '1' && rest[1] <= '4')
    return Period::quarter(year, rest[1] - '0');
  if (rest == "H1" || rest == "h1") return Period::six_months(year);
  if (rest == "9M" || rest == "9m") return Period::nine_months(year);
  if (rest.size() == 2) {
    const int m = number(rest);
    if (m >= 1 && m <= 12) return Period::month(year, m);
  }
  throw bad();
}

std::string dmy(const std::optional<Date>& d) { return d ? format_date(*d) : "—"; }

// ---- init --------------------------------------------------------------------------------

int cmd_init(const Args& a) {
  const std::string& path = a.positional[0];
  const auto prof = a.get("--profile");
  if (!prof) throw UsageError{"init needs --profile NAME|FILE"};
  const Profile p = profile_from_arg(*prof);
  const std::string value = profile_setting_value(*prof, p);
  SqliteStore store(path);
  if (auto old = store.setting(kProfileSetting)) {
    if (*old == value) {
      std::cout << "store " << path << " already uses profile " << p.name << "\n";
      return kOk;
    }
    throw Error(ErrorCode::conflict, "store " + path + " already has another profile; a store keeps the rules "
                                     "it was created with (docs/store.md)");
  }
  store.set_setting(kProfileSetting, value);
  std::cout << "initialised " << path << " with profile " << p.name << " (" << p.title << ")\n";
  return kOk;
}

// ---- exec --------------------------------------------------------------------------------

// Counts the bytes read through it (for a progress bar over a file).
class CountingBuf : public std::streambuf {
 public:
  explicit CountingBuf(std::streambuf* src) : src_(src) {}
  std::uint64_t count = 0;

 protected:
  int_type underflow() override { return src_->sgetc(); }
  int_type uflow() override {
    const int_type c = src_->sbumpc();
    if (c != traits_type::eof()) ++count;
    return c;
  }
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    const std::streamsize got = src_->sgetn(s, n);
    count += static_cast<std::uint64_t>(got);
    return got;
  }

 private:
  std::streambuf* src_;
};

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

int cmd_exec(const Args& a) {
  Opened o = open_engine_on(a, a.positional[0]);
  std::ifstream file;
  std::istream* in = &std::cin;
  const bool from_file = a.positional.size() > 1 && a.positional[1] != "-";
  if (from_file) {
    file.open(a.positional[1], std::ios::binary);
    if (!file) throw Error(file_exists(a.positional[1]) ? ErrorCode::storage : ErrorCode::not_found,
                           "cannot read " + a.positional[1]);
    in = &file;
  }
  CountingBuf counter(in->rdbuf());
  std::istream lines(&counter);
  Progress progress("exec", from_file ? file_size(a.positional[1]) : 0);
  const bool keep_going = a.has("--keep-going");
  int first_failure = kOk;
  std::uint64_t n = 0, failed = 0;
  std::string line;
  while (std::getline(lines, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    nlohmann::json out;
    int code = kOk;
    try {
      const nlohmann::json request = parse_json(line);
      if (request.is_object() && request.size() == 1 && request.contains("clock")) {
        if (!o.manual_clock)
          throw Error(ErrorCode::invalid_argument, "a {\"clock\": ...} line needs a manual clock (--today or DOITHOAI_TODAY)");
        if (!request["clock"].is_string()) throw Error(ErrorCode::invalid_argument, "\"clock\" is a date or an instant");
        Args t;
        t.options["--today"] = request["clock"].get<std::string>();
        o.manual_clock->set(*manual_now(t));
        out = {{"clock", format_instant(o.manual_clock->now())}};
      } else {
        out = o.engine->execute_json(request);
      }
    } catch (const Error& e) {
      code = exit_code(e.code());
      out = {{"error", {{"code", std::string(to_string(e.code()))}, {"message", e.what()}, {"line", n}}}};
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!from_file) std::cout.flush();
    if (code != kOk) {
      ++failed;
      if (first_failure == kOk) first_failure = code;
      if (!keep_going) {
        progress.clear();
        std::cerr << "doithoai: exec stopped at line " << n << " (" << out["error"]["code"].get<std::string>()
                  << "): " << out["error"]["message"].get<std::string>() << "\n";
        return code;
      }
    }
    progress.update(counter.count);
  }
  progress.clear();
  if (failed)
    std::cerr << "doithoai: exec: " << failed << " of the lines failed (results say which); exit code of the first\n";
  return first_failure;
}

// ---- import ------------------------------------------------------------------------------

int cmd_import(const Args& a) {
  const std::string& path = a.positional[0];
  const std::string& file = a.positional[1];
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return file.size() >= e.size() && file.compare(file.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".jsonl") || ends(".ndjson")) {
    Opened o = open_engine_on(a, path);  // the store must exist and have a profile
    std::ifstream f(file, std::ios::binary);
    if (!f) throw Error(file_exists(file) ? ErrorCode::storage : ErrorCode::not_found, "cannot read " + file);
    // import_jsonl appends to the store behind the engine's back; the engine is not used again.
    CountingBuf counter(f.rdbuf());
    std::istream in(&counter);
    Progress progress("import", file_size(file));
    std::atomic<bool> stop{false};
    std::uint64_t n = 0;
    {
      std::thread ticker;
      if (progress_enabled())
        ticker = std::thread([&] {
          while (!stop.load()) {
            progress.update(counter.count);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        });
      struct Join {
        std::atomic<bool>& stop;
        std::thread& t;
        ~Join() {
          stop = true;
          if (t.joinable()) t.join();
        }
      } join{stop, ticker};
      n = import_jsonl(in, *o.store);
    }
    progress.clear();
    std::cout << "imported " << n << " events from " << file << "; the chain now ends at sequence "
              << o.store->last_seq() << "\n";
    return kOk;
  }
  if (ends(".csv")) {
    Opened o = open_engine_on(a, path);
    return import_csv(a, o, file);
  }
  throw UsageError{"import reads FILE.csv (opinions) or FILE.jsonl (an event log), not '" + file + "'"};
}

// ---- report ------------------------------------------------------------------------------

int cmd_report(const Args& a) {
  const std::string format = format_arg(a, {"text", "json", "csv", "html"});
  if (!a.has("--period")) throw UsageError{"report needs --period (2026-Q3, 2026, 2026-07, ...)"};
  const Period period = period_arg(*a.get("--period"));
  Opened o = open_engine_on(a, a.positional[0]);
  ReportRequest req;
  req.period = period;
  if (auto u = a.get("--unit")) req.unit = unit_arg(*o.engine, *u, "--unit");
  if (auto d = a.get("--as-of")) req.as_of = date_arg(*d, "--as-of");
  const Report r = with_spinner("report", [&] { return make_report(*o.engine, req); });
  if (format == "json") emit(a, report_to_json(r).dump(2) + "\n");
  else if (format == "csv") emit(a, report_csv(r));
  else if (format == "html") {
    HtmlOptions h;
    h.lang = a.get("--lang").value_or("vi");
    if (h.lang != "vi" && h.lang != "en") throw UsageError{"--lang is vi or en"};
    emit(a, report_html(r, h));
  } else {
    emit(a, report_text(r));
  }
  return kOk;
}

// ---- overdue -----------------------------------------------------------------------------

int cmd_overdue(const Args& a) {
  const std::string format = format_arg(a, {"text", "json"});
  Opened o = open_engine_on(a, a.positional[0]);
  const Date as_of = a.has("--as-of") ? date_arg(*a.get("--as-of"), "--as-of") : o.engine->today();
  std::size_t limit = 1000;
  if (auto l = a.get("--limit")) {
    if (l->empty() || l->size() > 9 || l->find_first_not_of("0123456789") != std::string::npos)
      throw UsageError{"--limit is a number"};
    limit = std::stoul(*l);
  }
  const std::vector<ItemId> ids = o.engine->overdue(as_of, limit);
  nlohmann::json rows = nlohmann::json::array();
  std::ostringstream text;
  o.engine->read_as_of(as_of, [&](const State& s) {
    for (ItemId id : ids) {
      const Item it = s.item(id);
      const int late = it.deadline ? static_cast<int>((as_of - *it.deadline).days()) : 0;
      const std::string agency = it.agency ? s.agency(it.agency).name : "";
      const std::string unit = s.unit(it.unit).name;
      rows.push_back({{"item", id.value}, {"deadline", dmy(it.deadline)}, {"days_overdue", late},
                      {"agency", agency}, {"unit", unit}, {"status", std::string(to_string(it.status))},
                      {"text", it.text}});
      text << cut(std::to_string(id.value), 6) << " " << dmy(it.deadline) << " " << cut(std::to_string(late), 5) << " "
           << cut(agency.empty() ? "—" : agency, 32) << " " << it.text << "\n";
    }
    return 0;
  });
  if (format == "json") {
    emit(a, nlohmann::json{{"as_of", format_date(as_of)}, {"items", rows}}.dump(2) + "\n");
  } else {
    std::ostringstream out;
    out << "Quá hạn tính đến " << format_date(as_of) << ": " << ids.size() << " nội dung\n";
    if (!ids.empty())
      out << cut("Số", 6) << " " << cut("Hạn", 10) << " " << cut("Ngày", 5) << " " << cut("Cơ quan", 32)
          << " Nội dung\n"
          << text.str();
    emit(a, out.str());
  }
  return kOk;
}

// ---- export ------------------------------------------------------------------------------

int cmd_export(const Args& a) {
  const std::string& what = a.positional[1];
  if (what != "open311" && what != "ical" && what != "csv" && what != "jsonl" && what != "json")
    throw UsageError{"export writes open311, ical, csv, json or jsonl, not '" + what + "'"};
  Opened o = open_engine_on(a, a.positional[0]);
  if (what == "jsonl") {
    std::ostringstream out;
    Progress p("export", o.store->last_seq());
    std::uint64_t done = 0;
    // export_jsonl streams the rows; the progress follows the lines written.
    struct LineCount : std::streambuf {
      std::ostringstream& dst;
      Progress& p;
      std::uint64_t& done;
      LineCount(std::ostringstream& d, Progress& pr, std::uint64_t& n) : dst(d), p(pr), done(n) {}
      int_type overflow(int_type c) override {
        if (c != traits_type::eof()) {
          dst.put(static_cast<char>(c));
          if (c == '\n') p.update(++done);
        }
        return c;
      }
      std::streamsize xsputn(const char* s, std::streamsize n) override {
        dst.write(s, n);
        for (std::streamsize i = 0; i < n; ++i)
          if (s[i] == '\n') p.update(++done);
        return n;
      }
    } buf(out, p, done);
    std::ostream sink(&buf);
    export_jsonl(*o.store, sink);
    p.clear();
    emit(a, out.str());
    return kOk;
  }
  ExportOptions eo;
  if (auto u = a.get("--unit")) eo.unit = unit_arg(*o.engine, *u, "--unit");
  if (auto d = a.get("--as-of")) eo.as_of = date_arg(*d, "--as-of");
  if (a.has("--internal")) eo.visibility = Visibility::internal;
  std::string text;
  with_spinner("export", [&] {
    if (what == "open311") text = export_open311(*o.engine, eo).dump(2) + "\n";
    else if (what == "json") text = export_items_json(*o.engine, eo).dump(2) + "\n";
    else if (what == "csv") export_items_csv(*o.engine, eo, text);
    else {
      const auto ag = a.get("--agency");
      if (!ag) throw UsageError{"export ical needs --agency ID|CODE"};
      AgencyId agency;
      if (!ag->empty() && ag->size() < 10 && ag->find_first_not_of("0123456789") == std::string::npos) {
        agency = AgencyId(static_cast<std::uint32_t>(std::stoul(*ag)));
      } else {
        auto found = o.engine->read([&](const State& s) { return s.find_agency(*ag); });
        if (!found) throw Error(ErrorCode::not_found, "no agency with code '" + *ag + "'");
        agency = *found;
      }
      text = export_ical(*o.engine, agency, eo);
    }
    return 0;
  });
  emit(a, text);
  return kOk;
}

// ---- checkpoints (doithoai/checkpoint.h) ---------------------------------------------------

// A key file (docs/cli.md): one JSON object,
//   {"key_id": "mttq-bode", "alg": "hmac_sha256", "secret": "<hex, 16+ bytes>"}
//   {"key_id": "mttq-bode", "alg": "ed25519", "private_key": "<64 hex>"}   signs and verifies
//   {"key_id": "mttq-bode", "alg": "ed25519", "public_key": "<64 hex>"}    verifies only
CheckpointKey key_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(file_exists(path) ? ErrorCode::storage : ErrorCode::not_found, "cannot read key file " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  const nlohmann::json j = parse_json(ss.str());
  auto field = [&](const char* name) -> std::optional<std::string> {
    if (!j.is_object() || !j.contains(name)) return std::nullopt;
    if (!j[name].is_string()) throw Error(ErrorCode::invalid_argument, path + ": \"" + name + "\" is a string");
    return j[name].get<std::string>();
  };
  if (!j.is_object()) throw Error(ErrorCode::invalid_argument, path + ": a key file is one JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "key_id" && it.key() != "alg" && it.key() != "secret" && it.key() != "private_key" &&
        it.key() != "public_key")
      throw Error(ErrorCode::invalid_argument, path + ": unknown field \"" + it.key() + "\"");
  const auto id = field("key_id"), alg = field("alg");
  if (!id || !alg) throw Error(ErrorCode::invalid_argument, path + ": \"key_id\" and \"alg\" are required");
  if (*alg == "hmac_sha256") {
    const auto secret = field("secret");
    if (!secret) throw Error(ErrorCode::invalid_argument, path + ": an hmac_sha256 key needs \"secret\" (hex)");
    return CheckpointKey::hmac_sha256(*id, hex_to_bytes(*secret));
  }
  if (*alg == "ed25519") {
    if (const auto k = field("private_key")) return CheckpointKey::ed25519_private(*id, hex_to_bytes(*k));
    if (const auto k = field("public_key")) return CheckpointKey::ed25519_public(*id, hex_to_bytes(*k));
    throw Error(ErrorCode::invalid_argument, path + ": an ed25519 key needs \"private_key\" or \"public_key\" (hex)");
  }
  throw Error(ErrorCode::invalid_argument, path + ": \"alg\" is hmac_sha256 or ed25519");
}

int cmd_checkpoint(const Args& a) {
  const auto kf = a.get("--key-file");
  if (!kf) throw UsageError{"checkpoint needs --key-file F"};
  const CheckpointKey key = key_file(*kf);
  const std::string& path = a.positional[0];
  if (!file_exists(path)) throw Error(ErrorCode::not_found, "no store at " + path);
  SqliteOptions so;
  so.create = false;
  SqliteStore store(path, so);  // opening checks the chain (since the last snapshot)
  std::optional<std::uint64_t> seq;
  if (auto s = a.get("--seq")) {
    if (s->empty() || s->size() > 18 || s->find_first_not_of("0123456789") != std::string::npos)
      throw UsageError{"--seq is a sequence number"};
    seq = std::stoull(*s);
  }
  const Checkpoint c = issue_checkpoint(store, key, seq, manual_now(a));
  std::cout << checkpoint_to_line(c) << "\n";
  return kOk;
}

// ---- verify ------------------------------------------------------------------------------

int cmd_verify(const Args& a) {
  const std::string format = format_arg(a, {"text", "json"});
  const std::string& path = a.positional[0];
  if (!file_exists(path)) throw Error(ErrorCode::not_found, "no store at " + path);
  SqliteOptions so;
  so.read_only = true;  // forensics: a broken chain is reported, not refused at open
  so.create = false;
  SqliteStore store(path, so);
  if (a.has("--checkpoints") || a.has("--key-file")) {
    if (!a.has("--checkpoints") || !a.has("--key-file"))
      throw UsageError{"--checkpoints FILE and --key-file F go together"};
    const CheckpointKey key = key_file(*a.get("--key-file"));
    const std::vector<Checkpoint> cps = read_checkpoint_file(*a.get("--checkpoints"));
    const VerifyReport whole = with_progress("verify", [&](Meter& m) {
      return store.verify([&](std::uint64_t done, std::uint64_t total) { m.set(done, total); });
    });
    const CheckpointReport r = with_spinner("checkpoints", [&] { return verify_checkpoints(store, cps, key); });
    const bool ok = whole.ok && r.ok;
    if (format == "json") {
      nlohmann::json findings = nlohmann::json::array();
      for (const auto& f : r.findings)
        findings.push_back({{"problem", std::string(to_string(f.problem))}, {"checkpoint_seq", f.checkpoint_seq},
                            {"first_bad", f.first_bad}, {"message", f.message}});
      std::cout << nlohmann::json{{"ok", ok}, {"checked", whole.checked}, {"chain_problem", whole.problem},
                                  {"head", to_hex(whole.head)}, {"checkpoints", cps.size()},
                                  {"checkpoints_valid", r.checkpoints_valid}, {"last_seq", r.last_seq},
                                  {"confirmed_seq", r.confirmed_seq}, {"problem", std::string(to_string(r.problem))},
                                  {"first_bad", r.first_bad}, {"findings", findings}, {"message", r.message}}
                       .dump(2)
                << "\n";
    } else if (ok) {
      std::cout << "ok: " << whole.checked << " events, head " << to_hex(whole.head) << "; " << r.checkpoints_valid
                << " of " << cps.size() << " checkpoints valid, rows 1.." << r.confirmed_seq << " as certified\n";
    } else {
      if (!whole.ok) std::cout << "BROKEN at sequence " << whole.first_bad << ": " << whole.problem << "\n";
      for (const auto& f : r.findings) std::cout << to_string(f.problem) << ": " << f.message << "\n";
      if (whole.ok && r.findings.empty()) std::cout << r.message << "\n";
    }
    if (!ok) {
      std::cerr << "doithoai: verify: " << (whole.ok ? r.message : whole.problem) << "\n";
      return kCorruption;
    }
    return kOk;
  }
  const VerifyReport v = with_progress("verify", [&](Meter& m) {
      return store.verify([&](std::uint64_t done, std::uint64_t total) { m.set(done, total); });
    });
  if (format == "json") {
    std::cout << nlohmann::json{{"ok", v.ok}, {"checked", v.checked}, {"first_bad", v.first_bad},
                                {"problem", v.problem}, {"head", to_hex(v.head)}}
                     .dump(2)
              << "\n";
  } else if (v.ok) {
    std::cout << "ok: " << v.checked << " events, head " << to_hex(v.head) << "\n";
  } else {
    std::cout << "BROKEN at sequence " << v.first_bad << ": " << v.problem << " (" << v.checked
              << " rows examined; last good head " << to_hex(v.head) << ")\n";
  }
  if (!v.ok) {
    std::cerr << "doithoai: verify: the store fails verification at sequence " << v.first_bad << "\n";
    return kCorruption;
  }
  return kOk;
}

// ---- history -----------------------------------------------------------------------------

// Issue 14 (R04, R13): an opinion's public status by its tracking code, as the public sees it.
int cmd_track(const Args& a) {
  const std::string format = format_arg(a, {"text", "json"});
  Opened o = open_engine_on(a, a.positional[0]);
  std::optional<Date> as_of;
  if (auto d = a.get("--as-of")) as_of = date_arg(*d, "--as-of");
  const Tracking t = track(*o.engine, a.positional[1], as_of);
  if (format == "json") {
    emit(a, tracking_to_json(t).dump(2) + "\n");
    return 0;
  }
  std::ostringstream out;
  out << t.code << " — " << t.unit_name << ", " << format_date(t.raised_on) << ", " << to_string(t.channel) << ", "
      << t.raised_by << "\n";
  for (const auto& x : t.items) {
    out << "  #" << x.id.value << " " << x.topic_label << ": " << to_string(x.status);
    if (x.deadline) out << ", hạn " << format_date(*x.deadline);
    if (!x.agency.empty()) out << ", " << x.agency;
    out << "\n";
    if (x.reply) out << "    Văn bản số " << x.reply->number << " ngày " << format_date(x.reply->date) << ": " << x.reply->text << "\n";
  }
  emit(a, out.str());
  return 0;
}

int cmd_history(const Args& a) {
  const std::string format = format_arg(a, {"text", "json"});
  Opened o = open_engine_on(a, a.positional[0]);
  const std::string& v = a.positional[1];
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    throw Error(ErrorCode::invalid_argument, "ITEM is an item id (a number), not '" + v + "'");
  const ItemId id(static_cast<std::uint32_t>(std::stoul(v)));
  (void)o.engine->item(id);  // not_found for an unknown item
  const std::vector<Recorded> events = o.engine->history(id);
  const int zone = o.engine->profile().zone_offset_minutes;
  std::ostringstream out;
  for (const Recorded& r : events) {
    if (format == "json") {
      out << recorded_to_json(r).dump() << "\n";
      continue;
    }
    std::string actor = "system";
    if (r.actor != kSystemActor) {
      try {
        actor = o.engine->person(r.actor).name;
      } catch (const Error&) {
        actor = "#" + std::to_string(r.actor.value);
      }
    }
    const Instant local = r.at + boost::posix_time::minutes(zone);
    const std::string when = format_instant(local).substr(0, 16);  // YYYY-MM-DDTHH:MM, local
    out << cut(std::to_string(r.seq), 6) << " " << when.substr(0, 10) << " " << when.substr(11) << " "
        << cut(std::string(event_type(r.event)), 22) << " " << actor << "\n       "
        << event_to_json(r.event).dump() << "\n";
  }
  emit(a, out.str());
  return kOk;
}

// ---- template (reply templates, docs/templates.md) ---------------------------------------

std::uint32_t id_number(const std::string& v, const char* what) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    throw Error(ErrorCode::invalid_argument, std::string(what) + " is an id (a number), not '" + v + "'");
  return static_cast<std::uint32_t>(std::stoul(v));
}

// Renders a template of the store's profile; records nothing (the text goes into a reply
// request for `exec`). Without KEY, lists the templates.
int cmd_template(const Args& a) {
  const std::string format = format_arg(a, {"text", "json"});
  Opened o = open_engine_on(a, a.positional[0]);
  if (a.positional.size() == 1) {
    std::ostringstream out;
    nlohmann::json list = nlohmann::json::array();
    for (const ReplyTemplate& t : profile_templates(o.engine->profile())) {
      if (format == "json") list.push_back(template_to_json(t));
      else out << cut(t.key, 20) << " " << cut(std::string(to_string(t.kind)), 20) << " "
               << cut(t.topic.empty() ? "-" : t.topic, 16) << " " << t.title << "\n";
    }
    emit(a, format == "json" ? list.dump() + "\n" : out.str());
    return kOk;
  }
  RenderRequest rq;
  rq.key = a.positional[1];
  if (auto i = a.get("--item")) rq.item = ItemId(id_number(*i, "--item"));
  if (auto c = a.get("--conference")) rq.conference = ConferenceId(id_number(*c, "--conference"));
  if (auto v = a.get("--values")) {
    const nlohmann::json j = parse_json(*v);
    if (!j.is_object()) throw Error(ErrorCode::invalid_argument, "--values is a JSON object of strings");
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!it.value().is_string())
        throw Error(ErrorCode::invalid_argument, "--values: '" + it.key() + "' must be a string");
      rq.values[it.key()] = it.value().get<std::string>();
    }
  }
  const RenderedTemplate r = render_template(*o.engine, rq);
  emit(a, format == "json" ? rendered_to_json(r).dump() + "\n" : r.text + "\n");
  return kOk;
}

// ---- calendar ----------------------------------------------------------------------------

std::shared_ptr<const Calendar> calendar_arg(const Args& a) {
  if (a.has("--store")) {
    Opened o = open_engine_on(a, *a.get("--store"));
    return calendar_for(o.engine->profile());
  }
  if (auto p = a.get("--profile")) return calendar_for(profile_from_arg(*p));
  const std::string name = a.get("--calendar").value_or("vietnam");
  if (name == "vietnam") return VietnamCalendar::builtin();
  if (name == "weekend") return std::make_shared<WeekendCalendar>();
  throw UsageError{"--calendar is vietnam or weekend"};
}

int cmd_calendar_deadline(const Args& a) {
  const std::string format = format_arg(a, {"text", "json"});
  const Date event = date_arg(a.positional[0], "DATE");
  const std::string& span = a.positional[1];
  DeadlineRule rule;
  std::size_t digits = 0;
  while (digits < span.size() && span[digits] >= '0' && span[digits] <= '9') ++digits;
  const std::string unit = span.substr(digits);
  if (digits == 0 || digits > 5 || (unit != "" && unit != "d" && unit != "w" && unit != "wd"))
    throw Error(ErrorCode::invalid_argument, "SPAN is a number of days: 30 or 30d (calendar days), 15w (working days); "
                                             "got '" + span + "'");
  rule.days = std::stoi(span.substr(0, digits));
  rule.day_type = unit.empty() || unit == "d" ? DayType::calendar : DayType::working;
  const std::string end = a.get("--end").value_or("next");
  if (end == "next") rule.end_rule = EndRule::next_working_day;
  else if (end == "keep") rule.end_rule = EndRule::keep;
  else throw UsageError{"--end is next or keep"};
  const auto cal = calendar_arg(a);
  const DeadlineExplanation x = cal->explain(event, rule);
  if (format == "json") {
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& d : x.skipped)
      skipped.push_back({{"date", format_date(d.date)}, {"reason", d.reason}, {"citation", d.citation}});
    std::cout << nlohmann::json{{"event", format_date(x.event)}, {"first_day", format_date(x.first_day)},
                                {"computed_end", format_date(x.computed_end)}, {"deadline", format_date(x.deadline)},
                                {"calendar", x.calendar_name}, {"days", rule.days},
                                {"day_type", rule.day_type == DayType::working ? "working" : "calendar"},
                                {"moved", x.moved}, {"kept_on_day_off", x.kept_on_day_off},
                                {"skipped", skipped}, {"text_vi", x.text_vi}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << format_date(x.deadline) << "\n";
    if (a.has("--explain")) std::cout << x.text_vi << "\n";
  }
  return kOk;
}

int cmd_calendar_day(const Args& a) {
  const Date d = date_arg(a.positional[0], "DATE");
  const auto cal = calendar_arg(a);
  const DayOffReason r = cal->day_off_reason(d);
  if (cal->is_working_day(d)) std::cout << format_date(d) << ": ngày làm việc (working day)\n";
  else
    std::cout << format_date(d) << ": ngày nghỉ (day off): " << r.reason
              << (r.citation.empty() ? "" : " [" + r.citation + "]") << "\n";
  return kOk;
}

std::vector<Command>& commands() {
  static std::vector<Command> v = {
      {"init", "STORE --profile NAME|FILE", "create a store (SQLite file) and record its rule profile",
       "A built-in profile name (" +
           [] {
             std::string s;
             for (const auto& n : builtin_profile_names()) s += (s.empty() ? "" : ", ") + n;
             return s;
           }() +
           ") is recorded by name; a profile file is recorded whole\n(its JSON), so the store does not depend on "
           "the file later. Running init again with the same\nprofile does nothing; with another, exit 7.\n",
       {}, 1, 1, cmd_init},
      {"exec", "STORE [FILE|-]", "run JSON requests, one per line, printing one result per line",
       "Each line is a request of docs/json.md \"Requests and results\":\n"
       "  {\"actor\": 3 | \"system\", \"idempotency_key\": \"...\", \"command\": {\"type\": ...}}\n"
       "Blank lines and lines starting with # are skipped (no output). With a manual clock\n"
       "(--today), a line {\"clock\": \"2022-09-30\"} or {\"clock\": \"2022-09-30T14:00:00+07:00\"} sets it.\n"
       "A failed line prints {\"error\": {\"code\", \"message\", \"line\"}} and stops the run with the\n"
       "error's exit code (the lines before it stay committed); with --keep-going every line\n"
       "runs and the exit code is that of the first failed line.\n"
       "  --keep-going   go on after a failed line\n",
       {"--keep-going"}, 1, 2, cmd_exec},
      {"import", "STORE FILE.csv|FILE.jsonl", "import opinions from CSV, or an event log from JSON Lines",
       "FILE.jsonl: the rows of `doithoai export STORE jsonl` (export_jsonl), appended with their\n"
       "hashes checked; the store must hold exactly the file's prefix (usually: be empty).\n"
       "FILE.csv: UTF-8 with a header; columns topic, text (required), unit, conference, channel,\n"
       "raised_by (id or person code), raised_by_org, raised_on, opinion (rows with the same\n"
       "opinion key become items of one opinion). Every row is read before any is submitted;\n"
       "then each opinion is one command.\n"
       "  --actor ID|CODE|system   who submits (default: system)\n"
       "  --unit U  --conference C  --channel NAME  --raised-on DATE   defaults for missing columns\n"
       "  --key-prefix P   idempotency key P+row for each opinion (re-running is then safe)\n"
       "  --keep-going     skip failing rows (listed on stderr); exit code of the first\n",
       {"--actor=", "--unit=", "--conference=", "--channel=", "--raised-on=", "--key-prefix=", "--keep-going"}, 2, 2,
       cmd_import},
      {"report", "STORE --period P [--unit U]", "the periodic report (R16) as text, json, csv or html",
       "  --period P    2026-Q3, 2026, 2026-07, 2026-H1 (six months), 2026-9M, FROM..TO\n"
       "  --unit U      a unit id or code and its subtree (default: every unit)\n"
       "  --as-of DATE  standing date (default: the period's last day)\n"
       "  --format F    text (default), json (schemas/report.schema.json), csv (key,value), html\n"
       "  --lang vi|en  language of the HTML report\n"
       "  --output FILE write there instead of stdout\n",
       {"--period=", "--unit=", "--as-of=", "--format=", "--lang=", "--output="}, 1, 1, cmd_report},
      {"overdue", "STORE [--as-of DATE]", "items outstanding past their deadline",
       "  --as-of DATE  the day (default: today by the clock)\n"
       "  --limit N     at most N items, earliest deadline first (default 1000)\n"
       "  --format F    text (default) or json\n"
       "  --output FILE write there instead of stdout\n",
       {"--as-of=", "--limit=", "--format=", "--output="}, 1, 1, cmd_overdue},
      {"export", "STORE open311|ical|csv|json|jsonl", "export items (or the event log: jsonl)",
       "open311, csv, json: items (public view: published, redacted; --internal: all).\n"
       "ical: an agency's outstanding deadlines (--agency). jsonl: the whole event log with\n"
       "its hashes (for `doithoai import`).\n"
       "  --unit U --as-of DATE --internal --agency ID|CODE --output FILE\n",
       {"--unit=", "--as-of=", "--internal", "--agency=", "--output="}, 2, 2, cmd_export},
      {"verify", "STORE", "check the whole hash chain and the replay cache (and checkpoints)",
       "Opens the store read-only (a broken store is examined, not refused) and walks every\n"
       "row. Prints ok and the head hash, or where it breaks (exit 9). With --checkpoints, also\n"
       "checks signed checkpoints (doithoai/checkpoint.h): a deleted tail or a row rewritten\n"
       "with its chain recomputed, which the chain alone cannot show, and forged checkpoints.\n"
       "  --checkpoints FILE  checkpoints, one JSON line each (doithoai checkpoint >> FILE)\n"
       "  --key-file F        the key that verifies them (docs/cli.md: key files)\n"
       "  --format F          text (default) or json\n",
       {"--format=", "--checkpoints=", "--key-file="}, 1, 1, cmd_verify},
      {"checkpoint", "STORE --key-file F", "sign the store's head: print one checkpoint line",
       "Prints a signed checkpoint of the last row (or --seq N) as one JSON line; keep them apart\n"
       "from the store: doithoai checkpoint bode.db --key-file k.json >> bode.checkpoints\n"
       "Dated by the clock (--today for a fixed one). Verify first: a checkpoint certifies what\n"
       "the store holds now.\n"
       "  --key-file F   a key that signs (hmac_sha256 secret or ed25519 private key)\n"
       "  --seq N        certify row N instead of the last\n",
       {"--key-file=", "--seq="}, 1, 1, cmd_checkpoint},
      {"history", "STORE ITEM", "every event concerning an item (R20)",
       "  --format F    text (default: seq, local date and time, type, actor, data) or json (lines)\n"
       "  --output FILE write there instead of stdout\n",
       {"--format=", "--output="}, 2, 2, cmd_history},
      {"track", "STORE CODE", "an opinion's public status by its tracking code (R04, R13)",
       "CODE: the opinion's tracking code, e.g. BD-2022-000123 (either case). Shows what the\n"
       "public may see, redacted like the public feed (docs/rules.md \"Tracking code\").\n"
       "  --as-of DATE  as of the end of that day (default: now)\n"
       "  --format F    text (default) or json (doithoai.tracking/1)\n"
       "  --output FILE write there instead of stdout\n",
       {"--as-of=", "--format=", "--output="}, 2, 2, cmd_track},
      {"template", "STORE [KEY]", "render a reply template (R08, R10-R12) or list the templates",
       "Without KEY, lists the templates of the store's profile (key, kind, topic, title).\n"
       "With KEY, renders it from the store's state and prints the text; records nothing: pass\n"
       "the text to exec (write_reply's text, decide_intake's reason, ...). docs/templates.md.\n"
       "  --item N        the item (every kind but conclusion_notice)\n"
       "  --conference N  the conference (conclusion_notice)\n"
       "  --values JSON   the caller's placeholders: {\"signer\": \"...\", \"number\": \"...\", ...}\n"
       "  --format F      text (default) or json (key, kind, title, citation, text, values)\n"
       "  --output FILE   write there instead of stdout\n",
       {"--item=", "--conference=", "--values=", "--format=", "--output="}, 1, 2, cmd_template},
      {"calendar deadline", "DATE SPAN", "the deadline of a period of SPAN days after DATE",
       "SPAN: 30 or 30d (calendar days), 15w (working days). The period starts the day after DATE\n"
       "(Civil Code 2015 art. 147); by default a last day that is not a working day moves to the\n"
       "next working day (art. 148).\n"
       "  --end next|keep          art. 148 (default) or keep the computed day\n"
       "  --calendar vietnam|weekend  (default vietnam); or --profile P / --store STORE: its calendar\n"
       "  --explain                also print why (the days skipped and their reasons)\n"
       "  --format F               text (default) or json\n",
       {"--end=", "--calendar=", "--store=", "--explain", "--format="}, 2, 2, cmd_calendar_deadline},
      {"calendar day", "DATE", "whether DATE is a working day, and why not",
       "  --calendar vietnam|weekend, --profile P or --store STORE as for calendar deadline\n",
       {"--calendar=", "--store="}, 1, 1, cmd_calendar_day},
  };
  return v;
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) throw UsageError{"no command given"};
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    print_main_help();
    return kOk;
  }
  if (args[0] == "--version") {
    std::cout << "doithoai " << DOITHOAI_VERSION << "\n";
    return kOk;
  }
  const Command* cmd = nullptr;
  std::size_t i = 1;
  for (const auto& c : commands()) {
    const auto sp = c.name.find(' ');
    if (sp == std::string::npos) {
      if (c.name == args[0]) cmd = &c, i = 1;
    } else if (args[0] == c.name.substr(0, sp) && args.size() > 1 && args[1] == c.name.substr(sp + 1)) {
      cmd = &c, i = 2;
    }
  }
  if (!cmd) {
    if (args[0] == "calendar") {
      if (args.size() > 1 && (args[1] == "-h" || args[1] == "--help")) {
        for (const auto& c : commands())
          if (c.name.rfind("calendar ", 0) == 0) std::cout << "doithoai " << c.name << " " << c.usage << "\n  " << c.summary << "\n";
        return kOk;
      }
      throw UsageError{"calendar takes a subcommand: deadline or day"};
    }
    throw UsageError{"unknown command '" + args[0] + "'"};
  }
  help_for = cmd->name;
  Args a;
  a.command = cmd->name;
  bool only_positional = false;
  for (; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (only_positional || s.size() < 2 || s[0] != '-' || s == "-") {
      a.positional.push_back(s);
      continue;
    }
    if (s == "--") {
      only_positional = true;
      continue;
    }
    if (s == "-h" || s == "--help") {
      print_help(*cmd);
      return kOk;
    }
    std::string name = s, value;
    const auto eq = s.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) name = s.substr(0, eq), value = s.substr(eq + 1);
    if (!known_option(*cmd, name)) throw UsageError{cmd->name + ": unknown option '" + name + "'"};
    if (takes_value(*cmd, name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) throw UsageError{cmd->name + ": " + name + " needs a value"};
        value = args[++i];
      }
    } else if (inline_value) {
      throw UsageError{cmd->name + ": " + name + " takes no value"};
    }
    if (a.options.count(name)) throw UsageError{cmd->name + ": " + name + " given twice"};
    a.options[name] = value;
  }
  if (a.positional.size() < cmd->min_pos || a.positional.size() > cmd->max_pos)
    throw UsageError{"usage: doithoai " + cmd->name + " " + cmd->usage};
  progress_enabled() = ::isatty(2) && !a.has("--no-progress");
  return cmd->run(a);
}

}  // namespace
}  // namespace doithoai_cli

int main(int argc, char** argv) {
  using namespace doithoai_cli;
  using doithoai_cli::help_for;
  std::ios::sync_with_stdio(true);
  int code = kInternal;
  try {
    code = run(argc, argv);
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "doithoai: cannot write the output\n";
      return kStorage;
    }
    return code;
  } catch (const UsageError& e) {
    std::cerr << "doithoai: " << e.message << " (see doithoai " << (help_for.empty() ? "" : help_for + " ")
              << "--help)\n";
    return kUsage;
  } catch (const Error& e) {
    std::cerr << "doithoai: " << to_string(e.code()) << ": " << e.what() << "\n";
    return exit_code(e.code());
  } catch (const std::bad_alloc&) {
    std::cerr << "doithoai: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "doithoai: internal error: " << printable_message(e.what()) << "\n";
  } catch (...) {
    std::cerr << "doithoai: internal error\n";
  }
  return code;
}

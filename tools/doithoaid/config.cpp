// doithoaid's configuration reader (config.h, docs/service.md): strict, every error names its field.
#include "config.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace doithoaid {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw ServiceError(DT_INVALID_ARGUMENT, "config: '" + field + "' " + why);
}

void only_fields(const json& object, const std::string& where, std::initializer_list<const char*> allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) bad(where.empty() ? it.key() : where + "." + it.key(), "is not a known field");
  }
}

const json& object_at(const json& v, const std::string& field) {
  if (!v.is_object()) bad(field, "must be an object");
  return v;
}

std::int64_t integer(const json& v, const std::string& field, std::int64_t lo, std::int64_t hi) {
  if (!v.is_number_integer()) bad(field, "must be an integer");
  std::int64_t x;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) bad(field, "is out of range");
    x = static_cast<std::int64_t>(u);
  } else {
    x = v.get<std::int64_t>();
  }
  if (x < lo || x > hi)
    bad(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return x;
}

double number(const json& v, const std::string& field, double lo) {
  if (!v.is_number()) bad(field, "must be a number");
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < lo) bad(field, "must be a finite number of at least " + std::to_string(lo));
  return x;
}

bool boolean(const json& v, const std::string& field) {
  if (!v.is_boolean()) bad(field, "must be true or false");
  return v.get<bool>();
}

std::string string(const json& v, const std::string& field) {
  if (!v.is_string()) bad(field, "must be a string");
  return v.get<std::string>();
}

void parse_listen(const std::string& text, Config& c) {
  const std::string field = "listen";
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      bad(field, "must be HOST:PORT or [IPv6]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) bad(field, "must be HOST:PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) bad(field, "needs a host (0.0.0.0 for every interface)");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    bad(field, "needs a port number 0..65535");
  const long p = std::stol(port);
  if (p > 65535) bad(field, "needs a port number 0..65535");
  c.listen_host = host;
  c.listen_port = static_cast<std::uint16_t>(p);
}

ApiKey parse_key(const json& k, const std::string& at) {
  object_at(k, at);
  only_fields(k, at, {"name", "sha256", "units", "all_units", "may_assert_actor", "actor", "system", "events",
                      "rate_per_second", "burst"});
  ApiKey key;
  if (!k.contains("name")) bad(at + ".name", "is required");
  key.name = string(k["name"], at + ".name");
  if (key.name.empty() || key.name.size() > 64 ||
      key.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos)
    bad(at + ".name", "must be 1-64 characters of letters, digits, '-', '_', '.'");
  if (!k.contains("sha256")) bad(at + ".sha256", "is required (doithoaid hash-key prints it)");
  key.sha256_hex = string(k["sha256"], at + ".sha256");
  for (char& ch : key.sha256_hex)
    if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
  if (key.sha256_hex.size() != 64 || key.sha256_hex.find_first_not_of("0123456789abcdef") != std::string::npos)
    bad(at + ".sha256", "must be 64 hexadecimal digits (the SHA-256 of the key)");
  if (k.contains("units")) {
    const json& u = k["units"];
    if (!u.is_array()) bad(at + ".units", "must be an array of unit ids");
    for (std::size_t i = 0; i < u.size(); ++i)
      key.units.push_back(integer(u[i], at + ".units[" + std::to_string(i) + "]", 1, std::numeric_limits<std::int64_t>::max()));
  }
  if (k.contains("all_units")) key.all_units = boolean(k["all_units"], at + ".all_units");
  if (k.contains("may_assert_actor")) key.may_assert_actor = boolean(k["may_assert_actor"], at + ".may_assert_actor");
  if (k.contains("actor") && !k["actor"].is_null())
    key.actor = integer(k["actor"], at + ".actor", 1, std::numeric_limits<std::int64_t>::max());
  if (k.contains("system")) key.system = boolean(k["system"], at + ".system");
  if (k.contains("events")) key.events = boolean(k["events"], at + ".events");
  if (k.contains("rate_per_second")) key.rate_per_second = number(k["rate_per_second"], at + ".rate_per_second", 0.001);
  if (k.contains("burst")) key.burst = number(k["burst"], at + ".burst", 1);
  return key;
}

void parse_limits(const json& l, Limits& limits) {
  object_at(l, "limits");
  only_fields(l, "limits", {"max_body_bytes", "max_header_bytes", "request_timeout_ms", "idle_timeout_ms",
                            "max_connections", "events_max_wait_ms", "ip_rate_per_second", "ip_burst",
                            "write_timeout_ms", "drain_timeout_ms", "sse_heartbeat_ms", "sse_batch_events"});
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  if (l.contains("max_body_bytes"))
    limits.max_body_bytes = static_cast<std::size_t>(integer(l["max_body_bytes"], "limits.max_body_bytes", 1, 1LL << 34));
  if (l.contains("max_header_bytes"))
    limits.max_header_bytes =
        static_cast<std::size_t>(integer(l["max_header_bytes"], "limits.max_header_bytes", 256, 1LL << 24));
  if (l.contains("request_timeout_ms"))
    limits.request_timeout_ms = static_cast<int>(integer(l["request_timeout_ms"], "limits.request_timeout_ms", 1, kDay));
  if (l.contains("idle_timeout_ms"))
    limits.idle_timeout_ms = static_cast<int>(integer(l["idle_timeout_ms"], "limits.idle_timeout_ms", 1, kDay));
  if (l.contains("max_connections"))
    limits.max_connections = static_cast<int>(integer(l["max_connections"], "limits.max_connections", 1, 1000000));
  if (l.contains("events_max_wait_ms"))
    limits.events_max_wait_ms = static_cast<int>(integer(l["events_max_wait_ms"], "limits.events_max_wait_ms", 0, kDay));
  if (l.contains("ip_rate_per_second"))
    limits.ip_rate_per_second = number(l["ip_rate_per_second"], "limits.ip_rate_per_second", 0);
  if (l.contains("ip_burst")) limits.ip_burst = number(l["ip_burst"], "limits.ip_burst", 1);
  if (l.contains("write_timeout_ms"))
    limits.write_timeout_ms = static_cast<int>(integer(l["write_timeout_ms"], "limits.write_timeout_ms", 1, kDay));
  if (l.contains("drain_timeout_ms"))
    limits.drain_timeout_ms = static_cast<int>(integer(l["drain_timeout_ms"], "limits.drain_timeout_ms", 0, kDay));
  if (l.contains("sse_heartbeat_ms"))
    limits.sse_heartbeat_ms = static_cast<int>(integer(l["sse_heartbeat_ms"], "limits.sse_heartbeat_ms", 10, kDay));
  if (l.contains("sse_batch_events"))
    limits.sse_batch_events = static_cast<std::size_t>(integer(l["sse_batch_events"], "limits.sse_batch_events", 1, 1000));
}

}  // namespace

Config parse_config(const json& d) {
  if (!d.is_object()) bad("(document)", "must be a JSON object");
  only_fields(d, "", {"engine", "listen", "tls", "io_threads", "worker_threads", "limits", "keys", "open311", "access_log",
                        "catch_up_ms", "inline_reads"});
  Config c;
  if (d.contains("engine")) c.engine = object_at(d["engine"], "engine");
  if (d.contains("listen")) parse_listen(string(d["listen"], "listen"), c);
  if (d.contains("tls") && !d["tls"].is_null()) {
    const json& t = object_at(d["tls"], "tls");
    only_fields(t, "tls", {"cert", "key"});
    if (!t.contains("cert")) bad("tls.cert", "is required (a PEM certificate chain file)");
    if (!t.contains("key")) bad("tls.key", "is required (a PEM private key file)");
    c.tls = TlsConfig{string(t["cert"], "tls.cert"), string(t["key"], "tls.key")};
  }
  if (d.contains("io_threads")) c.io_threads = static_cast<int>(integer(d["io_threads"], "io_threads", 1, 256));
  if (d.contains("worker_threads"))
    c.worker_threads = static_cast<int>(integer(d["worker_threads"], "worker_threads", 1, 1024));
  if (d.contains("inline_reads")) c.inline_reads = boolean(d["inline_reads"], "inline_reads");
  if (d.contains("limits")) parse_limits(d["limits"], c.limits);
  if (d.contains("keys")) {
    const json& ks = d["keys"];
    if (!ks.is_array()) bad("keys", "must be an array");
    std::set<std::string> names;
    std::set<std::string> hashes;
    for (std::size_t i = 0; i < ks.size(); ++i) {
      const std::string at = "keys[" + std::to_string(i) + "]";
      ApiKey key = parse_key(ks[i], at);
      if (!names.insert(key.name).second) bad(at + ".name", "repeats the name '" + key.name + "'");
      if (!hashes.insert(key.sha256_hex).second) bad(at + ".sha256", "repeats another key's hash");
      c.keys.push_back(std::move(key));
    }
  }
  if (d.contains("open311")) c.open311 = object_at(d["open311"], "open311");
  if (d.contains("access_log")) c.access_log = string(d["access_log"], "access_log");
  if (d.contains("catch_up_ms")) {
    c.catch_up_ms = static_cast<int>(integer(d["catch_up_ms"], "catch_up_ms", 0, 3600000));
  } else {
    const auto store = c.engine.find("store");
    const bool shared = store != c.engine.end() && store->is_string() &&
                        (store->get<std::string>().rfind("postgresql://", 0) == 0 ||
                         store->get<std::string>().rfind("postgres://", 0) == 0);
    c.catch_up_ms = shared ? 250 : 0;
  }
  return c;
}

Config load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ServiceError(DT_INVALID_ARGUMENT, "config: cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  json d;
  try {
    d = json::parse(text.str());
  } catch (const json::exception& e) {
    throw ServiceError(DT_INVALID_ARGUMENT, "config: " + path + " is not valid JSON: " + e.what());
  }
  return parse_config(d);
}

}  // namespace doithoaid

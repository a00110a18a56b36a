// doithoaid's configuration: one JSON file named by `doithoaid --config FILE` (docs/service.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service.h"

namespace doithoaid {

struct Limits {
  std::size_t max_body_bytes = 1 << 20;    // 413 beyond
  std::size_t max_header_bytes = 16 << 10; // 431/413 beyond
  int request_timeout_ms = 10000;          // a request (headers and body) must arrive within this
  int idle_timeout_ms = 30000;             // a keep-alive connection idle this long is closed
  int max_connections = 1024;              // further connections are refused at accept
  int events_max_wait_ms = 30000;          // longest long-poll wait of GET /v1/events
  // Added by the transport (compatible additions):
  double ip_rate_per_second = 1000;        // token bucket per client address for keyless requests (0: off)
  double ip_burst = 2000;
  int write_timeout_ms = 10000;            // a response (or an SSE batch) must be taken within this
  int drain_timeout_ms = 20000;            // on SIGTERM, in-flight requests get this long to finish
  int sse_heartbeat_ms = 15000;            // an idle event stream gets a comment line this often
  std::size_t sse_batch_events = 200;      // events read and buffered per SSE write (the bound per reader)
};

struct TlsConfig {
  std::string cert_file;  // PEM chain
  std::string key_file;   // PEM private key
};

struct Config {
  // The dt_engine_open options (include/doithoai/c.h): store path or PostgreSQL URI, profile, ...
  nlohmann::json engine = nlohmann::json::object();
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;  // 0: any free port (the chosen port is printed on start)
  std::optional<TlsConfig> tls;
  int io_threads = 1;
  int worker_threads = 4;
  // Try the keyed reads by id on the I/O thread first (Router::try_handle; docs/service.md,
  // "Reads on the I/O thread"). Off by default: measured slower here (design-notes.md).
  bool inline_reads = false;
  Limits limits;
  std::vector<ApiKey> keys;
  nlohmann::json open311 = nlohmann::json::object();  // read by open311.cpp
  std::string access_log = "-";  // "-": standard error; "": none; otherwise a file appended to
  // How often (ms) the engine reads what other processes sharing its store appended
  // (dt_call "catch_up"), so reads and the event stream see their commits. 0: never (a store
  // this process alone writes). -1 (not given): 250 for a PostgreSQL store, else 0.
  int catch_up_ms = -1;
};

// Reads and validates the file; throws ServiceError(DT_INVALID_ARGUMENT, why) naming the field.
Config load_config(const std::string& path);
Config parse_config(const nlohmann::json& document);

class EventHub;  // events.h: learns of new commits (dt_subscribe) and wakes waiters

// What route files get.
struct Context {
  const Config& config;
  EngineRef engine;
  EventHub* events = nullptr;  // set by main before the routes are added
};

}  // namespace doithoaid

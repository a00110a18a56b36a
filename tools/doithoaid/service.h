// doithoaid: the HTTP service of doithoai (issue 13; docs/service.md).
//
// Shape: the transport (server.cpp, Boost.Beast/Asio) reads HTTP, enforces limits, finds the
// API key, and hands each request to a Router; route files (v1.cpp for /v1, open311.cpp for
// Open311 GeoReport v2) register handlers at start-up. Handlers are synchronous and may block
// (a durable command waits for its commit), so the transport runs them on worker threads.
// A route registered as Mode::try_inline (a read that only asks the engine) is first tried on
// the I/O thread with the engine's calls made through dt_try_call: when the engine would
// wait, EngineRef throws WouldBlock, nothing has been done, and the transport hands the
// request to a worker as any other. Handlers reach the engine only through the C ABI
// (EngineRef), so the service speaks exactly the JSON of docs/json.md and docs/c-abi.md.
//
// Thread safety: a Router is filled before the server starts and read-only afterwards;
// handlers run concurrently; EngineRef may be used from any thread (dt_engine's guarantees).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doithoai/c.h"

namespace doithoaid {

// An API key of an integrating portal. The configuration stores only the SHA-256 of the key.
struct ApiKey {
  std::string name;                  // the portal's name: in access logs and metrics, never the key
  std::string sha256_hex;            // lower-case hex SHA-256 of the key text
  std::vector<std::int64_t> units;   // unit ids it may act and read in (and their descendants)
  bool all_units = false;            // scope is every unit (a province-wide or national portal)
  bool may_assert_actor = false;     // may name the acting person in a request (R19 still applies)
  std::optional<std::int64_t> actor; // the person it acts as when it names none
  bool system = false;               // may act as the system actor (directory bootstrap)
  bool events = false;               // may read the event stream (GET /v1/events: every unit's events)
  double rate_per_second = 50;       // token bucket per key
  double burst = 100;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded, without the query
  // percent-decoded, in order ('+' is a space); the transport takes `api_key` out (req.key has it)
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::map<std::string, std::string> params;  // filled by the Router from the pattern ({id})
  const ApiKey* key = nullptr;  // the key presented and verified by the transport, if any
  std::string remote;           // peer address (never logged with personal data)
  int route_index = -1;         // filled by the Router: index of the matched route (metrics), -1 none

  std::optional<std::string> query_value(std::string_view name) const;
  std::optional<std::string> header(std::string_view lower_case_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A failure with a stable code. dt status codes (1..8, 64, 65) map to HTTP statuses by
// http_status(); the service adds its own codes above 100 (see ServiceCode).
struct ServiceError : std::runtime_error {
  int code;
  ServiceError(int c, const std::string& message) : std::runtime_error(message), code(c) {}
};
enum ServiceCode : int {
  kUnauthenticated = 101,  // 401: no key, or an unknown key, where one is needed
  kForbidden = 102,        // 403: the key's scope does not cover the unit
  kRateLimited = 103,      // 429
  kTooLarge = 104,         // 413: body or headers over the limit
  kTimeout = 105,          // 408
  kNoRoute = 106,          // 404: no such path
  kMethodNotAllowed = 107, // 405
  kUnavailable = 108,      // 503: draining or not ready
  kNotAcceptable = 109,    // 406: a format this route does not serve
};
int http_status(int code);              // HTTP status of a dt or service code
const char* code_name(int code);        // stable snake_case name ("not_found", "rate_limited", ...)
// {"error": {"code": "<name>", "message": "..."}} with http_status(code).
Response error_response(int code, const std::string& message);

// Thrown by EngineRef::call inside Router::try_handle when the engine would have waited
// (DT_WOULD_BLOCK). Not a std::exception: handlers' catch clauses let it through.
struct WouldBlock {};

// The engine, through the C ABI. Throws ServiceError with the dt status on failure. Inside
// Router::try_handle (on that thread), call() uses dt_try_call and execute() throws
// WouldBlock: a command always waits for its commit.
class EngineRef {
 public:
  explicit EngineRef(dt_engine* e) : e_(e) {}
  std::string execute(const std::string& request_json) const;                     // dt_execute
  std::string call(const std::string& method, const std::string& args_json) const;  // dt_call
  dt_engine* raw() const { return e_; }

 private:
  dt_engine* e_;
};

enum class Access { open, key };  // open: served without a key (public feed, Open311 reads)
// worker: the handler runs on a worker thread. try_inline: the handler only reads through
// EngineRef::call and does nothing else that waits (no store, no blocking lock, bounded CPU),
// so it is first tried on the I/O thread (Router::try_handle).
enum class Mode { worker, try_inline };

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  // pattern: literal segments and {name} segments, e.g. "/v1/items/{id}". A segment may end
  // in a fixed suffix after the parameter: "/open311/requests/{id}.json".
  void add(std::string method, std::string pattern, Access access, Handler handler, Mode mode = Mode::worker);
  // Finds the route, checks Access (kUnauthenticated when a key is needed and req.key is
  // null), fills req.params, calls the handler. Any ServiceError or std::exception becomes an
  // error_response; nothing escapes.
  Response handle(Request& req) const;
  // For a try_inline route: handle() with the engine's calls unable to wait. Returns the
  // response, or nullopt when the route is not try_inline or the engine would have waited
  // (nothing was done: run handle() on a worker). Never throws.
  std::optional<Response> try_handle(Request& req) const;

  struct Pattern {
    std::string method;
    std::string pattern;
  };
  // The routes in order of add(): the transport labels metrics and logs with them.
  std::vector<Pattern> patterns() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    Handler handler;
    Mode mode;
  };
  // The route of req's method and path (index into routes_), or -1 with *status the error
  // (kNoRoute or kMethodNotAllowed); fills req.params and req.route_index.
  int find(Request& req, int* status) const;
  std::vector<Route> routes_;
};

struct Config;
struct Context;  // what route files need: the engine, the config, the event hub

// Route files (one per API family).
void add_v1_routes(Router& router, Context& context);
void add_open311_routes(Router& router, Context& context);

}  // namespace doithoaid

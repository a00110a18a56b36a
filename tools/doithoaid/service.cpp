// Router, error mapping and the engine reference of doithoaid (service.h).
#include "service.h"

#include <nlohmann/json.hpp>

#include <new>

namespace doithoaid {

std::optional<std::string> Request::query_value(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return std::nullopt;
}

int http_status(int code) {
  switch (code) {
    case DT_OK: return 200;
    case DT_NOT_FOUND: return 404;
    case DT_PERMISSION_DENIED: return 403;
    case DT_INVALID_TRANSITION: return 409;
    case DT_INVALID_ARGUMENT: return 400;
    case DT_CONFLICT: return 409;
    case DT_STORAGE: return 503;
    case DT_CORRUPTION: return 500;
    case DT_UNSUPPORTED: return 501;
    case DT_OUT_OF_MEMORY: return 503;
    case kUnauthenticated: return 401;
    case kForbidden: return 403;
    case kRateLimited: return 429;
    case kTooLarge: return 413;
    case kTimeout: return 408;
    case kNoRoute: return 404;
    case kMethodNotAllowed: return 405;
    case kUnavailable: return 503;
    case kNotAcceptable: return 406;
    default: return 500;
  }
}

const char* code_name(int code) {
  switch (code) {
    case kUnauthenticated: return "unauthenticated";
    case kForbidden: return "forbidden";
    case kRateLimited: return "rate_limited";
    case kTooLarge: return "too_large";
    case kTimeout: return "timeout";
    case kNoRoute: return "no_route";
    case kMethodNotAllowed: return "method_not_allowed";
    case kUnavailable: return "unavailable";
    case kNotAcceptable: return "not_acceptable";
    default: return dt_status_name(code);
  }
}

Response error_response(int code, const std::string& message) {
  Response r;
  r.status = http_status(code);
  nlohmann::json j = {{"error", {{"code", code_name(code)}, {"message", message}}}};
  // Messages come from the engine (valid UTF-8) or from us; replace rather than throw.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

namespace {
struct CString {
  char* p = nullptr;
  ~CString() { dt_free(p); }
};
struct CError {
  dt_error* p = nullptr;
  ~CError() { dt_error_free(p); }
};
[[noreturn]] void raise(int status, const CError& err) {
  throw ServiceError(status, err.p ? dt_error_message(err.p) : dt_status_name(status));
}

// Set on a thread while Router::try_handle runs a handler there.
thread_local bool t_try_inline = false;
}  // namespace

std::string EngineRef::execute(const std::string& request_json) const {
  if (t_try_inline) throw WouldBlock{};
  CString out;
  CError err;
  const int st = dt_execute(e_, request_json.c_str(), &out.p, &err.p);
  if (st != DT_OK) raise(st, err);
  return out.p;
}

std::string EngineRef::call(const std::string& method, const std::string& args_json) const {
  CString out;
  CError err;
  const int st = t_try_inline ? dt_try_call(e_, method.c_str(), args_json.c_str(), &out.p, &err.p)
                              : dt_call(e_, method.c_str(), args_json.c_str(), &out.p, &err.p);
  if (st == DT_WOULD_BLOCK && t_try_inline) throw WouldBlock{};
  if (st != DT_OK) raise(st, err);
  return out.p;
}

namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t j = path.find('/', i);
    out.emplace_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}

// Matches one pattern segment: "literal", "{name}" or "{name}.suffix".
bool match_segment(const std::string& pattern, const std::string& value, std::map<std::string, std::string>& params) {
  if (pattern.empty() || pattern.front() != '{') return pattern == value;
  const std::size_t close = pattern.find('}');
  const std::string name = pattern.substr(1, close - 1);
  const std::string suffix = pattern.substr(close + 1);
  if (value.size() <= suffix.size()) return false;
  if (value.compare(value.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  params[name] = value.substr(0, value.size() - suffix.size());
  return true;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Access access, Handler handler, Mode mode) {
  auto segments = split_path(pattern);
  routes_.push_back(
      Route{std::move(method), std::move(pattern), std::move(segments), access, std::move(handler), mode});
}

std::vector<Router::Pattern> Router::patterns() const {
  std::vector<Pattern> out;
  for (const Route& r : routes_) out.push_back(Pattern{r.method, r.pattern});
  return out;
}

int Router::find(Request& req, int* status) const {
  const auto segments = split_path(req.path);
  bool path_matched = false;
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const Route& route = routes_[index];
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i) ok = match_segment(route.segments[i], segments[i], params);
    if (!ok) continue;
    path_matched = true;
    if (route.method != req.method && !(req.method == "HEAD" && route.method == "GET")) continue;
    req.route_index = static_cast<int>(index);
    req.params = std::move(params);
    return static_cast<int>(index);
  }
  *status = path_matched ? kMethodNotAllowed : kNoRoute;
  return -1;
}

Response Router::handle(Request& req) const {
  try {
    int status = 0;
    const int index = find(req, &status);
    if (index < 0)
      return status == kMethodNotAllowed ? error_response(kMethodNotAllowed, "method " + req.method + " is not allowed here")
                                         : error_response(kNoRoute, "no resource at this path");
    const Route& route = routes_[static_cast<std::size_t>(index)];
    if (route.access == Access::key && !req.key)
      return error_response(kUnauthenticated, "this resource needs an API key (header X-Api-Key)");
    return route.handler(req);
  } catch (const WouldBlock&) {
    throw;  // only under try_handle, which hands the request to a worker
  } catch (const ServiceError& e) {
    return error_response(e.code, e.what());
  } catch (const nlohmann::json::exception& e) {
    return error_response(DT_INVALID_ARGUMENT, std::string("malformed JSON: ") + e.what());
  } catch (const std::bad_alloc&) {
    return error_response(DT_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return error_response(DT_INTERNAL, e.what());
  } catch (...) {
    return error_response(DT_INTERNAL, "unknown failure");
  }
}

std::optional<Response> Router::try_handle(Request& req) const {
  try {
    int status = 0;
    const int index = find(req, &status);
    if (index < 0 || routes_[static_cast<std::size_t>(index)].mode != Mode::try_inline) return std::nullopt;
    struct Inline {
      bool previous = t_try_inline;
      Inline() { t_try_inline = true; }
      ~Inline() { t_try_inline = previous; }
    } scope;
    return handle(req);
  } catch (...) {  // WouldBlock (or a failure to find the route): the worker path answers
    return std::nullopt;
  }
}

}  // namespace doithoaid

// The HTTP transport of doithoaid (server.h).
#include "server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "keys.h"
#include "metrics.h"

namespace doithoaid {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes; '+' becomes a space when plus_space (query strings). false: a bad escape.
bool percent_decode(std::string_view in, bool plus_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

// "a=1&b=x+y" into pairs; false on a bad escape.
bool parse_form(std::string_view text, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) amp = text.size();
    const std::string_view part = text.substr(i, amp - i);
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      std::string k;
      std::string v;
      if (!percent_decode(part.substr(0, eq), true, k)) return false;
      if (eq != std::string_view::npos && !percent_decode(part.substr(eq + 1), true, v)) return false;
      out.emplace_back(std::move(k), std::move(v));
    }
    i = amp + 1;
  }
  return true;
}

void json_escape_into(std::string& o, std::string_view s) {
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o.push_back('\\');
      o.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      // Method names and route patterns are ASCII; anything else is escaped byte-wise.
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o.push_back(static_cast<char>(c));
    }
  }
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// The events of a dt_call "events" answer as Server-Sent Events; next: after the last one.
std::string sse_events(const std::string& events_json, std::int64_t& next) {
  std::string out;
  const auto list = nlohmann::json::parse(events_json);
  for (const auto& e : list) {
    const std::int64_t seq = e.at("seq").get<std::int64_t>();
    std::string type = "event";
    if (e.contains("type") && e["type"].is_string()) type = e["type"].get<std::string>();
    out += "id: " + std::to_string(seq) + "\nevent: " + type + "\ndata: " +
           e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
    next = seq + 1;
  }
  return out;
}

// Structured access log: one JSON object a line, buffered and flushed by a timer so the hot
// path only appends under a short lock. Never the query string, the body or the address.
class AccessLog {
 public:
  explicit AccessLog(const std::string& where) {
    if (where.empty()) return;
    if (where == "-") {
      file_ = stderr;
    } else {
      file_ = std::fopen(where.c_str(), "a");
      owned_ = true;
      if (!file_) throw ServiceError(DT_INVALID_ARGUMENT, "config: 'access_log' cannot open " + where);
    }
  }
  ~AccessLog() {
    flush();
    if (owned_ && file_) std::fclose(file_);
  }
  bool enabled() const { return file_ != nullptr; }
  void write(std::string_view method, std::string_view route, int status, double seconds, std::string_view key,
             std::size_t bytes_in, std::size_t bytes_out) {
    if (!file_) return;
    char time[64];
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::snprintf(time, sizeof time, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    std::string line;
    line.reserve(200);
    line += "{\"time\":\"";
    line += time;
    line += "\",\"method\":\"";
    json_escape_into(line, method);
    line += "\",\"route\":\"";
    json_escape_into(line, route);
    line += "\",\"status\":" + std::to_string(status);
    char d[32];
    std::snprintf(d, sizeof d, "%.3f", seconds * 1000);
    line += ",\"duration_ms\":";
    line += d;
    line += ",\"key\":";
    if (key.empty()) {
      line += "null";
    } else {
      line += '"';
      json_escape_into(line, key);
      line += '"';
    }
    line += ",\"bytes_in\":" + std::to_string(bytes_in) + ",\"bytes\":" + std::to_string(bytes_out) + "}\n";
    std::lock_guard<std::mutex> lock(mutex_);
    buffer_ += line;
    if (buffer_.size() > (64 << 10)) flush_locked();
  }
  void flush() {
    std::lock_guard<std::mutex> lock(mutex_);
    flush_locked();
  }

 private:
  void flush_locked() {
    if (!file_ || buffer_.empty()) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    std::fflush(file_);
    buffer_.clear();
  }
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  std::mutex mutex_;
  std::string buffer_;
};

}  // namespace

struct Server::Impl {
  Impl(const Config& c, const Router& r, EngineRef e, EventHub& h)
      : config(c),
        router(r),
        engine(e),
        hub(h),
        keys(c.keys),
        rates(c.keys, c.limits.ip_rate_per_second, c.limits.ip_burst),
        metrics(r),
        log(c.access_log),
        ioc(c.io_threads),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        flush_timer(ioc),
        drain_timer(ioc),
        accept_timer(ioc),
        workers(static_cast<std::size_t>(c.worker_threads)) {}

  const Config& config;
  const Router& router;
  EngineRef engine;
  EventHub& hub;
  KeyRing keys;
  RateLimiter rates;
  Metrics metrics;
  AccessLog log;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer flush_timer;
  net::steady_timer drain_timer;
  net::steady_timer accept_timer;
  net::thread_pool workers;
  std::atomic<bool> draining{false};
  Clock::time_point drain_deadline{};
  std::string url;

  void accept();
  template <class Stream>
  void start_session(Stream&& stream, std::string remote);
  void on_signal();
  void drain_tick();
  void flush_tick();
};

// One connection. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>. Every
// member is touched only on the connection's strand, except by the worker lambdas, which only
// read the request they own and post the response back.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same<Stream, beast::tcp_stream>::value;

 public:
  Session(Server::Impl& s, Stream&& stream, std::string remote)
      : s_(s), stream_(std::move(stream)), remote_(std::move(remote)), timer_(stream_.get_executor()) {
    s_.metrics.connections.fetch_add(1, std::memory_order_relaxed);
    s_.metrics.connections_total.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session() { s_.metrics.connections.fetch_sub(1, std::memory_order_relaxed); }

  void start() {
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::milliseconds(s_.config.limits.request_timeout_ms));
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) {
          if (ec == beast::error::timeout) self->s_.metrics.timeouts.fetch_add(1, std::memory_order_relaxed);
          return;  // the socket closes with the session
        }
        self->read_request();
      });
    } else {
      read_request();
    }
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const Limits& limits() const { return s_.config.limits; }

  // ---- reading ----
  void read_request() {
    parser_.emplace();
    parser_->body_limit(limits().max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
    if (first_ || buffer_.size() > 0) {
      first_ = false;
      read_rest();
      return;
    }
    // Between requests of a keep-alive connection: wait up to idle_timeout for a first byte,
    // then the whole request must arrive within request_timeout.
    lowest().expires_after(std::chrono::milliseconds(limits().idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return;  // idle too long, or the peer left: the socket closes with us
                              self->buffer_.commit(n);
                              self->read_rest();
                            });
  }

  void read_rest() {
    lowest().expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || self->parser_->is_done()) return self->on_read(ec);
      // A client that asks (curl does for bodies over 1 KiB) is told to send its body now
      // rather than after its own timeout; the deadline of the request stays the same.
      const auto expect = self->parser_->get()[http::field::expect];
      if (beast::iequals(expect, "100-continue")) {
        static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        return net::async_write(self->stream_, net::buffer(kContinue, sizeof kContinue - 1),
                                [self](beast::error_code ec2, std::size_t) {
                                  if (ec2) return self->on_read(ec2);
                                  self->read_body();
                                });
      }
      self->read_body();
    });
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::ssl::error::stream_truncated)
      return close_gracefully();
    if (ec == beast::error::timeout) {
      // A request that does not arrive in time (a slowloris trickle): the stream already closed.
      s_.metrics.timeouts.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (ec == http::error::body_limit) return refuse(kTooLarge, 413, "the body is larger than limits.max_body_bytes");
    if (ec == http::error::header_limit)
      return refuse(kTooLarge, 431, "the request line and headers are larger than limits.max_header_bytes");
    if (ec.category() == http::make_error_code(http::error::bad_method).category())
      return refuse(DT_INVALID_ARGUMENT, 400, std::string("malformed HTTP request: ") + ec.message());
    if (ec) return;  // the peer went away or the socket failed: the socket closes with us
    on_request();
  }

  // Answers a request the parser refused, then closes (the stream may be mid-request).
  void refuse(int code, int status, const std::string& message) {
    s_.metrics.bad_requests.fetch_add(1, std::memory_order_relaxed);
    Response r = error_response(code, message);
    r.status = status;
    row_ = s_.metrics.unmatched_row();
    method_ = parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string()) : "-";
    key_name_.clear();
    counted_ = false;
    bytes_in_ = 0;
    started_ = Clock::now();
    write(std::move(r), false, false);
  }

  // ---- routing ----
  void on_request() {
    started_ = Clock::now();
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    method_ = req.method;
    key_name_.clear();
    counted_ = false;
    head_ = msg.method() == http::verb::head;
    keep_alive_ = msg.keep_alive();
    row_ = s_.metrics.unmatched_row();
    bytes_in_ = msg.body().size();
    const std::string_view target(msg.target().data(), msg.target().size());
    const std::size_t q = target.find('?');
    if (!percent_decode(target.substr(0, q), false, req.path) ||
        (q != std::string_view::npos && !parse_form(target.substr(q + 1), req.query)))
      return answer(error_response(DT_INVALID_ARGUMENT, "malformed percent-encoding in the request target"));
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.remote = remote_;

    // The API key: header, bearer token, query parameter, or a form field (Open311 clients).
    std::optional<std::string> presented = req.header("x-api-key");
    if (!presented) {
      const auto auth = req.header("authorization");
      if (auth && starts_with_ci(*auth, "bearer ")) {
        std::string token = auth->substr(7);
        while (!token.empty() && token.front() == ' ') token.erase(0, 1);
        presented = std::move(token);
      }
    }
    for (auto it = req.query.begin(); it != req.query.end();) {
      if (it->first == "api_key") {
        if (!presented) presented = it->second;
        it = req.query.erase(it);
      } else {
        ++it;
      }
    }
    if (!presented) {
      const auto type = req.header("content-type");
      if (type && starts_with_ci(*type, "application/x-www-form-urlencoded")) {
        std::vector<std::pair<std::string, std::string>> form;
        if (parse_form(req.body, form))
          for (const auto& [k, v] : form)
            if (k == "api_key") {
              presented = v;
              break;
            }
      }
    }
    int retry_after = 1;
    if (presented) {
      req.key = s_.keys.verify(*presented);
      if (!req.key) {
        // Guessing keys is rate-limited like any keyless client.
        if (!s_.rates.allow_ip(remote_, retry_after)) return rate_limited(retry_after);
        return answer(error_response(kUnauthenticated, "unknown API key"));
      }
      key_name_ = req.key->name;
    }

    // Operations: answered here, on the I/O thread (they never block), and never rate-limited.
    if (req.path == "/healthz" || req.path == "/readyz" || req.path == "/metrics") {
      const bool get = msg.method() == http::verb::get || head_;
      Response r;
      if (req.path == "/healthz") {
        row_ = s_.metrics.health_row();
        r.body = "{\"status\":\"ok\"}";
      } else if (req.path == "/readyz") {
        row_ = s_.metrics.ready_row();
        const bool ready = !s_.draining.load();
        r.status = ready ? 200 : 503;
        r.body = ready ? "{\"status\":\"ready\"}" : "{\"status\":\"draining\"}";
      } else {
        row_ = s_.metrics.metrics_row();
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = s_.metrics.render(s_.hub.last_seq(), s_.draining.load());
      }
      if (!get) {
        r = error_response(kMethodNotAllowed, "method " + req.method + " is not allowed here");
        r.headers.emplace_back("Allow", "GET, HEAD");
      }
      return answer(std::move(r));
    }

    const bool allowed = req.key ? s_.rates.allow_key(s_.keys.index_of(req.key), retry_after)
                                 : s_.rates.allow_ip(remote_, retry_after);
    if (!allowed) return rate_limited(retry_after);

    if (req.path == "/v1/events") {
      row_ = s_.metrics.events_row();
      return events(std::move(req));
    }

    // Everything else: a Router handler, on this I/O thread when the route is a read the
    // engine can answer without waiting (Router::try_handle: two thread handoffs saved),
    // otherwise on a worker thread.
    if (!enter()) return answer(error_response(kUnavailable, "the service is shutting down"));
    if (std::optional<Response> r = s_.config.inline_reads ? s_.router.try_handle(req) : std::nullopt) {
      s_.metrics.inline_reads.fetch_add(1, std::memory_order_relaxed);
      if (req.route_index >= 0) row_ = req.route_index;
      return answer(std::move(*r));
    }
    net::post(s_.workers, [self = this->shared_from_this(), req = std::move(req)]() mutable {
      Response r = self->s_.router.handle(req);
      const int row = req.route_index;
      net::post(self->stream_.get_executor(), [self, row, r = std::move(r)]() mutable {
        if (row >= 0) self->row_ = row;
        self->answer(std::move(r));
      });
    });
  }

  // Counts the request in flight unless the drain has begun. Counting first and then reading
  // the flag (both sequentially consistent, the drain doing the reverse) means the drain either
  // sees this request in flight or this request sees the drain: none is cut off half done.
  bool enter() {
    s_.metrics.in_flight.fetch_add(1);
    if (s_.draining.load()) {
      s_.metrics.in_flight.fetch_sub(1);
      return false;
    }
    counted_ = true;
    return true;
  }

  void rate_limited(int retry_after) {
    s_.metrics.rate_limited.fetch_add(1, std::memory_order_relaxed);
    Response r = error_response(kRateLimited, "too many requests: retry after " + std::to_string(retry_after) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(retry_after));
    answer(std::move(r));
  }

  // ---- GET /v1/events ----
  void events(Request req) {
    if (req.method != "GET" && !head_) {
      Response r = error_response(kMethodNotAllowed, "method " + req.method + " is not allowed here");
      r.headers.emplace_back("Allow", "GET");
      return answer(std::move(r));
    }
    if (!req.key) return answer(error_response(kUnauthenticated, "the event stream needs an API key (header X-Api-Key)"));
    if (!req.key->events) return answer(error_response(kForbidden, "this API key may not read the event stream"));
    std::int64_t from = 1;
    std::int64_t limit = 100;
    double wait_s = 0;
    try {
      for (const auto& [k, v] : req.query) {
        std::size_t used = 0;
        if (k == "from") {
          from = std::stoll(v, &used);
          if (used != v.size() || from < 1) throw std::invalid_argument("from");
        } else if (k == "limit") {
          limit = std::stoll(v, &used);
          if (used != v.size() || limit < 1 || limit > 1000) throw std::invalid_argument("limit");
        } else if (k == "wait") {
          wait_s = std::stod(v, &used);
          if (used != v.size() || !(wait_s >= 0) || wait_s > 1e9) throw std::invalid_argument("wait");
        } else {
          throw std::invalid_argument(k);
        }
      }
    } catch (const std::exception& e) {
      const std::string what = e.what();
      const std::string name = (what == "from" || what == "limit" || what == "wait") ? what : std::string();
      return answer(error_response(DT_INVALID_ARGUMENT,
                                   name.empty() ? "unknown or malformed parameter (the parameters are from, limit, wait)"
                                                : "parameter '" + name + "': from >= 1, 1 <= limit <= 1000, wait >= 0 seconds"));
    }
    const auto accept = req.header("accept");
    if (accept && accept->find("text/event-stream") != std::string::npos) {
      if (const auto last = req.header("last-event-id")) {
        try {
          std::size_t used = 0;
          const std::int64_t id = std::stoll(*last, &used);
          if (used == last->size() && id >= 0) from = id + 1;
        } catch (const std::exception&) {
          // A malformed Last-Event-ID is ignored: the stream starts at `from`.
        }
      }
      if (s_.draining.load()) return answer(error_response(kUnavailable, "the service is shutting down"));
      return sse_start(from);
    }
    if (!enter()) return answer(error_response(kUnavailable, "the service is shutting down"));
    const int wait_ms =
        static_cast<int>(std::min<double>(wait_s * 1000, static_cast<double>(limits().events_max_wait_ms)));
    poll_deadline_ = Clock::now() + std::chrono::milliseconds(wait_ms);
    poll_events(from, limit, wait_ms > 0);
  }

  // Reads on a worker; when nothing is there and the client waits, waits on the hub (no thread).
  void poll_events(std::int64_t from, std::int64_t limit, bool may_wait) {
    net::post(s_.workers, [self = this->shared_from_this(), from, limit, may_wait]() {
      Response r;
      std::size_t count = 0;
      try {
        std::int64_t next = from;
        r.body = EventHub::read(self->s_.engine, from, limit, next, count);
      } catch (const ServiceError& e) {
        r = error_response(e.code, e.what());
      } catch (const std::exception& e) {
        r = error_response(DT_INTERNAL, e.what());
      }
      net::post(self->stream_.get_executor(), [self, from, limit, may_wait, count, r = std::move(r)]() mutable {
        if (count > 0 || !may_wait || r.status != 200 || self->s_.hub.closing() || Clock::now() >= self->poll_deadline_)
          return self->answer(std::move(r));
        // then_ is a member: it must not own the session (a cycle that outlives a stopped
        // io_context). wake() runs it from a handler that holds the session.
        self->wait_events(from, [me = self.get(), from, limit]() { me->poll_events(from, limit, false); },
                          self->poll_deadline_);
      });
    });
  }

  // Calls then() on the strand once an event >= from is committed, the deadline passes, or the
  // hub closes, whichever is first.
  void wait_events(std::int64_t from, std::function<void()> then, Clock::time_point deadline) {
    waiting_ = true;
    then_ = std::move(then);
    s_.metrics.long_polls.fetch_add(sse_ ? 0 : 1, std::memory_order_relaxed);
    auto self = this->shared_from_this();
    timer_.expires_at(deadline);
    timer_.async_wait([self](beast::error_code ec) {
      if (!ec) self->wake();
    });
    auto executor = stream_.get_executor();
    wait_id_ = s_.hub.wait_for(from, [self, executor]() { net::post(executor, [self]() { self->wake(); }); });
  }

  void wake() {
    if (!waiting_) return;
    waiting_ = false;
    s_.metrics.long_polls.fetch_sub(sse_ ? 0 : 1, std::memory_order_relaxed);
    timer_.cancel();
    s_.hub.cancel(wait_id_);
    auto keep = this->shared_from_this();  // then() may start operations that outlive this call
    auto then = std::move(then_);
    then_ = nullptr;
    then();
  }

  // ---- Server-Sent Events ----
  void sse_start(std::int64_t from) {
    sse_ = true;
    keep_alive_ = false;
    s_.metrics.sse_streams.fetch_add(1, std::memory_order_relaxed);
    sse_out_ =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "X-Accel-Buffering: no\r\nConnection: close\r\n\r\n: doithoai events from " +
        std::to_string(from) + "\n\n";
    s_.log.write(method_, "/v1/events", 200, 0, key_name_, bytes_in_, 0);
    s_.metrics.observe(row_, 200, std::chrono::duration<double>(Clock::now() - started_).count());
    sse_write(from);
  }

  void sse_write(std::int64_t from) {
    lowest().expires_after(std::chrono::milliseconds(limits().write_timeout_ms));
    net::async_write(stream_, net::buffer(sse_out_), [self = this->shared_from_this(), from](beast::error_code ec, std::size_t) {
      if (ec) return self->sse_end(ec == beast::error::timeout);
      self->sse_out_.clear();
      self->sse_read(from);
    });
  }

  // Pulls the next batch from the log (on a worker): a reader never has more than one batch
  // buffered, and one that does not take a batch within write_timeout_ms is disconnected.
  void sse_read(std::int64_t from) {
    if (s_.hub.closing()) return sse_end(false);
    const auto batch = static_cast<std::int64_t>(limits().sse_batch_events);
    net::post(s_.workers, [self = this->shared_from_this(), from, batch]() {
      std::string out;
      std::int64_t next = from;
      bool failed = false;
      try {
        const std::string args = "{\"from\":" + std::to_string(from) + ",\"limit\":" + std::to_string(batch) + "}";
        out = sse_events(self->s_.engine.call("events", args), next);
      } catch (const std::exception&) {
        failed = true;
      }
      net::post(self->stream_.get_executor(), [self, out = std::move(out), next, failed]() mutable {
        if (failed) return self->sse_end(false);
        if (!out.empty()) {
          self->sse_out_ = std::move(out);
          return self->sse_write(next);
        }
        if (self->s_.hub.closing()) return self->sse_end(false);
        const auto beat = Clock::now() + std::chrono::milliseconds(self->limits().sse_heartbeat_ms);
        self->wait_events(next, [me = self.get(), next, beat]() {
          if (Clock::now() >= beat) {
            me->sse_out_ = ": heartbeat\n\n";
            return me->sse_write(next);
          }
          me->sse_read(next);
        }, beat);
      });
    });
  }

  void sse_end(bool timed_out) {
    if (timed_out) s_.metrics.timeouts.fetch_add(1, std::memory_order_relaxed);
    if (sse_) {
      sse_ = false;
      s_.metrics.sse_streams.fetch_sub(1, std::memory_order_relaxed);
    }
    close_gracefully();
  }

  // ---- writing ----
  void answer(Response r) { write(std::move(r), keep_alive_ && !s_.draining.load(), head_); }

  void write(Response r, bool keep_alive, bool head) {
    res_.emplace();
    res_->result(static_cast<unsigned>(r.status));
    res_->version(11);
    res_->set(http::field::server, "doithoaid");
    res_->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res_->set(k, v);
    res_->keep_alive(keep_alive);
    const std::size_t size = r.body.size();
    if (head) {
      res_->content_length(size);
    } else {
      res_->body() = std::move(r.body);
      res_->prepare_payload();
    }
    status_ = r.status;
    bytes_out_ = size;
    lowest().expires_after(std::chrono::milliseconds(limits().write_timeout_ms));
    http::async_write(stream_, *res_, [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      self->done(ec, keep_alive);
    });
  }

  void done(beast::error_code ec, bool keep_alive) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    s_.metrics.observe(row_, status_, seconds);
    if (s_.log.enabled()) s_.log.write(method_, s_.metrics.route_of(row_), status_, seconds, key_name_, bytes_in_, bytes_out_);
    if (counted_) {
      counted_ = false;
      s_.metrics.in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    res_.reset();
    if (ec) {
      if (ec == beast::error::timeout) s_.metrics.timeouts.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (!keep_alive) return close_gracefully();
    read_request();
  }

  // Sends FIN, then reads and discards briefly so the peer gets our last response rather than
  // a reset for the bytes it had sent and we never read.
  void close_gracefully() {
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::milliseconds(1000));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().expires_after(std::chrono::milliseconds(1000));
      drain_input();
    }
  }

  void drain_input() {
    discard_.resize(4096);
    lowest().async_read_some(net::buffer(discard_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->drain_input();
    });
  }

  Server::Impl& s_;
  Stream stream_;
  std::string remote_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
  bool first_ = true;
  bool keep_alive_ = true;
  bool head_ = false;
  bool counted_ = false;  // holds one in_flight
  int row_ = -1;
  int status_ = 0;
  std::size_t bytes_in_ = 0;
  std::size_t bytes_out_ = 0;
  std::string method_;
  std::string key_name_;
  Clock::time_point started_{};
  // events
  Clock::time_point poll_deadline_{};
  bool waiting_ = false;
  std::uint64_t wait_id_ = 0;
  std::function<void()> then_;
  bool sse_ = false;
  std::string sse_out_;
  std::string discard_;
};

template <class Stream>
void Server::Impl::start_session(Stream&& stream, std::string remote) {
  std::make_shared<Session<Stream>>(*this, std::move(stream), std::move(remote))->start();
}

void Server::Impl::accept() {
  // With one I/O thread a connection's handlers cannot run concurrently: no strand needed.
  net::any_io_executor executor = config.io_threads > 1 ? net::any_io_executor(net::make_strand(ioc))
                                                        : net::any_io_executor(ioc.get_executor());
  acceptor.async_accept(executor, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors or memory: pause rather than spin on the failing accept.
      accept_timer.expires_after(std::chrono::milliseconds(50));
      accept_timer.async_wait([this](beast::error_code e) {
        if (!e) accept();
      });
      return;
    }
    if (!ec) {
      if (metrics.connections.load(std::memory_order_relaxed) >= config.limits.max_connections) {
        // Over the limit: a best-effort 503 (never blocking the I/O thread), then close.
        metrics.connections_refused.fetch_add(1, std::memory_order_relaxed);
        if (!tls) {
          static const char kBusy[] =
              "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
              "Connection: close\r\nContent-Length: 77\r\n\r\n"
              "{\"error\":{\"code\":\"unavailable\",\"message\":\"too many connections, retry later\"}}";
          beast::error_code ignored;
          socket.non_blocking(true, ignored);
          socket.write_some(net::buffer(kBusy, sizeof kBusy - 1), ignored);
          socket.shutdown(tcp::socket::shutdown_both, ignored);
        }
        socket.close();
      } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        const auto endpoint = socket.remote_endpoint(ignored);
        std::string remote = ignored ? std::string("?") : endpoint.address().to_string();
        if (tls) {
          start_session(beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls),
                        std::move(remote));
        } else {
          start_session(beast::tcp_stream(std::move(socket)), std::move(remote));
        }
      }
    }
    accept();
  });
}

void Server::Impl::on_signal() {
  if (draining.exchange(true)) return;
  beast::error_code ignored;
  acceptor.close(ignored);
  hub.wake_all();
  drain_deadline = Clock::now() + std::chrono::milliseconds(config.limits.drain_timeout_ms);
  drain_tick();
}

void Server::Impl::drain_tick() {
  if (metrics.in_flight.load() == 0 || Clock::now() >= drain_deadline) {
    log.flush();
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](beast::error_code ec) {
    if (!ec) drain_tick();
  });
}

void Server::Impl::flush_tick() {
  log.flush();
  flush_timer.expires_after(std::chrono::milliseconds(200));
  flush_timer.async_wait([this](beast::error_code ec) {
    if (!ec) flush_tick();
  });
}

Server::Server(const Config& config, const Router& router, EngineRef engine, EventHub& hub)
    : impl_(std::make_unique<Impl>(config, router, engine, hub)) {}

Server::~Server() {
  impl_->workers.join();
}

void Server::listen() {
  Impl& s = *impl_;
  if (s.config.tls) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    s.tls->use_certificate_chain_file(s.config.tls->cert_file, ec);
    if (ec) throw ServiceError(DT_INVALID_ARGUMENT, "config: 'tls.cert' " + s.config.tls->cert_file + ": " + ec.message());
    s.tls->use_private_key_file(s.config.tls->key_file, ssl::context::pem, ec);
    if (ec) throw ServiceError(DT_INVALID_ARGUMENT, "config: 'tls.key' " + s.config.tls->key_file + ": " + ec.message());
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(s.config.listen_host, ec);
  tcp::endpoint endpoint;
  if (ec) {
    tcp::resolver resolver(s.ioc);
    const auto results = resolver.resolve(s.config.listen_host, std::to_string(s.config.listen_port), ec);
    if (ec || results.empty())
      throw ServiceError(DT_INVALID_ARGUMENT, "config: 'listen' cannot resolve " + s.config.listen_host);
    endpoint = *results.begin();
  } else {
    endpoint = tcp::endpoint(address, s.config.listen_port);
  }
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw ServiceError(DT_STORAGE, "cannot listen on " + s.config.listen_host + ":" +
                                             std::to_string(s.config.listen_port) + ": " + ec.message());
  const auto bound = s.acceptor.local_endpoint();
  std::string host = bound.address().to_string();
  if (bound.address().is_v6()) host = "[" + host + "]";
  s.url = std::string(s.tls ? "https" : "http") + "://" + host + ":" + std::to_string(bound.port());
}

std::string Server::url() const { return impl_->url; }

void Server::run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](beast::error_code ec, int) {
    if (!ec) s.on_signal();
  });
  s.accept();
  s.flush_tick();
  std::vector<std::thread> threads;
  for (int i = 1; i < s.config.io_threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  if (s.metrics.in_flight.load() > 0) {
    // The drain timed out with handlers still running: the engine cannot be closed under them,
    // and the exit must stay bounded. The store is crash-safe; the clients get no answer.
    s.log.flush();
    std::fprintf(stderr, "doithoaid: the drain timed out with %lld requests in flight; exiting\n",
                 static_cast<long long>(s.metrics.in_flight.load()));
    std::fflush(stderr);
    std::_Exit(1);
  }
  // Commands already handed to a worker complete before the engine closes.
  s.workers.join();
  s.log.flush();
}

void Server::stop() {
  net::post(impl_->ioc, [s = impl_.get()] { s->on_signal(); });
}

}  // namespace doithoaid

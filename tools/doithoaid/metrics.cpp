// Prometheus counters of doithoaid (metrics.h).
#include "metrics.h"

#include <cstdio>

namespace doithoaid {

namespace {
// Label values are our own route patterns; escape anyway (Prometheus text format).
std::string label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
}  // namespace

Metrics::Metrics(const Router& router) {
  for (const auto& p : router.patterns()) {
    rows_.push_back(std::make_unique<Row>());
    rows_.back()->method = p.method;
    rows_.back()->route = p.pattern;
  }
  base_ = static_cast<int>(rows_.size());
  const char* own[][2] = {{"GET", "/healthz"}, {"GET", "/readyz"}, {"GET", "/metrics"}, {"GET", "/v1/events"},
                          {"any", "unmatched"}};
  for (const auto& o : own) {
    rows_.push_back(std::make_unique<Row>());
    rows_.back()->method = o[0];
    rows_.back()->route = o[1];
  }
}

void Metrics::observe(int row, int status, double seconds) {
  if (row < 0 || row >= static_cast<int>(rows_.size())) row = unmatched_row();
  int cls = status / 100 - 1;
  if (cls < 0 || cls > 4) cls = 4;
  rows_[static_cast<std::size_t>(row)]->by_class[static_cast<std::size_t>(cls)].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
  latency_count_.fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(static_cast<std::int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render(std::int64_t events_seq, bool draining) const {
  std::string o;
  o.reserve(4096);
  char buf[128];
  o += "# HELP doithoaid_requests_total HTTP requests answered, by route pattern, method and status class.\n";
  o += "# TYPE doithoaid_requests_total counter\n";
  static const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (const auto& r : rows_)
    for (std::size_t c = 0; c < 5; ++c) {
      const auto n = r->by_class[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      o += "doithoaid_requests_total{route=\"" + label(r->route) + "\",method=\"" + label(r->method) +
           "\",status=\"" + classes[c] + "\"} " + std::to_string(n) + "\n";
    }
  o += "# HELP doithoaid_request_duration_seconds Time from a request's last byte to its response's last byte.\n";
  o += "# TYPE doithoaid_request_duration_seconds histogram\n";
  std::int64_t cumulative = 0;
  for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
    cumulative += buckets_[b].load(std::memory_order_relaxed);
    if (b < kBuckets.size()) std::snprintf(buf, sizeof buf, "%g", kBuckets[b]);
    o += std::string("doithoaid_request_duration_seconds_bucket{le=\"") + (b < kBuckets.size() ? buf : "+Inf") +
         "\"} " + std::to_string(cumulative) + "\n";
  }
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(latency_sum_us_.load()) / 1e6);
  o += std::string("doithoaid_request_duration_seconds_sum ") + buf + "\n";
  o += "doithoaid_request_duration_seconds_count " + std::to_string(latency_count_.load()) + "\n";
  auto gauge = [&](const char* name, const char* type, const char* help, std::int64_t v) {
    o += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
         std::to_string(v) + "\n";
  };
  gauge("doithoaid_requests_in_flight", "gauge", "Requests being handled.", in_flight.load());
  gauge("doithoaid_connections", "gauge", "Open connections.", connections.load());
  gauge("doithoaid_connections_total", "counter", "Connections accepted.", connections_total.load());
  gauge("doithoaid_connections_refused_total", "counter", "Connections refused over limits.max_connections.",
        connections_refused.load());
  gauge("doithoaid_rate_limited_total", "counter", "Requests answered 429.", rate_limited.load());
  gauge("doithoaid_timeouts_total", "counter", "Connections closed for a slow request or reader.", timeouts.load());
  gauge("doithoaid_bad_requests_total", "counter", "Malformed or oversized HTTP requests.", bad_requests.load());
  gauge("doithoaid_event_streams", "gauge", "Open Server-Sent Events streams.", sse_streams.load());
  gauge("doithoaid_event_long_polls", "gauge", "GET /v1/events requests waiting for a commit.", long_polls.load());
  gauge("doithoaid_inline_reads_total", "counter",
        "Reads answered on an I/O thread (the engine could answer without waiting).", inline_reads.load());
  gauge("doithoaid_events_seq", "gauge", "Sequence of the last event the service was told of.", events_seq);
  gauge("doithoaid_draining", "gauge", "1 after SIGTERM/SIGINT.", draining ? 1 : 0);
  return o;
}

}  // namespace doithoaid

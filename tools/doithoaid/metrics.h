// doithoaid's counters, exposed at GET /metrics in the Prometheus text format (docs/service.md).
// Every counter is a relaxed atomic in a table sized at start-up (one row per route), so the
// hot path takes no lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "service.h"

namespace doithoaid {

class Metrics {
 public:
  // Rows: the router's routes, then the transport's own (see the k* indices below).
  explicit Metrics(const Router& router);
  int health_row() const { return base_ + 0; }
  int ready_row() const { return base_ + 1; }
  int metrics_row() const { return base_ + 2; }
  int events_row() const { return base_ + 3; }
  int unmatched_row() const { return base_ + 4; }  // no route: 404/405, and refusals before routing

  void observe(int row, int status, double seconds);
  // The route pattern of a row ("unmatched" for rows out of range).
  const std::string& route_of(int row) const {
    if (row < 0 || row >= static_cast<int>(rows_.size())) row = unmatched_row();
    return rows_[static_cast<std::size_t>(row)]->route;
  }
  std::string render(std::int64_t events_seq, bool draining) const;

  std::atomic<std::int64_t> in_flight{0};        // requests being handled (queued or on a worker)
  std::atomic<std::int64_t> connections{0};      // open connections
  std::atomic<std::int64_t> connections_total{0};
  std::atomic<std::int64_t> connections_refused{0};  // over limits.max_connections
  std::atomic<std::int64_t> rate_limited{0};     // 429 answers
  std::atomic<std::int64_t> timeouts{0};         // connections closed for a slow request or reader
  std::atomic<std::int64_t> bad_requests{0};     // malformed HTTP
  std::atomic<std::int64_t> sse_streams{0};      // open event streams
  std::atomic<std::int64_t> long_polls{0};       // GET /v1/events waiting for a commit
  std::atomic<std::int64_t> inline_reads{0};     // answered on an I/O thread (Router::try_handle)

 private:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,   5,    10};
  struct Row {
    std::string method;
    std::string route;
    std::array<std::atomic<std::int64_t>, 5> by_class{};  // 1xx..5xx
  };
  int base_ = 0;
  std::vector<std::unique_ptr<Row>> rows_;
  std::array<std::atomic<std::int64_t>, kBuckets.size() + 1> buckets_{};  // last: +Inf
  std::atomic<std::int64_t> latency_count_{0};
  std::atomic<std::int64_t> latency_sum_us_{0};
};

}  // namespace doithoaid

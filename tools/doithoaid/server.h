// The HTTP transport of doithoaid (docs/service.md): Boost.Beast over Asio, HTTP/1.1 with
// keep-alive, optional TLS (OpenSSL). I/O threads only read, parse and write; the Router's
// handlers (which may block on the engine) run on a fixed pool of worker threads. The
// transport enforces the limits of config.limits, finds and verifies the API key, rate-limits,
// answers /healthz, /readyz and /metrics itself, serves GET /v1/events (long poll and
// Server-Sent Events, waiting without a worker thread), writes the access log, and drains on
// SIGTERM/SIGINT.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config.h"
#include "events.h"

namespace doithoaid {

class Server {
 public:
  // config, router and hub must outlive the server; the router is complete (read-only now).
  Server(const Config& config, const Router& router, EngineRef engine, EventHub& hub);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (throws ServiceError: DT_INVALID_ARGUMENT for a bad TLS file, DT_STORAGE
  // when the address cannot be bound); then url() names the bound port.
  void listen();
  std::string url() const;  // "http(s)://HOST:PORT"

  // Serves until SIGTERM/SIGINT (or stop()), then drains: stops accepting, lets in-flight
  // requests finish (at most limits.drain_timeout_ms), closes connections, and returns. The
  // calling thread is one of the I/O threads.
  void run();
  void stop();  // starts the drain from any thread

  struct Impl;  // server.cpp's, public only so its connection type can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace doithoaid

// The transport's drain, in-process and deterministic: a route handler that blocks on a latch
// keeps one request in flight while the server drains, so what the drain does can be observed
// at leisure. /readyz answers 503 {"status":"draining"} on a connection that was open before
// the drain, the metrics say draining, no new connection is accepted, the request in flight
// is answered in full, and run() returns once it has been.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "config.h"
#include "events.h"
#include "server.h"
#include "service.h"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace doithoaid;

namespace {

struct Latch {
  std::mutex m;
  std::condition_variable cv;
  bool entered = false, released = false;
  void enter_and_wait() {
    std::unique_lock<std::mutex> l(m);
    entered = true;
    cv.notify_all();
    cv.wait(l, [&] { return released; });
  }
  bool wait_entered(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> l(m);
    return cv.wait_for(l, limit, [&] { return entered; });
  }
  void release() {
    std::lock_guard<std::mutex> l(m);
    released = true;
    cv.notify_all();
  }
};

struct Client {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  Client(const std::string& host, unsigned short port) {
    socket.connect(tcp::endpoint(net::ip::make_address(host), port));
  }
  void send(const std::string& target) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    http::write(socket, req);
  }
  http::response<http::string_body> receive() {
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
  }
  http::response<http::string_body> get(const std::string& target) {
    send(target);
    return receive();
  }
};

unsigned short port_of(const std::string& url) { return static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1))); }

}  // namespace

TEST_CASE("drain: /readyz answers 503 while a request in flight finishes, then run() returns", "[service][drain]") {
  dt_engine* raw = nullptr;
  dt_error* err = nullptr;
  REQUIRE(dt_engine_open(R"({"store": ":memory:"})", &raw, &err) == DT_OK);
  {
    Config config;
    config.listen_port = 0;
    config.access_log = "";
    config.worker_threads = 2;
    config.limits.drain_timeout_ms = 60000;  // the drain waits for the request, not the clock
    EventHub hub(raw);
    hub.start();
    Latch latch;
    Router router;
    router.add("GET", "/v1/slow", Access::open, [&latch](Request&) {
      latch.enter_and_wait();
      Response r;
      r.body = "{\"slow\":\"done\"}";
      return r;
    });
    Server server(config, router, EngineRef(raw), hub);
    server.listen();
    const unsigned short port = port_of(server.url());
    auto running = std::async(std::launch::async, [&server] { server.run(); });

    Client watcher("127.0.0.1", port);  // a keep-alive connection opened before the drain
    auto ready = watcher.get("/readyz");
    CHECK(ready.result_int() == 200);
    CHECK(ready.body() == "{\"status\":\"ready\"}");

    Client slow("127.0.0.1", port);
    slow.send("/v1/slow");
    REQUIRE(latch.wait_entered(std::chrono::seconds(30)));

    server.stop();
    // stop() only posts the drain to the I/O thread: /readyz tells when it has begun.
    http::response<http::string_body> draining;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      draining = watcher.get("/readyz");
      if (draining.result_int() != 200 || std::chrono::steady_clock::now() > limit) break;
    }
    CHECK(draining.result_int() == 503);
    CHECK(draining.body() == "{\"status\":\"draining\"}");
    CHECK_FALSE(draining.keep_alive());  // the answer closes its connection

    // The acceptor is closed: a new connection is refused (or closed without an answer).
    bool refused = false;
    try {
      Client late("127.0.0.1", port);
      late.get("/readyz");
    } catch (const std::exception&) {
      refused = true;
    }
    CHECK(refused);

    // The drain waits for the request in flight; run() has not returned.
    CHECK(running.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
    latch.release();
    auto done = slow.receive();
    CHECK(done.result_int() == 200);
    CHECK(done.body() == "{\"slow\":\"done\"}");
    REQUIRE(running.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    running.get();
    hub.stop();
  }
  dt_engine_close(raw);
}

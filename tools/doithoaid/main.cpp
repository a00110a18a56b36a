// doithoaid: the HTTP service of doithoai (docs/service.md).
//
//   doithoaid --config FILE   serve until SIGTERM/SIGINT, then drain and exit 0
//   doithoaid hash-key        read an API key on standard input, print its SHA-256 (for "keys")
//
// Exit status: 0 after a clean shutdown, 1 when the service cannot start (engine, address),
// 2 for bad usage or a bad configuration.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "config.h"
#include "events.h"
#include "keys.h"
#include "server.h"

#ifndef DOITHOAI_VERSION
#define DOITHOAI_VERSION "unknown"
#endif

namespace {

constexpr const char* kUsage =
    "usage: doithoaid --config FILE    serve HTTP (docs/service.md)\n"
    "       doithoaid hash-key         read an API key on stdin, print its SHA-256 for the config\n"
    "       doithoaid --version\n";

int hash_key() {
  std::string key((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (!key.empty() && key.back() == '\n') key.pop_back();
  if (!key.empty() && key.back() == '\r') key.pop_back();
  if (key.empty()) {
    std::cerr << "doithoaid hash-key: no key on standard input\n";
    return 2;
  }
  std::cout << doithoaid::sha256_hex(key) << "\n";
  return 0;
}

struct EngineHandle {
  dt_engine* e = nullptr;
  ~EngineHandle() { dt_engine_close(e); }
};

int serve(const std::string& path) {
  using namespace doithoaid;
  Config config;
  try {
    config = load_config(path);
  } catch (const ServiceError& e) {
    std::cerr << "doithoaid: " << e.what() << "\n";
    return 2;
  }
  EngineHandle engine;
  {
    dt_error* err = nullptr;
    const int st = dt_engine_open(config.engine.dump().c_str(), &engine.e, &err);
    if (st != DT_OK) {
      std::cerr << "doithoaid: cannot open the engine ('engine' of the config): "
                << (err ? dt_error_message(err) : dt_status_name(st)) << "\n";
      dt_error_free(err);
      return st == DT_INVALID_ARGUMENT ? 2 : 1;
    }
  }
  try {
    EventHub hub(engine.e);
    hub.start();
    hub.start_catch_up(config.catch_up_ms);
    Router router;
    Context context{config, EngineRef(engine.e), &hub};
    add_v1_routes(router, context);
    add_open311_routes(router, context);
    {
      Server server(config, router, EngineRef(engine.e), hub);
      server.listen();
      std::cout << "doithoaid listening on " << server.url() << std::endl;
      server.run();
    }  // every worker has finished: commands handed over before the signal are committed
    hub.stop();
  } catch (const ServiceError& e) {
    std::cerr << "doithoaid: " << e.what() << "\n";
    return e.code == DT_INVALID_ARGUMENT ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "doithoaid: " << e.what() << "\n";
    return 1;
  }
  dt_engine_close(engine.e);
  engine.e = nullptr;
  std::cerr << "doithoaid: stopped\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  const std::string a1 = argc > 1 ? argv[1] : "";
  if (argc == 2 && a1 == "hash-key") return hash_key();
  if (argc == 2 && (a1 == "--version" || a1 == "-V")) {
    std::cout << "doithoaid " << DOITHOAI_VERSION << "\n";
    return 0;
  }
  if (argc == 2 && (a1 == "--help" || a1 == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (argc == 3 && a1 == "--config") return serve(argv[2]);
  if (argc == 2 && a1.rfind("--config=", 0) == 0) return serve(a1.substr(9));
  std::cerr << kUsage;
  return 2;
}

// bindings/stores.h: store helpers shared by stores.cpp and engine.cpp (Engine(store=path),
// Engine.open, open_engine).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common.h"

namespace dtpy {

// os.fspath(path) as UTF-8 (str or os.PathLike).
std::string fspath(py::handle path);
// open_store, plus postgres:// URIs when the module is built with PostgreSQL. Releases the GIL.
std::shared_ptr<doithoai::EventStore> open_store_py(const std::string& uri, const doithoai::SqliteOptions& o);

}  // namespace dtpy

// bindings/commands.h: the registry of command classes, shared by commands.cpp (which binds
// the 25 command structs) and engine.cpp (which adds one Engine method per command).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common.h"

namespace dtpy {

struct CommandEntry {
  std::string class_name;  // "Assign"
  std::string method;      // "assign": the JSON type name, also the Engine method name
  std::vector<std::string> fields;
  std::vector<bool> required;
  // Builds the command from Python positional and keyword arguments.
  std::function<doithoai::Command(py::args, py::kwargs)> build;
};

const std::vector<CommandEntry>& command_registry();

}  // namespace dtpy

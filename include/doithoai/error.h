// doithoai/error.h: the one exception hierarchy of the library.
//
// Every failure reaches the caller as a doithoai::Error carrying a stable ErrorCode.
// Codes are part of the public contract (bindings map them to exception classes and
// portals may store them); messages are for people and may change between versions.
// A command that throws has changed nothing.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "doithoai/export.h"

namespace doithoai {

// Persistent: never renumber, only append.
enum class ErrorCode : std::uint8_t {
  not_found = 1,           // an id or code that names nothing
  permission_denied = 2,   // the actor does not hold the role the action needs (R19)
  invalid_transition = 3,  // the action is not allowed in the entity's current state
  invalid_argument = 4,    // malformed input: empty/oversized text, bad UTF-8, date out of range, bad JSON
  conflict = 5,            // concurrent writer or duplicate; retry after catching up
  storage = 6,             // the store failed (I/O, full disk, lost connection)
  corruption = 7,          // stored data fails verification (hash chain, checksum)
  unsupported = 8,         // valid request the build or store cannot serve
};

DOITHOAI_API std::string_view to_string(ErrorCode code) noexcept;

// The message with every byte that is not part of valid UTF-8 written as \xNN (a
// backslash itself is kept), so a message quoting outside bytes is always valid text.
DOITHOAI_API std::string printable_message(std::string_view message);

class DOITHOAI_API Error : public std::runtime_error {
 public:
  // The message is made valid UTF-8 (printable_message): it may quote bytes from outside.
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(printable_message(message)), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace doithoai

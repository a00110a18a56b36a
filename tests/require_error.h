// REQUIRE_ERROR(code, expr): expr throws doithoai::Error with ErrorCode::code.
#pragma once

#include <catch2/catch.hpp>

#include "doithoai/error.h"

#define REQUIRE_ERROR(code_, expr)                        \
  do {                                                    \
    bool thrown_ = false;                                 \
    try {                                                 \
      (void)(expr);                                       \
    } catch (const ::doithoai::Error& e_) {               \
      thrown_ = true;                                     \
      INFO("message: " << e_.what());                     \
      REQUIRE(e_.code() == ::doithoai::ErrorCode::code_); \
    }                                                     \
    REQUIRE(thrown_);                                     \
  } while (0)

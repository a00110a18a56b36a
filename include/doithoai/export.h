// doithoai/export.h: the symbol-visibility macro of the library.
// Symbols are hidden by default; what a consumer may call carries DOITHOAI_API.
#pragma once

#if defined(_WIN32)
#  if defined(DOITHOAI_BUILDING)
#    define DOITHOAI_API __declspec(dllexport)
#  elif defined(DOITHOAI_SHARED)
#    define DOITHOAI_API __declspec(dllimport)
#  else
#    define DOITHOAI_API
#  endif
#else
#  define DOITHOAI_API __attribute__((visibility("default")))
#endif

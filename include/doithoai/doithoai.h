// doithoai/doithoai.h: the umbrella header. Include this one.
#pragma once

#include "doithoai/calendar.h"
#include "doithoai/error.h"
#include "doithoai/lunar.h"
#include "doithoai/export.h"
#include "doithoai/time.h"
#include "doithoai/vietnam_calendar.h"

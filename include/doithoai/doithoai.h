// doithoai/doithoai.h: the umbrella header. Include this one.
#pragma once

#include "doithoai/calendar.h"
#include "doithoai/commands.h"
#include "doithoai/engine.h"
#include "doithoai/error.h"
#include "doithoai/events.h"
#include "doithoai/export.h"
#include "doithoai/ids.h"
#include "doithoai/json.h"
#include "doithoai/lunar.h"
#include "doithoai/model.h"
#include "doithoai/profile.h"
#include "doithoai/state.h"
#include "doithoai/store.h"
#include "doithoai/time.h"
#include "doithoai/vietnam_calendar.h"
#include "doithoai/views.h"

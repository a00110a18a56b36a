"""doithoai: the workflow of Vietnamese dialogue conferences (hội nghị đối thoại) as an
event-sourced engine, from Python.

    import datetime as dt
    import doithoai as dtd

    clock = dtd.ManualClock(dtd.local_instant(dt.date(2022, 9, 30)))
    engine = dtd.Engine("hanoi-2200", clock=clock)
    ward = engine.create_unit(dtd.SYSTEM, "Phường Bồ Đề", "xa").id

Every command is an Engine method taking the actor first and the command's fields after it
(``engine.assign(actor, item, agency, deadline=None, idempotency_key=None)``), or a command
object passed to ``engine.execute(actor, Assign(item=..., agency=...))``; both run the same
C++ path. Dates are ``datetime.date``, instants timezone-aware ``datetime.datetime``, enums
are ``enum.Enum`` subclasses whose members are their JSON names, errors are subclasses of
``doithoai.Error`` chosen by error code (``.code``).
"""
from __future__ import annotations

import datetime as _dt

from . import _core
from ._core import *  # noqa: F401,F403  (the names are listed in __all__)

__version__: str = _core.__version__


def local_instant(d: _dt.date, hour: int = 9, minute: int = 0,
                  offset_minutes: int = _core.VIETNAM_ZONE_MINUTES) -> _dt.datetime:
    """The aware instant at hour:minute local time of date d in a zone offset_minutes east of
    UTC (Vietnam by default): handy for setting a ManualClock to a given working day."""
    tz = _dt.timezone(_dt.timedelta(minutes=offset_minutes))
    return _dt.datetime(d.year, d.month, d.day, hour, minute, tzinfo=tz)


__all__ = [
    "__version__",
    "Accounting",
    "Agency",
    "AnswerOnSpot",
    "Assign",
    "Calendar",
    "Channel",
    "Clock",
    "CloseConference",
    "CloseItem",
    "ConclusionNotice",
    "Conference",
    "ConferenceKind",
    "ConferenceStatus",
    "Conflict",
    "CorruptionError",
    "CreateAgency",
    "CreateOrganization",
    "CreateUnit",
    "DayOff",
    "DayOffKind",
    "DayType",
    "DeadlineRule",
    "Deadlines",
    "DecideIntake",
    "Delivery",
    "DissolveUnit",
    "EndRule",
    "Engine",
    "Error",
    "ErrorCode",
    "Escalate",
    "Event",
    "EventStore",
    "Extend",
    "Extension",
    "Finding",
    "GrantRole",
    "HoldConference",
    "ImportReport",
    "InvalidArgument",
    "InvalidTransition",
    "IssueConclusionNotice",
    "Item",
    "ItemSpec",
    "ItemStatus",
    "Label",
    "LunarDate",
    "MAX_NAME_BYTES",
    "MAX_TEXT_BYTES",
    "MakeupDay",
    "ManualClock",
    "MemoryStore",
    "MergeDuplicate",
    "MergeUnit",
    "NotFound",
    "Opinion",
    "Organization",
    "Outcome",
    "PermissionDenied",
    "Person",
    "PlanConference",
    "Profile",
    "Recipient",
    "Reconciliation",
    "RecordDelivery",
    "RecordFinding",
    "RegisterPerson",
    "RenameUnit",
    "Reopen",
    "Reply",
    "Result",
    "RevokeRole",
    "Role",
    "RoleGrant",
    "SATURDAY_SUNDAY",
    "SUNDAY_ONLY",
    "SYSTEM",
    "SpotAnswer",
    "Standing",
    "State",
    "StorageError",
    "SubmitOpinion",
    "Subscription",
    "Supervisor",
    "SystemClock",
    "Unit",
    "UnitName",
    "UnitStatus",
    "Unsupported",
    "VIETNAM_ZONE_MINUTES",
    "VietnamCalendar",
    "WeekendCalendar",
    "WriteReply",
    "builtin_profile",
    "builtin_profile_names",
    "calendar_for",
    "command_from_dict",
    "command_to_dict",
    "error_class",
    "event_from_dict",
    "format_date",
    "format_instant",
    "from_lunar",
    "from_micros",
    "is_resolved",
    "load_profile",
    "load_profile_file",
    "local_date",
    "lunar_leap_month",
    "lunar_month_length",
    "lunar_new_year",
    "max_date",
    "min_date",
    "parse_date",
    "parse_instant",
    "parse_json",
    "to_lunar",
    "to_micros",
    "local_instant",
]

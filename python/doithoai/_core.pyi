"""Type stubs of doithoai._core (hand-kept; python/tests/test_stubs.py checks they cover the module)."""
from __future__ import annotations

import datetime as _dt
import enum
import os
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping, Sequence, Tuple, Union, overload

__version__: str

SYSTEM: int
MAX_TEXT_BYTES: int
MAX_NAME_BYTES: int
SATURDAY_SUNDAY: int
SUNDAY_ONLY: int
VIETNAM_ZONE_MINUTES: int

# ---- errors ----
class Error(Exception):
    code: str | None
class NotFound(Error, LookupError): ...
class PermissionDenied(Error): ...
class InvalidTransition(Error): ...
class InvalidArgument(Error, ValueError): ...
class Conflict(Error): ...
class StorageError(Error, OSError): ...
class CorruptionError(Error): ...
class Unsupported(Error): ...
def error_class(code: ErrorCode | str) -> type[Error]: ...

# ---- enums (members are str; their values are the JSON names) ----
class _StrEnum(str, enum.Enum): ...
class Role(_StrEnum):
    administrator = "administrator"
    party_head = "party_head"
    government_head = "government_head"
    office = "office"
    front_chair = "front_chair"
    front_officer = "front_officer"
    council_member = "council_member"
    agency_head = "agency_head"
    agency_officer = "agency_officer"
    organization_rep = "organization_rep"
    resident = "resident"
    council_standing = "council_standing"
class UnitStatus(_StrEnum):
    active = "active"
    merged = "merged"
    dissolved = "dissolved"
class ConferenceKind(_StrEnum):
    periodic = "periodic"
    unscheduled = "unscheduled"
    thematic = "thematic"
class ConferenceFormat(_StrEnum):
    in_person = "in_person"
    online = "online"
    social_network = "social_network"
class ConferenceStatus(_StrEnum):
    planned = "planned"
    held = "held"
    concluded = "concluded"
    closed = "closed"
class Channel(_StrEnum):
    collected_in_advance = "collected_in_advance"
    at_conference = "at_conference"
    mailbox = "mailbox"
    voter_meeting = "voter_meeting"
    citizen_reception = "citizen_reception"
    police_forum = "police_forum"
    letter = "letter"
    online_portal = "online_portal"
    escalation = "escalation"
class ItemStatus(_StrEnum):
    open = "open"
    assigned = "assigned"
    reply_written = "reply_written"
    replied = "replied"
    answered = "answered"
    handed_on = "handed_on"
    merged = "merged"
    closed = "closed"
class Standing(_StrEnum):
    resolved = "resolved"
    not_yet_due = "not_yet_due"
    overdue = "overdue"
class Recipient(_StrEnum):
    party_head = "party_head"
    government_head = "government_head"
    front_chair = "front_chair"
    raiser = "raiser"
class Outcome(_StrEnum):
    none = "none"
    accepted = "accepted"
    more_time = "more_time"
    refused = "refused"
    transferred = "transferred"
    redirected_complaint = "redirected_complaint"
    redirected_denunciation = "redirected_denunciation"
    escalated = "escalated"
class Supervisor(_StrEnum):
    front = "front"
    council = "council"
class DayType(_StrEnum):
    calendar = "calendar"
    working = "working"
class EndRule(_StrEnum):
    keep = "keep"
    next_working_day = "next_working_day"
class DayOffKind(_StrEnum):
    holiday = "holiday"
    compensatory = "compensatory"
    arranged = "arranged"
class ErrorCode(_StrEnum):
    not_found = "not_found"
    permission_denied = "permission_denied"
    invalid_transition = "invalid_transition"
    invalid_argument = "invalid_argument"
    conflict = "conflict"
    storage = "storage"
    corruption = "corruption"
    unsupported = "unsupported"

def is_resolved(status: ItemStatus | str) -> bool: ...

# ---- value types (read-only) ----
class UnitName:
    from_date: _dt.date
    name: str
class Unit:
    id: int
    code: str
    name: str
    level: str
    parent: int | None
    status: UnitStatus
    successor: int | None
    created_on: _dt.date
    remote: bool
    ended_on: _dt.date | None
    names: list[UnitName]
    def to_dict(self) -> dict[str, Any]: ...
class Agency:
    id: int
    unit: int
    code: str
    name: str
    department: bool
    def to_dict(self) -> dict[str, Any]: ...
class Organization:
    id: int
    unit: int
    code: str
    name: str
    kind: str
    def to_dict(self) -> dict[str, Any]: ...
class Person:
    id: int
    code: str
    name: str
    phone: str
    citizen_id: str
    address: str
    consent_public: bool
    def to_dict(self) -> dict[str, Any]: ...
class RoleGrant:
    person: int
    role: Role
    unit: int
    agency: int | None
    organization: int | None
    def to_dict(self) -> dict[str, Any]: ...
class ConclusionNotice:
    number: str
    issued_on: _dt.date
    due: _dt.date
    text: str
    on_time: bool
class Conference:
    id: int
    unit: int
    code: str
    kind: ConferenceKind
    audience: str
    department: int | None
    topic: str
    plan_ref: str
    planned_on: _dt.date
    noticed_on: _dt.date
    status: ConferenceStatus
    held_on: _dt.date | None
    chairs: list[int]
    attendance: int
    report: str
    reply_due: _dt.date | None
    notice: ConclusionNotice | None
    closed_on: _dt.date | None
    format: ConferenceFormat
    cluster: str
    co_chairs: list[int]
    def to_dict(self) -> dict[str, Any]: ...
class Opinion:
    id: int
    unit: int
    conference: int | None
    channel: Channel
    raised_by: int | None
    raised_by_org: int | None
    from_unit: int | None
    raised_on: _dt.date
    topic: str
    items: list[int]
    def to_dict(self) -> dict[str, Any]: ...
class SpotAnswer:
    answered_by: int
    gist: str
    on: _dt.date
class Delivery:
    recipient: Recipient
    on: _dt.date
class Reply:
    number: str
    date: _dt.date
    signer: int
    agency: int
    text: str
    deliveries: list[Delivery]
    completed_on: _dt.date | None
class Extension:
    previous: _dt.date
    deadline: _dt.date
    notice_number: str
    notice_date: _dt.date
    agency: int
    reason: str
class Finding:
    by: int
    on: _dt.date
    text: str
    satisfactory: bool
class Item:
    id: int
    opinion: int
    unit: int
    raised_in: int
    conference: int | None
    topic: str
    text: str
    status: ItemStatus
    raised_on: _dt.date
    agency: int | None
    deadline: _dt.date | None
    original_deadline: _dt.date | None
    resolved_on: _dt.date | None
    outcome: Outcome
    outcome_reason: str
    outcome_due: _dt.date | None
    answer: SpotAnswer | None
    reply: Reply | None
    extensions: list[Extension]
    findings: list[Finding]
    reopened: int
    merged_into: int | None
    duplicates: list[int]
    escalated_to: int | None
    escalated_from: int | None
    raiser_notified_on: _dt.date | None
    closed_on: _dt.date | None
    def to_dict(self) -> dict[str, Any]: ...
class Accounting:
    unit: int
    as_of: _dt.date
    opinions: int
    items: int
    resolved: int
    outstanding: int
    not_yet_due: int
    overdue: int
    answered_on_spot: int
    replied: int
    replied_on_time: int
    replied_late: int
    handed_on: int
    escalated: int
    closed: int
    extended_items: int
    extensions: int
    reopened_items: int
    merged: int
    received_by_escalation: int
    def to_dict(self) -> dict[str, Any]: ...
class Reconciliation:
    conference: int
    collected_in_advance: list[int]
    raised_at_conference: list[int]
    answered: list[int]
    unanswered: list[int]
    duplicates: list[tuple[int, int]]

# ---- time ----
def min_date() -> _dt.date: ...
def max_date() -> _dt.date: ...
def format_date(d: _dt.date) -> str: ...
def parse_date(s: str) -> _dt.date: ...
def format_instant(t: _dt.datetime) -> str: ...
def parse_instant(s: str) -> _dt.datetime: ...
def local_date(t: _dt.datetime, offset_minutes: int = 420) -> _dt.date: ...
def to_micros(t: _dt.datetime) -> int: ...
def from_micros(us: int) -> _dt.datetime: ...
class Clock:
    def now(self) -> _dt.datetime: ...
class SystemClock(Clock):
    def __init__(self) -> None: ...
class ManualClock(Clock):
    def __init__(self, start: _dt.datetime) -> None: ...
    def set(self, t: _dt.datetime) -> None: ...
    def advance(self, delta: _dt.timedelta) -> None: ...

# ---- calendars ----
class DeadlineRule:
    days: int
    day_type: DayType
    end_rule: EndRule
    citation: str
    def __init__(self, days: int, day_type: DayType | str = ..., end_rule: EndRule | str = ..., citation: str = "") -> None: ...
class DayOffReason:
    date: _dt.date
    reason: str
    citation: str
class DeadlineExplanation:
    event: _dt.date
    first_day: _dt.date
    computed_end: _dt.date
    deadline: _dt.date
    calendar_name: str
    rule: DeadlineRule
    skipped: list[DayOffReason]
    moved: bool
    kept_on_day_off: bool
    text_vi: str
class DeadlineBasis:
    item: int
    deadline: _dt.date | None
    original_deadline: _dt.date | None
    source: str
    rule: str
    given: bool
    @property
    def event(self) -> _dt.date | None: ...
    notice_number: str
    follows: int | None
    computation: DeadlineExplanation | None
    text_vi: str
class Calendar:
    @property
    def name(self) -> str: ...
    def day_off_reason(self, d: _dt.date) -> DayOffReason: ...
    def explain(self, event: _dt.date, rule: DeadlineRule) -> DeadlineExplanation: ...
    def is_working_day(self, d: _dt.date) -> bool: ...
    def add_working_days(self, start: _dt.date, n: int) -> _dt.date: ...
    def working_days_between(self, start: _dt.date, end: _dt.date) -> int: ...
    def next_working_day_on_or_after(self, d: _dt.date) -> _dt.date: ...
    def deadline(self, event: _dt.date, rule: DeadlineRule) -> _dt.date: ...
    def days_late(self, deadline: _dt.date, done: _dt.date, day_type: DayType | str = ...) -> int: ...
class WeekendCalendar(Calendar):
    def __init__(self) -> None: ...
class DayOff:
    date: _dt.date
    kind: DayOffKind
    reason: str
    citation: str
class MakeupDay:
    date: _dt.date
    reason: str
    citation: str
class VietnamCalendar(Calendar):
    def __init__(self, arrangements: Mapping[str, Any] | None = None, rest_days: int = ..., builtin_arrangements: bool = True) -> None: ...
    @staticmethod
    def builtin() -> VietnamCalendar: ...
    @staticmethod
    def from_file(path: str, rest_days: int = ..., builtin_arrangements: bool = True) -> VietnamCalendar: ...
    @staticmethod
    def builtin_arrangements() -> dict[str, Any]: ...
    def holidays(self, year: int) -> list[DayOff]: ...
    def makeup_days(self, year: int) -> list[MakeupDay]: ...
    def arranged_years(self) -> list[int]: ...
    @property
    def rest_days(self) -> int: ...
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool
    def __init__(self, year: int, month: int, day: int, leap: bool = False) -> None: ...
    def __iter__(self) -> Iterator[int | bool]: ...
def to_lunar(d: _dt.date, zone_minutes: int = 420) -> LunarDate: ...
def from_lunar(lunar: LunarDate, zone_minutes: int = 420) -> _dt.date: ...
def lunar_new_year(lunar_year: int, zone_minutes: int = 420) -> _dt.date: ...
def lunar_leap_month(lunar_year: int, zone_minutes: int = 420) -> int: ...
def lunar_month_length(lunar_year: int, month: int, leap: bool = False, zone_minutes: int = 420) -> int: ...

# ---- profiles ----
class Label:
    code: str
    label: str
class Deadlines:
    conclusion_notice: DeadlineRule
    reply: DeadlineRule
    public_notice: DeadlineRule
    publication: DeadlineRule
    reopen: DeadlineRule
    complaint: DeadlineRule
    complaint_complex: DeadlineRule
    complaint_remote: DeadlineRule
    complaint_remote_complex: DeadlineRule
    denunciation: DeadlineRule
class Profile:
    name: str
    title: str
    citation: str
    zone_offset_minutes: int
    calendar: str
    deadlines: Deadlines
    reply_recipients: list[Recipient]
    supervisors: list[Supervisor]
    levels: list[str]
    public_notice_levels: list[str]
    topics: list[Label]
    audiences: list[Label]
    @property
    def source(self) -> dict[str, Any]: ...
    def has_topic(self, code: str) -> bool: ...
    def has_audience(self, code: str) -> bool: ...
    def supervised_by(self, supervisor: Supervisor | str) -> bool: ...
    def requires_recipient(self, recipient: Recipient | str) -> bool: ...
    @property
    def commune_dialogue(self) -> dict[str, Any] | None: ...
    @property
    def reception(self) -> list[dict[str, Any]]: ...
    @property
    def reporting(self) -> dict[str, Any] | None: ...
    def to_dict(self) -> dict[str, Any]: ...
def load_profile(document: Mapping[str, Any] | str) -> Profile: ...
def load_profile_file(path: str) -> Profile: ...
def builtin_profile_names() -> list[str]: ...
def builtin_profile(name: str) -> Profile: ...
def calendar_for(profile: Profile) -> Calendar: ...

# ---- JSON ----
def parse_json(text: str) -> Any: ...

# ---- commands ----
class ItemSpec:
    topic: str
    text: str
    def __init__(self, topic: str, text: str) -> None: ...
ItemLike = Union[ItemSpec, Tuple[str, str], Mapping[str, str]]
class Result:
    first_seq: int
    last_seq: int
    @property
    def id(self) -> int | None: ...
    items: list[int]
    replayed: bool
    def to_dict(self) -> dict[str, Any]: ...

class CreateUnit:
    """Creates a unit (R01); a top-level unit needs SYSTEM."""
    type: ClassVar[str]  # "create_unit"
    fields: ClassVar[tuple[str, ...]]
    name: str
    level: str
    parent: int | None
    code: str
    created_on: _dt.date | None
    remote: bool
    def __init__(self, name: str, level: str, parent: int | None = ..., code: str = ..., created_on: _dt.date | None = ..., remote: bool = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RenameUnit:
    """Renames a unit; its old names stay readable (R01)."""
    type: ClassVar[str]  # "rename_unit"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    name: str
    on: _dt.date | None
    def __init__(self, unit: int, name: str, on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class MergeUnit:
    """Merges a unit into another: children, agencies and open items move."""
    type: ClassVar[str]  # "merge_unit"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    into: int
    on: _dt.date | None
    def __init__(self, unit: int, into: int, on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class DissolveUnit:
    """Dissolves a unit with no outstanding items."""
    type: ClassVar[str]  # "dissolve_unit"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    on: _dt.date | None
    def __init__(self, unit: int, on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class CreateAgency:
    """Creates a specialized agency of a unit."""
    type: ClassVar[str]  # "create_agency"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    name: str
    department: bool
    code: str
    def __init__(self, unit: int, name: str, department: bool = ..., code: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class CreateOrganization:
    """Creates a socio-political organization of a unit."""
    type: ClassVar[str]  # "create_organization"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    name: str
    kind: str
    code: str
    def __init__(self, unit: int, name: str, kind: str = ..., code: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RegisterPerson:
    """Registers a person."""
    type: ClassVar[str]  # "register_person"
    fields: ClassVar[tuple[str, ...]]
    name: str
    code: str
    phone: str
    citizen_id: str
    address: str
    consent_public: bool
    def __init__(self, name: str, code: str = ..., phone: str = ..., citizen_id: str = ..., address: str = ..., consent_public: bool = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class GrantRole:
    """Grants a role in a unit (R19)."""
    type: ClassVar[str]  # "grant_role"
    fields: ClassVar[tuple[str, ...]]
    person: int
    role: Role
    unit: int
    agency: int | None
    organization: int | None
    def __init__(self, person: int, role: Role | str, unit: int, agency: int | None = ..., organization: int | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RevokeRole:
    """Revokes a role."""
    type: ClassVar[str]  # "revoke_role"
    fields: ClassVar[tuple[str, ...]]
    person: int
    role: Role
    unit: int
    agency: int | None
    organization: int | None
    def __init__(self, person: int, role: Role | str, unit: int, agency: int | None = ..., organization: int | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class PlanConference:
    """Plans a conference (R02, R03)."""
    type: ClassVar[str]  # "plan_conference"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    kind: ConferenceKind
    audience: str
    planned_on: _dt.date
    noticed_on: _dt.date | None
    plan_ref: str
    department: int | None
    topic: str
    code: str
    format: ConferenceFormat
    cluster: str
    def __init__(self, unit: int, kind: ConferenceKind | str = ..., audience: str = ..., *, planned_on: _dt.date, noticed_on: _dt.date | None = ..., plan_ref: str = ..., department: int | None = ..., topic: str = ..., code: str = ..., format: ConferenceFormat | str = ..., cluster: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class HoldConference:
    """Records that a conference was held (R03)."""
    type: ClassVar[str]  # "hold_conference"
    fields: ClassVar[tuple[str, ...]]
    conference: int
    held_on: _dt.date | None
    chairs: list[int]
    attendance: int
    report: str
    co_chairs: list[int]
    def __init__(self, conference: int, held_on: _dt.date | None = ..., chairs: Sequence[int] = ..., attendance: int = ..., report: str = ..., co_chairs: Sequence[int] = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class IssueConclusionNotice:
    """Issues the heads' conclusion notice (R08)."""
    type: ClassVar[str]  # "issue_conclusion_notice"
    fields: ClassVar[tuple[str, ...]]
    conference: int
    number: str
    issued_on: _dt.date | None
    text: str
    def __init__(self, conference: int, number: str, issued_on: _dt.date | None = ..., text: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class CloseConference:
    """Closes a conference whose items are all resolved or handed on (R03)."""
    type: ClassVar[str]  # "close_conference"
    fields: ClassVar[tuple[str, ...]]
    conference: int
    on: _dt.date | None
    def __init__(self, conference: int, on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class SubmitOpinion:
    """Submits an opinion holding one or more items (R04, R05)."""
    type: ClassVar[str]  # "submit_opinion"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    conference: int | None
    channel: Channel
    raised_by: int | None
    raised_by_org: int | None
    raised_on: _dt.date | None
    topic: str
    items: list[ItemSpec]
    def __init__(self, unit: int, conference: int | None = ..., channel: Channel | str = ..., raised_by: int | None = ..., raised_by_org: int | None = ..., raised_on: _dt.date | None = ..., topic: str = ..., *, items: Sequence[ItemLike]) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class AnswerOnSpot:
    """Records an answer given at the conference (R06)."""
    type: ClassVar[str]  # "answer_on_spot"
    fields: ClassVar[tuple[str, ...]]
    item: int
    answered_by: int
    gist: str
    def __init__(self, item: int, answered_by: int, gist: str) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class MergeDuplicate:
    """Merges a duplicate item into another (R07)."""
    type: ClassVar[str]  # "merge_duplicate"
    fields: ClassVar[tuple[str, ...]]
    item: int
    into: int
    def __init__(self, item: int, into: int) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class Assign:
    """Assigns an item to an agency with a reply deadline (R09)."""
    type: ClassVar[str]  # "assign"
    fields: ClassVar[tuple[str, ...]]
    item: int
    agency: int
    deadline: _dt.date | None
    def __init__(self, item: int, agency: int, deadline: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class WriteReply:
    """Writes the agency's reply (R10)."""
    type: ClassVar[str]  # "write_reply"
    fields: ClassVar[tuple[str, ...]]
    item: int
    number: str
    date: _dt.date | None
    signer: int
    text: str
    def __init__(self, item: int, number: str, date: _dt.date | None = ..., *, signer: int, text: str) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RecordDelivery:
    """Records a delivery of the reply (R10)."""
    type: ClassVar[str]  # "record_delivery"
    fields: ClassVar[tuple[str, ...]]
    item: int
    recipient: Recipient
    on: _dt.date | None
    def __init__(self, item: int, recipient: Recipient | str, on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class Escalate:
    """Escalates an item to a higher unit as a formal proposal (R11)."""
    type: ClassVar[str]  # "escalate"
    fields: ClassVar[tuple[str, ...]]
    item: int
    to_unit: int
    to_agency: int | None
    proposal: str
    on: _dt.date | None
    raiser_notified_on: _dt.date
    def __init__(self, item: int, to_unit: int, to_agency: int | None = ..., *, proposal: str, on: _dt.date | None = ..., raiser_notified_on: _dt.date) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class DecideIntake:
    """Decides the intake outcome of an item (R11)."""
    type: ClassVar[str]  # "decide_intake"
    fields: ClassVar[tuple[str, ...]]
    item: int
    outcome: Outcome
    reason: str
    target: str
    complex: bool
    on: _dt.date | None
    raiser_notified_on: _dt.date | None
    def __init__(self, item: int, outcome: Outcome | str, reason: str = ..., target: str = ..., complex: bool = ..., on: _dt.date | None = ..., raiser_notified_on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class Extend:
    """Extends a complex item's deadline with a notice to the raiser (R12)."""
    type: ClassVar[str]  # "extend"
    fields: ClassVar[tuple[str, ...]]
    item: int
    deadline: _dt.date
    notice_number: str
    notice_date: _dt.date
    agency: int | None
    reason: str
    def __init__(self, item: int, deadline: _dt.date, notice_number: str, notice_date: _dt.date, agency: int | None = ..., reason: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RecordFinding:
    """Records a supervision finding (R14)."""
    type: ClassVar[str]  # "record_finding"
    fields: ClassVar[tuple[str, ...]]
    item: int
    text: str
    satisfactory: bool
    on: _dt.date | None
    def __init__(self, item: int, text: str, satisfactory: bool = ..., on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class Reopen:
    """Reopens a resolved item with a new deadline (R14)."""
    type: ClassVar[str]  # "reopen"
    fields: ClassVar[tuple[str, ...]]
    item: int
    reason: str
    deadline: _dt.date | None
    on: _dt.date | None
    def __init__(self, item: int, reason: str, deadline: _dt.date | None = ..., on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class CloseItem:
    """Closes a resolved item for good (R14)."""
    type: ClassVar[str]  # "close_item"
    fields: ClassVar[tuple[str, ...]]
    item: int
    note: str
    on: _dt.date | None
    def __init__(self, item: int, note: str = ..., on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...


class PublishReply:
    """Publishes an item's reply to the public feed, redacted (R13)."""
    type: ClassVar[str]  # "publish_reply"
    fields: ClassVar[tuple[str, ...]]
    item: int
    on: _dt.date | None
    def __init__(self, item: int, on: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class PublishConferenceResults:
    """Publishes a held conference's results (R13); lateness is reported."""
    type: ClassVar[str]  # "publish_conference_results"
    fields: ClassVar[tuple[str, ...]]
    conference: int
    date: _dt.date | None
    def __init__(self, conference: int, date: _dt.date | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RecordCouncilSession:
    """Records a session of the unit's council (HĐND); wards below owe a dialogue before it (R17)."""
    type: ClassVar[str]  # "record_council_session"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    date: _dt.date
    reference: str
    def __init__(self, unit: int, date: _dt.date, reference: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RecordVoterRequest:
    """Records voters of a commune asking for a dialogue, with the voter roll (R17)."""
    type: ClassVar[str]  # "record_voter_request"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    requesters: int
    voters: int
    on: _dt.date | None
    reference: str
    def __init__(self, unit: int, requesters: int, voters: int, on: _dt.date | None = ...,
                 reference: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...

class RecordReception:
    """Records a day a head received citizens (tiếp công dân); the profile's reception rules count the days per month (R17)."""
    type: ClassVar[str]  # "record_reception"
    fields: ClassVar[tuple[str, ...]]
    unit: int
    person: int
    role: Role
    agency: int | None
    on: _dt.date | None
    note: str
    def __init__(self, unit: int, person: int, role: Role | str = ..., agency: int | None = ...,
                 on: _dt.date | None = ..., note: str = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...


Command = Union[CreateUnit, RenameUnit, MergeUnit, DissolveUnit, CreateAgency, CreateOrganization,
                RegisterPerson, GrantRole, RevokeRole, PlanConference, HoldConference,
                IssueConclusionNotice, CloseConference, SubmitOpinion, AnswerOnSpot, MergeDuplicate,
                Assign, WriteReply, RecordDelivery, Escalate, DecideIntake, Extend, RecordFinding,
                Reopen, CloseItem, PublishReply, PublishConferenceResults, RecordCouncilSession,
                RecordVoterRequest, RecordReception]
def command_from_dict(command: Mapping[str, Any]) -> Command: ...
def command_to_dict(command: Command) -> dict[str, Any]: ...
def _command_fields() -> list[tuple[str, str, list[tuple[str, bool]]]]: ...

# ---- events, subscriptions, stores ----
class Event:
    seq: int
    at: _dt.datetime
    actor: int
    @property
    def type(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def item(self) -> int | None: ...
    @property
    def opinion(self) -> int | None: ...
    @property
    def conference(self) -> int | None: ...
    @property
    def unit(self) -> int | None: ...
    def to_dict(self) -> dict[str, Any]: ...
def event_from_dict(event: Mapping[str, Any]) -> Event: ...
class Subscription:
    calls: int
    errors: int
    last_error: str | None
    def close(self) -> None: ...
    def __enter__(self) -> Subscription: ...
    def __exit__(self, *args: Any) -> bool: ...
class EventStore:
    @property
    def last_seq(self) -> int: ...
    def read(self, from_seq: int = 1, limit: int = 1000) -> list[Event]: ...
class MemoryStore(EventStore):
    def __init__(self) -> None: ...
    @property
    def bytes(self) -> int: ...

class ImportReport:
    rows: int
    submitted: int
    failed: int
    items: int
    cancelled: bool
    resume_row: int
    seconds: float
    opinions: list[int]
    errors: list[tuple[int, str, str]]

# ---- queries shared by Engine and State ----
class _Queries:
    def unit(self, id: int) -> Unit: ...
    def find_unit(self, code: str) -> int | None: ...
    def units(self) -> list[int]: ...
    def children(self, unit: int) -> list[int]: ...
    def in_subtree(self, unit: int, root: int) -> bool: ...
    def agency(self, id: int) -> Agency: ...
    def find_agency(self, code: str) -> int | None: ...
    def agencies(self, unit: int) -> list[int]: ...
    def organization(self, id: int) -> Organization: ...
    def organizations(self, unit: int) -> list[int]: ...
    def person(self, id: int) -> Person: ...
    def find_person(self, code: str) -> int | None: ...
    def roles_of(self, person: int) -> list[RoleGrant]: ...
    def holders(self, role: Role | str, unit: int) -> list[int]: ...
    def conference(self, id: int) -> Conference: ...
    def conferences(self, unit: int | None = None) -> list[int]: ...
    def opinion(self, id: int) -> Opinion: ...
    @property
    def opinion_count(self) -> int: ...
    def item(self, id: int) -> Item: ...
    @property
    def item_count(self) -> int: ...
    def item_status(self, id: int) -> ItemStatus: ...
    def standing(self, item: int, as_of: _dt.date) -> Standing: ...
    def items(self, *, unit: int | None = None, status: ItemStatus | str | None = None,
              standing: Standing | str | None = None, as_of: _dt.date | None = None, agency: int | None = None,
              topic: str = "", conference: int | None = None, raised_by: int | None = None,
              visible_to: int | None = None, after: int | None = None, limit: int | None = None) -> list[int]: ...
    def iter_items(self, *, unit: int | None = None, status: ItemStatus | str | None = None,
                   standing: Standing | str | None = None, as_of: _dt.date | None = None,
                   agency: int | None = None, topic: str = "", conference: int | None = None,
                   raised_by: int | None = None, visible_to: int | None = None, after: int | None = None,
                   limit: int | None = None, page_size: int = 1000) -> Iterator[Item]: ...
    def overdue(self, as_of: _dt.date, limit: int = 100) -> list[int]: ...
    def due_between(self, start: _dt.date, end: _dt.date, limit: int = 1000) -> list[int]: ...
    def reconciliation(self, conference: int) -> Reconciliation: ...
    def can_view(self, person: int, item: int) -> bool: ...
    def accounting(self, unit: int, as_of: _dt.date) -> Accounting: ...

class State(_Queries):
    @property
    def last_seq(self) -> int: ...
    @property
    def last_at(self) -> _dt.datetime | None: ...
    @property
    def last_date(self) -> _dt.date | None: ...
    def answers_for(self, d: _dt.date) -> bool: ...

class Engine(_Queries):
    def __init__(self, profile: Profile | str = "hanoi-2200", *,
                 store: EventStore | str | os.PathLike[str] | None = None,
                 clock: Clock | None = None, calendar: Calendar | None = None,
                 max_conflict_retries: int = 16, snapshot_every: int = 0) -> None: ...
    @staticmethod
    def open(path: str | os.PathLike[str], *, profile: Profile | str = "hanoi-2200", clock: Clock | None = None,
             calendar: Calendar | None = None, max_conflict_retries: int = 16,
             snapshot_every: int = 0) -> Engine: ...
    def snapshot(self) -> int: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def store(self) -> EventStore: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def calendar(self) -> Calendar: ...
    def today(self) -> _dt.date: ...
    @property
    def last_seq(self) -> int: ...
    @property
    def callback_errors(self) -> int: ...
    def wait_for_subscribers(self, timeout: float | None = None) -> bool: ...
    @property
    def undelivered(self) -> int: ...
    def catch_up(self) -> None: ...
    def execute(self, actor: int, command: Command, idempotency_key: str | None = None) -> Result: ...
    def execute_json(self, request: Mapping[str, Any]) -> dict[str, Any]: ...
    def subscribe(self, callback: Callable[[Event], Any]) -> Subscription: ...
    def explain_deadline(self, item: int) -> DeadlineBasis: ...
    def history(self, *, item: int | None = None, opinion: int | None = None,
                conference: int | None = None) -> list[Event]: ...
    def events(self, from_seq: int = 1, limit: int = 1000) -> list[Event]: ...
    def iter_events(self, from_seq: int = 1, page_size: int = 1000) -> Iterator[Event]: ...
    def state_as_of(self, t: _dt.datetime | _dt.date) -> State: ...
    def due_within(self, start: _dt.date, days: int, limit: int = 1000) -> list[int]: ...
    def import_opinions(self, actor: int, rows: Sequence[SubmitOpinion | Mapping[str, Any]], *,
                        progress: Callable[[int, int], bool | None] | None = None, every: int = 1000,
                        on_error: str = "raise", idempotency_prefix: str = "", start_row: int = 1) -> ImportReport: ...
    def import_csv(self, actor: int, path: str, *, unit: int | None = None, conference: int | None = None,
                   channel: Channel | str = ..., raised_on: _dt.date | None = None,
                   progress: Callable[[int, int], bool | None] | None = None, every: int = 1000,
                   on_error: str = "raise", idempotency_prefix: str = "", start_row: int = 1) -> ImportReport: ...
    # One method per command (same path as execute):
    def create_unit(self, actor: int, name: str, level: str, parent: int | None = ..., code: str = ..., created_on: _dt.date | None = ..., remote: bool = ..., *, idempotency_key: str | None = None) -> Result: ...
    def rename_unit(self, actor: int, unit: int, name: str, on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def merge_unit(self, actor: int, unit: int, into: int, on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def dissolve_unit(self, actor: int, unit: int, on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def create_agency(self, actor: int, unit: int, name: str, department: bool = ..., code: str = ..., *, idempotency_key: str | None = None) -> Result: ...
    def create_organization(self, actor: int, unit: int, name: str, kind: str = ..., code: str = ..., *, idempotency_key: str | None = None) -> Result: ...
    def register_person(self, actor: int, name: str, code: str = ..., phone: str = ..., citizen_id: str = ..., address: str = ..., consent_public: bool = ..., *, idempotency_key: str | None = None) -> Result: ...
    def grant_role(self, actor: int, person: int, role: Role | str, unit: int, agency: int | None = ..., organization: int | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def revoke_role(self, actor: int, person: int, role: Role | str, unit: int, agency: int | None = ..., organization: int | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def plan_conference(self, actor: int, unit: int, kind: ConferenceKind | str = ..., audience: str = ..., *, planned_on: _dt.date, noticed_on: _dt.date | None = ..., plan_ref: str = ..., department: int | None = ..., topic: str = ..., code: str = ..., format: ConferenceFormat | str = ..., cluster: str = ..., idempotency_key: str | None = None) -> Result: ...
    def hold_conference(self, actor: int, conference: int, held_on: _dt.date | None = ..., chairs: Sequence[int] = ..., attendance: int = ..., report: str = ..., co_chairs: Sequence[int] = ..., *, idempotency_key: str | None = None) -> Result: ...
    def issue_conclusion_notice(self, actor: int, conference: int, number: str, issued_on: _dt.date | None = ..., text: str = ..., *, idempotency_key: str | None = None) -> Result: ...
    def close_conference(self, actor: int, conference: int, on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def submit_opinion(self, actor: int, unit: int, conference: int | None = ..., channel: Channel | str = ..., raised_by: int | None = ..., raised_by_org: int | None = ..., raised_on: _dt.date | None = ..., topic: str = ..., *, items: Sequence[ItemLike], idempotency_key: str | None = None) -> Result: ...
    def answer_on_spot(self, actor: int, item: int, answered_by: int, gist: str, *, idempotency_key: str | None = None) -> Result: ...
    def merge_duplicate(self, actor: int, item: int, into: int, *, idempotency_key: str | None = None) -> Result: ...
    def assign(self, actor: int, item: int, agency: int, deadline: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def write_reply(self, actor: int, item: int, number: str, date: _dt.date | None = ..., *, signer: int, text: str, idempotency_key: str | None = None) -> Result: ...
    def record_delivery(self, actor: int, item: int, recipient: Recipient | str, on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def escalate(self, actor: int, item: int, to_unit: int, to_agency: int | None = ..., *, proposal: str, on: _dt.date | None = ..., raiser_notified_on: _dt.date, idempotency_key: str | None = None) -> Result: ...
    def decide_intake(self, actor: int, item: int, outcome: Outcome | str, reason: str = ..., target: str = ..., complex: bool = ..., on: _dt.date | None = ..., raiser_notified_on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def extend(self, actor: int, item: int, deadline: _dt.date, notice_number: str, notice_date: _dt.date, agency: int | None = ..., reason: str = ..., *, idempotency_key: str | None = None) -> Result: ...
    def record_finding(self, actor: int, item: int, text: str, satisfactory: bool = ..., on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def reopen(self, actor: int, item: int, reason: str, deadline: _dt.date | None = ..., on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def close_item(self, actor: int, item: int, note: str = ..., on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def publish_reply(self, actor: int, item: int, on: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def publish_conference_results(self, actor: int, conference: int, date: _dt.date | None = ..., *, idempotency_key: str | None = None) -> Result: ...
    def record_council_session(self, actor: int, unit: int, date: _dt.date, reference: str = ..., *, idempotency_key: str | None = None) -> Result: ...
    def record_voter_request(self, actor: int, unit: int, requesters: int, voters: int, on: _dt.date | None = ..., reference: str = ..., *, idempotency_key: str | None = None) -> Result: ...
    def record_reception(self, actor: int, unit: int, person: int, role: Role | str = ..., agency: int | None = ..., on: _dt.date | None = ..., note: str = ..., *, idempotency_key: str | None = None) -> Result: ...

def open_engine(profile: Profile | str, path: str | os.PathLike[str], *, clock: Clock | None = None,
                calendar: Calendar | None = None, max_conflict_retries: int = 16,
                snapshot_every: int = 0) -> Engine: ...

# ---- durable stores (R20) ----
HAVE_POSTGRES: bool
class VerifyReport:
    ok: bool
    checked: int
    first_bad: int | None
    problem: str
    head: str
    def __bool__(self) -> bool: ...
class SqliteOptions:
    sync: str  # "full" | "normal"
    read_only: bool
    create: bool
    open_check: str  # "full" | "since_snapshot"
    busy_timeout_ms: int
    adopt: bool
    def __init__(self, *, sync: str = "full", read_only: bool = False, create: bool = True,
                 open_check: str = "full", busy_timeout_ms: int = 10000, adopt: bool = False) -> None: ...
class DurableStore(EventStore):
    def verify(self) -> VerifyReport: ...
    @property
    def head_hash(self) -> str: ...
    def export_jsonl(self, path: str | os.PathLike[str]) -> int: ...
    def import_jsonl(self, path: str | os.PathLike[str]) -> int: ...
class SqliteStore(DurableStore):
    def __init__(self, path: str | os.PathLike[str], options: SqliteOptions | None = None, *,
                 sync: str | None = None, read_only: bool | None = None, create: bool | None = None,
                 open_check: str | None = None, busy_timeout_ms: int | None = None,
                 adopt: bool | None = None) -> None: ...
    @property
    def path(self) -> str: ...
class PostgresStore(DurableStore):  # only when HAVE_POSTGRES
    def __init__(self, conninfo: str, *, skip_open_check: bool = False, read_page: int = 20000) -> None: ...
    def partition_seq(self, unit: int) -> int: ...
    def wait_for_notification(self, timeout_seconds: float) -> bool: ...
def open_store(path_or_uri: str | os.PathLike[str], options: SqliteOptions | None = None) -> EventStore: ...

# ---- signed checkpoints of a durable store's chain (R20, checkpoint.h) ----
class CheckpointKey:
    @staticmethod
    def hmac_sha256(key_id: str, secret: bytes) -> CheckpointKey: ...
    @staticmethod
    def generate_ed25519(key_id: str) -> CheckpointKey: ...
    @staticmethod
    def ed25519_private(key_id: str, private_key: bytes) -> CheckpointKey: ...
    @staticmethod
    def ed25519_public(key_id: str, public_key: bytes) -> CheckpointKey: ...
    @property
    def key_id(self) -> str: ...
    @property
    def algorithm(self) -> str: ...  # "hmac_sha256" | "ed25519"
    @property
    def can_sign(self) -> bool: ...
    @property
    def public_key(self) -> bytes: ...
    @property
    def private_key(self) -> bytes: ...
    def public_only(self) -> CheckpointKey: ...
class Checkpoint:
    @property
    def seq(self) -> int: ...
    @property
    def head(self) -> str: ...
    @property
    def issued_at(self) -> _dt.datetime: ...
    @property
    def key_id(self) -> str: ...
    @property
    def algorithm(self) -> str: ...  # "hmac_sha256" | "ed25519"
    @property
    def signature(self) -> bytes: ...
    def to_line(self) -> str: ...
    @staticmethod
    def from_line(line: str) -> Checkpoint: ...
    def signed_bytes(self) -> bytes: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
class CheckpointFinding:
    @property
    def problem(self) -> str: ...  # "chain" | "truncated" | "rewritten" | "forged" | "unknown_key"
    @property
    def checkpoint_seq(self) -> int | None: ...
    @property
    def first_bad(self) -> int | None: ...
    @property
    def message(self) -> str: ...
class CheckpointReport:
    @property
    def ok(self) -> bool: ...
    @property
    def problem(self) -> str | None: ...
    @property
    def first_bad(self) -> int | None: ...
    @property
    def checkpoint_seq(self) -> int | None: ...
    @property
    def last_seq(self) -> int: ...
    @property
    def confirmed_seq(self) -> int: ...
    @property
    def checkpoints_valid(self) -> int: ...
    @property
    def chain(self) -> VerifyReport: ...
    @property
    def findings(self) -> list[CheckpointFinding]: ...
    @property
    def message(self) -> str: ...
    def __bool__(self) -> bool: ...
def issue_checkpoint(store: DurableStore | Engine, key: CheckpointKey, *, seq: int | None = None,
                     issued_at: _dt.datetime | None = None) -> Checkpoint: ...
def verify_checkpoints(store: DurableStore | Engine, checkpoints: Iterable[Checkpoint],
                       keys: CheckpointKey | Iterable[CheckpointKey]) -> CheckpointReport: ...
def append_checkpoints(path: str | os.PathLike[str], checkpoints: Iterable[Checkpoint]) -> None: ...
def read_checkpoints(path: str | os.PathLike[str]) -> list[Checkpoint]: ...

# ---- views: periods, reports (R16), compliance (R17), triggers (R18), publication (R13), exports ----
class Period:
    kind: str  # "month" | "quarter" | "six_months" | "nine_months" | "year" | "range"
    start: _dt.date
    end: _dt.date
    @staticmethod
    def month(year: int, month: int) -> Period: ...
    @staticmethod
    def quarter(year: int, quarter: int) -> Period: ...
    @staticmethod
    def six_months(year: int) -> Period: ...
    @staticmethod
    def nine_months(year: int) -> Period: ...
    @staticmethod
    def year(year: int) -> Period: ...
    @staticmethod
    def range(start: _dt.date, end: _dt.date) -> Period: ...
    def label(self, lang: str = "vi") -> str: ...
    def previous(self) -> Period: ...
    def __contains__(self, d: _dt.date) -> bool: ...
def previous_period(period: Period) -> Period: ...
def period_label(period: Period, lang: str = "vi") -> str: ...
class Count:
    code: str
    label: str
    n: int
class Tally:
    items: int
    resolved: int
    outstanding: int
    not_yet_due: int
    overdue: int
    on_time: int
    late: int
    extended_items: int
    extensions: int
    escalated: int
    on_time_rate: float | None
class TopicTally:
    topic: str
    label: str
    tally: Tally
class AgencyTally:
    agency: int
    code: str
    name: str
    tally: Tally
class ConferenceLine:
    id: int
    unit: int
    unit_name: str
    level: str
    kind: ConferenceKind
    audience: str
    department: bool
    held_on: _dt.date
    opinions: int
    items: int
    notice_due: _dt.date | None
    notice_issued_on: _dt.date | None
    reply_due: _dt.date | None
    results_due: _dt.date | None
    results_published_on: _dt.date | None
    results_late: bool
class MonthPoint:
    year: int
    month: int
    conferences: int
    opinions: int
    items: int
    resolved: int
class Change:
    previous: int
    current: int
    delta: int
    percent: float | None
class Report:
    unit: int | None
    unit_name: str
    unit_level: str
    period: Period
    previous: Period
    as_of: _dt.date
    citations: list[str]
    recipients: list[str]
    conferences: int
    conferences_by_level: list[Count]
    conferences_by_kind: list[Count]
    conferences_by_audience: list[Count]
    department_dialogues: int
    conference_list: list[ConferenceLine]
    opinions: int
    opinions_by_channel: list[Count]
    items: Tally
    answered_on_spot: int
    replied: int
    handed_on: int
    closed: int
    reopened_items: int
    merged: int
    received_by_escalation: int
    resolved_in_period: int
    backlog_outstanding: int
    by_topic: list[TopicTally]
    by_agency: list[AgencyTally]
    trend: list[MonthPoint]
    results_published_on_time: int
    results_published_late: int
    results_unpublished_overdue: int
    change_conferences: Change
    change_opinions: Change
    change_items: Change
    change_resolved_in_period: Change
    def to_dict(self) -> dict[str, Any]: ...
    def to_html(self, lang: str = "vi", title: str = "") -> str: ...
def make_report(engine: Engine, period: Period, *, unit: int | None = None,
                as_of: _dt.date | None = None) -> Report: ...
def report_to_dict(report: Report) -> dict[str, Any]: ...
def report_html(report: Report, lang: str = "vi", title: str = "") -> str: ...
class ComplianceCase:
    unit: int
    unit_name: str
    level: str
    requirement: str  # "periodic_yearly" | "before_council_session" | "voter_request" | "reception_days"
    window_from: _dt.date
    window_to: _dt.date
    reference: str
    citation: str
    met_by: int | None
    role: Role  # reception_days: whose days
    agency: int | None
    agency_name: str
    days: int
    required_days: int
class ComplianceReport:
    unit: int | None
    period: Period
    as_of: _dt.date
    missed: list[ComplianceCase]
    pending: list[ComplianceCase]
    met: list[ComplianceCase]
    def to_dict(self) -> dict[str, Any]: ...
def compliance(engine: Engine, period: Period, *, unit: int | None = None,
               as_of: _dt.date | None = None) -> ComplianceReport: ...
def report_periods(profile: Profile, year: int) -> list[Period]: ...
def report_recipients(profile: Profile, level: str) -> list[str]: ...
class TriggerCandidate:
    unit: int
    unit_name: str
    reason: str  # "overdue" | "reopened" | "many_on_one_matter"
    topic: str
    items: list[int]
    detail: str
    def to_dict(self) -> dict[str, Any]: ...
def unscheduled_triggers(engine: Engine, *, unit: int | None = None,
                         as_of: _dt.date | None = None) -> list[TriggerCandidate]: ...
class Redactor:
    def __init__(self, engine: Engine) -> None: ...
    def redact(self, text: str) -> str: ...
    def public_name(self, person: int) -> str: ...
def redact_numbers(text: str) -> str: ...
class PublicReply:
    number: str
    date: _dt.date
    agency: str
    text: str
class PublicItem:
    id: int
    unit: int
    unit_name: str
    topic: str
    topic_label: str
    text: str
    status: ItemStatus
    raised_by: str
    raised_on: _dt.date
    published_on: _dt.date
    deadline: _dt.date | None
    agency: str
    reply: PublicReply | None
    answer: str
    def to_dict(self) -> dict[str, Any]: ...
def public_feed(engine: Engine, *, unit: int | None = None, limit: int = 100) -> list[PublicItem]: ...
class ResultsPublication:
    conference: int
    unit: int
    unit_name: str
    held_on: _dt.date
    due: _dt.date
    published_on: _dt.date | None
    days_late: int
    late: bool
def results_publication(engine: Engine, *, unit: int | None = None,
                        as_of: _dt.date | None = None) -> list[ResultsPublication]: ...
class ExportOptions:
    unit: int | None
    visibility: str  # "public" | "internal"
    as_of: _dt.date | None
    generated_at: _dt.datetime | None
    def __init__(self, *, unit: int | None = None, visibility: str = "public", as_of: _dt.date | None = None,
                 generated_at: _dt.datetime | None = None) -> None: ...
def export_items_json(engine: Engine, options: ExportOptions | None = None, *, unit: int | None = None,
                      visibility: str | None = None, as_of: _dt.date | None = None,
                      generated_at: _dt.datetime | None = None) -> dict[str, Any]: ...
def csv_columns() -> list[str]: ...
@overload
def export_items_csv(engine: Engine, path: None = None, options: ExportOptions | None = None, *,
                     unit: int | None = None, visibility: str | None = None, as_of: _dt.date | None = None,
                     generated_at: _dt.datetime | None = None) -> str: ...
@overload
def export_items_csv(engine: Engine, path: str | os.PathLike[str], options: ExportOptions | None = None, *,
                     unit: int | None = None, visibility: str | None = None, as_of: _dt.date | None = None,
                     generated_at: _dt.datetime | None = None) -> int: ...
def export_open311(engine: Engine, options: ExportOptions | None = None, *, unit: int | None = None,
                   visibility: str | None = None, as_of: _dt.date | None = None,
                   generated_at: _dt.datetime | None = None) -> Any: ...
def export_ical(engine: Engine, agency: int, options: ExportOptions | None = None, *, unit: int | None = None,
                visibility: str | None = None, as_of: _dt.date | None = None,
                generated_at: _dt.datetime | None = None) -> str: ...

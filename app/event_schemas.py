"""The body schema of every event kind, versioned, in one place.

Each kind has a tuple of models, version 1 first. A body is appended only if it is a valid
body of the kind's newest version (`check`); unknown fields are refused, required fields
required, types strict (no "1" for 1). A stored body is never rewritten: on replay `read`
finds the newest version the body is valid under and runs the upcasters from there to the
newest version, so every handler sees a complete body of the current version.

A body's version is not stored: it is the newest version whose model accepts the body.
So a new version must refuse the bodies of the one before (add a required field, drop
or rename one; `extra="forbid"` does the rest) — docs/ledger-format.md, "Body schemas".

Free-standing on purpose: this module imports nothing of app/, so it can move with the
registry and the gateway can read the same models (or their JSON Schema export).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from db.errors import InvalidEvent

# -- shared field types ---------------------------------------------------------------------
# ASCII digits only: [0-9], not \d, which takes any script's digits in most regex engines.
Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
At = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?\+08:00$"
    ),
]
# Record numbers and names as the app writes them: non-empty, one line, bounded.
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]  # identity.check_name
OptName = Annotated[str, StringConstraints(max_length=100)]  # duty_records.optional_name
Seq = Annotated[int, Field(ge=0, le=2**53 - 1)]
WindowNo = Annotated[int, Field(ge=1, le=999)]
Phone = Annotated[str, StringConstraints(max_length=40)]


# Free text the app has already folded and checked: TextN is 1..N characters, OptN 0..N.
Text20 = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Text30 = Annotated[str, StringConstraints(min_length=1, max_length=30)]
Text40 = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Text60 = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Text100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text255 = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Text1000 = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Text4000 = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Opt4000 = Annotated[str, StringConstraints(max_length=4000)]
Opt30 = Annotated[str, StringConstraints(max_length=30)]
Opt60 = Annotated[str, StringConstraints(max_length=60)]
Opt64 = Annotated[str, StringConstraints(max_length=64)]
Opt100 = Annotated[str, StringConstraints(max_length=100)]
Opt120 = Annotated[str, StringConstraints(max_length=120)]
Opt200 = Annotated[str, StringConstraints(max_length=200)]
Opt500 = Annotated[str, StringConstraints(max_length=500)]


# The closed vocabularies as the producers write them (tests/app/test_event_schemas.py
# checks each against the domain module's own table, so they cannot drift apart).
MaterialStatus = Literal["received", "missing", "defective", "not_applicable"]
PauseKind = Literal[
    "hearing", "public_notice", "inspection", "testing", "expert_review", "extension", "other"
]
CaseResult = Literal["approved", "not_approved"]
Delivery = Literal["window", "post", "electronic"]
CaseChannel = Literal["window", "appointment", "proxy", "home_visit"]
Role = Literal["clerk", "director", "admin"]
IdType = Literal[
    "resident_id",
    "passport",
    "hk_macau_permit",
    "taiwan_permit",
    "hmt_residence_permit",
    "foreign_permanent_id",
    "uscc",
]
AwayReason = Literal["village", "meeting", "training", "errand", "lunch", "leave", "other"]
TrainingKind = Literal["pre_job", "political", "business", "service", "other"]
EquipmentKind = Literal[
    "phone",
    "pc",
    "document_camera",
    "printer",
    "rating_device",
    "monitoring",
    "self_service",
    "fire_equipment",
    "other",
]
EquipmentStatus = Literal["in_use", "faulty", "retired"]
InspectionKind = Literal["fire", "theft", "damp", "earthquake", "secrecy", "drill"]
InspectionResult = Literal["ok", "issues"]
ComplaintChannel = Literal["phone", "box", "qr", "in_person", "hotline", "letter"]
ConsultChannel = Literal["in_person", "phone", "online"]
RatingChannel = Literal["screen", "qr", "paper", "phone", "sms", "online"]
ContactKind = Literal["case", "consultation", "service"]
FollowupStep = Literal["verify", "rectify", "callback"]
AppealKind = Literal["mistaken", "malicious"]
ServiceKind = Literal["appointment", "fast_lane", "proxy", "assisted", "home_visit"]
ServiceGroup = Literal["elderly", "infirm", "sick", "disabled", "child", "other"]
ServiceStatus = Literal["booked", "done", "no_show", "cancelled"]
NameChangeKind = Literal["correction", "change"]
JsonObject = dict[str, Any]


class Body(BaseModel):
    """Base of every body and body part: closed, strict, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# -- body parts ------------------------------------------------------------------------------


class MaterialLine(Body):
    code: Ref
    name: Text100
    status: MaterialStatus
    note: Opt200


class ItemRef(Body):
    code: Ref
    version: Annotated[int, Field(ge=1)]
    name: Text200
    case_kind: Text40
    limit_days: Annotated[int, Field(ge=0)]
    limit_unit: Text20


class Applicant(Body):
    name: Name
    id_type: IdType
    id_number: Ref
    phone: Phone
    address: Opt120


class Agent(Applicant):
    relationship: Text20


class NoticeItem(Body):
    code: Opt64
    name: Text100
    problem: Text200
    how_to_fix: Text200


class Referral(Body):
    to: Text100
    responsible_person: Text30
    phone: Phone
    address: Opt100


class Followup(Body):
    due_on: Day
    provisional: bool


# -- bodies, by kind ----------------------------------------------------------------------


class LedgerCreated(Body):
    ledger_id: Ref
    centre_code: Ref
    centre_name: Annotated[str, StringConstraints(min_length=2, max_length=60)]
    desk_no: Annotated[int, Field(ge=1, le=99)]


class LedgerBackedUp(Body):
    events: Seq
    head_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    file: Text255


class LedgerKeyRotated(Body):
    pass


class LedgerRestored(Body):
    how: Literal["kept_aside", "jump"]
    kept_aside: Text255 | None
    missing_events: Seq | None
    backup_events: Seq
    backup_head: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    problem: Text4000 | None  # the replaced ledger's error, as it read
    doc_counters: dict[str, Seq]
    duty_counters: dict[str, Seq]


class StaffAccountAdded(Body):
    username: Username
    display_name: Text30
    role: Role


class StaffUsername(Body):
    username: Username


class StaffPassphraseChanged(Body):
    username: Username
    # Absent when the member changed their own passphrase.
    via: Literal["recovery_key", "admin_reset"] | None = None


class StaffRoleChanged(Body):
    username: Username
    role: Role


class SettingsChanged(Body):
    key: Ref
    value: int | Opt60


class CalendarYearLoaded(Body):
    year: Annotated[int, Field(ge=1900, le=2200)]
    source: Opt500
    # The schedule's own shape is checked by app/workdays.py's parser, which reads it back.
    schedule: JsonObject


class CatalogueItemPublished(Body):
    # The item's own shape is checked by app/catalogue_model.py, which reads it back.
    item: JsonObject
    version: Annotated[int, Field(ge=1)]
    demo: bool


class CatalogueItemWithdrawn(Body):
    code: Ref


class ApplicantRenamed(Body):
    case_no: Ref
    applicant_key: Text200
    id_type: IdType
    id_number: Ref
    old_name: Name
    new_name: Name
    kind: NameChangeKind
    reason: Text200


class CaseReceived(Body):
    case_no: Ref
    day_seq: Annotated[int, Field(ge=1)]
    on: Day
    backfilled: bool
    item: ItemRef
    applicant: Applicant
    agent: Agent | None
    channel: CaseChannel
    materials: list[MaterialLine]


class CaseMaterialsUpdated(Body):
    case_no: Ref
    on: Day
    materials: list[MaterialLine]


class CaseNoticeIssued(Body):
    case_no: Ref
    notice_no: Ref
    doc_seq: Annotated[int, Field(ge=1)]
    ordinal: Annotated[int, Field(ge=1)]
    on: Day
    return_by: Day
    items: Annotated[list[NoticeItem], Field(min_length=1)]
    override_by: Username | None
    override_reason: Text200 | None
    late: bool


class CaseAccepted(Body):
    case_no: Ref
    doc_no: Ref
    doc_seq: Annotated[int, Field(ge=1)]
    on: Day
    clock_start: Day
    deemed_accepted_on: Day | None
    materials: list[MaterialLine]


class CaseDeemedAccepted(Body):
    case_no: Ref
    on: Day
    deemed_accepted_on: Day
    clock_start: Day
    notice_due: Day
    trigger: Text40


class CaseRejected(Body):
    case_no: Ref
    doc_no: Ref
    doc_seq: Annotated[int, Field(ge=1)]
    on: Day
    reason: Text500
    where_to_go: Opt500


class CaseForwarded(Body):
    case_no: Ref
    on: Day
    department: Text60
    note: Opt4000  # cases.forward folds it but sets no limit


class CasePaused(Body):
    case_no: Ref
    on: Day
    ordinal: Annotated[int, Field(ge=1)]
    kind: PauseKind
    reason: Text500


class CaseResumed(Body):
    case_no: Ref
    on: Day
    ordinal: Annotated[int, Field(ge=0)]  # 0: no pause was open


class CaseCompleted(Body):
    case_no: Ref
    on: Day
    result: CaseResult
    delivery: Delivery
    certificate_name: Opt60
    certificate_no: Opt60
    note: Opt500


class CaseReasoned(Body):
    case_no: Ref
    on: Day
    reason: Text500


class CaseNoteAdded(Body):
    case_no: Ref
    text: Text500


class CentreProfileSet(Body):
    centre_code: Ref
    name: Text60
    address: Text60
    opening_hours: Text60
    supervision_phone: Phone
    population: Annotated[int, Field(ge=0, le=10_000_000)]
    hall_area_dm2: Annotated[int, Field(ge=0)]
    ethnic_area: bool
    own: bool


class TrainingRecorded(Body):
    training_no: Ref
    username: Username
    kind: TrainingKind
    title: Text100
    on: Day
    hours: Annotated[int, Field(ge=0, le=1000)]
    passed: bool
    note: Opt200


class EquipmentRegistered(Body):
    asset_no: Ref
    kind: EquipmentKind
    name: Text60
    window_no: WindowNo | None
    serial: Opt60
    note: Opt200
    on: Day


class EquipmentStatusChanged(Body):
    asset_no: Ref
    status: EquipmentStatus
    note: Opt200


class InspectionPlanned(Body):
    kind: InspectionKind
    due_on: Day


class InspectionRecorded(Body):
    inspection_no: Ref
    kind: InspectionKind
    on: Day
    result: InspectionResult
    findings: Opt500
    next_due: Day


class WindowDefined(Body):
    window_no: WindowNo
    name: Text30
    scope: Opt200


class WindowAssigned(Body):
    window_no: WindowNo
    primary: Username
    backup: Username
    on: Day


class WindowSignedIn(Body):
    window_no: WindowNo


class WindowSignedOut(Body):
    window_no: WindowNo
    username: Username


class StaffcardSet(Body):
    username: Username
    unit: Text60
    post: Text30
    phone: Phone
    party_member: bool
    photo: str | None  # base64 of the photo file
    photo_type: Text20 | None


class AwayPostedV1(Body):
    note_no: Ref
    username: Username
    window_no: WindowNo | None
    reason: AwayReason
    place: Text60
    until: At
    phone: Phone
    cover: Opt64  # "" when nobody covers
    note: Opt200
    handover: list[Ref]


class AwayPosted(AwayPostedV1):
    """v2 (schema version 4): also the cases the clerk was covering for colleagues."""

    passed_on: list[Ref]


class AwayReturned(Body):
    note_no: Ref
    username: Username


class ConsultationLogged(Body):
    consult_no: Ref
    on: Day
    window_no: WindowNo | None
    channel: ConsultChannel
    citizen_name: OptName
    citizen_phone: Phone
    item_code: Ref | None
    item_name: Opt200
    topic: Opt100
    question: Text500
    answer: Text1000
    ours: bool
    referral: Referral | None


class RatingGiven(Body):
    rating_no: Ref
    contact_kind: ContactKind
    contact_ref: Ref
    level: Annotated[int, Field(ge=1, le=5)]
    channel: RatingChannel
    comment: Opt500
    on: Day
    staff: Username
    window_no: WindowNo | None
    followup: Followup | None


class RatingFollowupStep(Body):
    rating_no: Ref
    step: FollowupStep
    note: Text500
    satisfied: bool | None
    on: Day


class RatingAppealed(Body):
    rating_no: Ref
    kind: AppealKind
    reason: Text500


class RatingAppealDecided(Body):
    rating_no: Ref
    upheld: bool
    note: Text500
    on: Day


class ComplaintRegistered(Body):
    complaint_no: Ref
    on: Day
    channel: ComplaintChannel
    content: Text1000
    complainant_name: OptName
    complainant_phone: Phone
    about_staff: Username | None
    about_window: WindowNo | None
    due_on: Day
    due_provisional: bool


class ComplaintHandled(Body):
    complaint_no: Ref
    handling: Text1000
    result: Text500
    on: Day


class ComplaintCalledBack(Body):
    complaint_no: Ref
    note: Text500
    satisfied: bool
    on: Day


class SpecialRecorded(Body):
    service_no: Ref
    kind: ServiceKind
    on: Day
    time: Annotated[str, StringConstraints(pattern=r"^([0-9]{2}:[0-9]{2})?$")]
    item_code: Ref | None
    item_name: Opt200
    citizen_name: OptName
    citizen_phone: Phone
    group: ServiceGroup
    agent: Opt30
    address: Opt120
    after_hours: bool
    holiday: bool
    note: Opt200
    status: ServiceStatus
    outcome: Opt500
    case_no: Ref | None


class SpecialUpdated(Body):
    service_no: Ref
    status: ServiceStatus
    outcome: Opt500
    case_no: Ref | None


class InboxRead(Body):
    seqs: Annotated[list[Seq], Field(min_length=1)]


# -- the table: kind -> versions, and the upcasters between them ------------------------------

SCHEMAS: dict[str, tuple[type[Body], ...]] = {
    "applicant.renamed": (ApplicantRenamed,),
    "away.posted": (AwayPostedV1, AwayPosted),
    "away.returned": (AwayReturned,),
    "calendar.year_loaded": (CalendarYearLoaded,),
    "case.accepted": (CaseAccepted,),
    "case.completed": (CaseCompleted,),
    "case.deemed_accepted": (CaseDeemedAccepted,),
    "case.forwarded": (CaseForwarded,),
    "case.lapsed": (CaseReasoned,),
    "case.materials_updated": (CaseMaterialsUpdated,),
    "case.note_added": (CaseNoteAdded,),
    "case.notice_issued": (CaseNoticeIssued,),
    "case.paused": (CasePaused,),
    "case.received": (CaseReceived,),
    "case.rejected": (CaseRejected,),
    "case.resumed": (CaseResumed,),
    "case.withdrawn": (CaseReasoned,),
    "catalogue.item_published": (CatalogueItemPublished,),
    "catalogue.item_withdrawn": (CatalogueItemWithdrawn,),
    "centre.profile_set": (CentreProfileSet,),
    "complaint.called_back": (ComplaintCalledBack,),
    "complaint.handled": (ComplaintHandled,),
    "complaint.registered": (ComplaintRegistered,),
    "consultation.logged": (ConsultationLogged,),
    "equipment.registered": (EquipmentRegistered,),
    "equipment.status_changed": (EquipmentStatusChanged,),
    "inbox.read": (InboxRead,),
    "inspection.planned": (InspectionPlanned,),
    "inspection.recorded": (InspectionRecorded,),
    "ledger.backed_up": (LedgerBackedUp,),
    "ledger.created": (LedgerCreated,),
    "ledger.key_rotated": (LedgerKeyRotated,),
    "ledger.restored": (LedgerRestored,),
    "rating.appeal_decided": (RatingAppealDecided,),
    "rating.appealed": (RatingAppealed,),
    "rating.followup_step": (RatingFollowupStep,),
    "rating.given": (RatingGiven,),
    "settings.changed": (SettingsChanged,),
    "special.recorded": (SpecialRecorded,),
    "special.updated": (SpecialUpdated,),
    "staff.account_added": (StaffAccountAdded,),
    "staff.account_deactivated": (StaffUsername,),
    "staff.passphrase_changed": (StaffPassphraseChanged,),
    "staff.role_changed": (StaffRoleChanged,),
    "staffcard.set": (StaffcardSet,),
    "training.recorded": (TrainingRecorded,),
    "window.assigned": (WindowAssigned,),
    "window.defined": (WindowDefined,),
    "window.signed_in": (WindowSignedIn,),
    "window.signed_out": (WindowSignedOut,),
}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

# (kind, version) -> the function turning a valid body of that version into one of the next.
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    # Bodies before schema version 4 did not list the cases passed on to the cover.
    ("away.posted", 1): lambda body: {**body, "passed_on": []},
}


def latest_version(kind: str) -> int:
    return len(_versions(kind))


def _versions(kind: str) -> tuple[type[Body], ...]:
    versions = SCHEMAS.get(kind)
    if versions is None:
        raise InvalidEvent(f"事件类型 {kind} 未知 / unknown event kind {kind!r}", "kind")
    return versions


def _refusal(kind: str, error: ValidationError) -> InvalidEvent:
    first = error.errors()[0]
    path = "body" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]
    )
    zh = {"missing": "缺少", "extra_forbidden": "不允许出现"}.get(first["type"], "不符合格式")
    return InvalidEvent(
        f"事件 {kind} 的字段 {path} {zh} / event {kind} field {path}: {first['msg']}", path
    )


def check(kind: str, body: Mapping[str, Any]) -> None:
    """Refuse (`InvalidEvent`, naming the field) a body that is not of the kind's newest
    version, or a kind that has no schema. Called by the ledger before anything is written."""
    model = _versions(kind)[-1]
    try:
        model.model_validate(body)
    except ValidationError as error:
        raise _refusal(kind, error) from None


def read(kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A stored body as the newest version: validated under the version it was written in,
    upcast step by step, validated again. Complete: every field of the newest version."""
    versions = _versions(kind)
    for index in range(len(versions) - 1, -1, -1):
        try:
            parsed = versions[index].model_validate(body)
        except ValidationError as error:
            if index == 0:
                raise _refusal(kind, error) from None
            continue
        if index == len(versions) - 1:
            return parsed.model_dump()
        upgraded = parsed.model_dump()
        for version in range(index + 1, len(versions)):
            upgraded = UPCASTERS[(kind, version)](upgraded)
        try:
            return versions[-1].model_validate(upgraded).model_dump()
        except ValidationError as error:  # an upcaster that does not reach the next version
            raise _refusal(kind, error) from None
    raise AssertionError("unreachable")  # pragma: no cover - every kind has a version


# -- JSON Schema export ---------------------------------------------------------------------


def json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema document per kind and version, by file name (`case.accepted.v1.json`)."""
    documents: dict[str, dict[str, Any]] = {}
    for kind in sorted(SCHEMAS):
        for number, model in enumerate(SCHEMAS[kind], start=1):
            schema = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
            schema.update(model.model_json_schema())
            schema["$id"] = f"clerkdesk:event-body:{kind}:v{number}"
            schema["title"] = f"{kind} v{number}"
            documents[f"{kind}.v{number}.json"] = schema
    return documents


def schema_text(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export(folder: Path) -> list[Path]:
    """Write every schema into `folder` (created if missing); the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = folder / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m app.event_schemas DIR
    import sys

    export(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/event-schemas"))

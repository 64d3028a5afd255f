"""Registering, editing and finding learners."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from nwrc_desktop.certificates.layout import NameTooLong
from nwrc_desktop.certificates.render import learner_name_layout
from nwrc_desktop.domain.names import name_key, search_key
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor, audit, queue_change
from nwrc_desktop.store.models import Learner, Site, new_id, utc_now
from nwrc_desktop.store.permissions import Permission, require

log = logging.getLogger(__name__)

LEARNER_FIELDS = (
    "external_id", "first_name", "middle_name", "last_name", "preferred_name", "date_of_birth", "email", "phone",
)


@dataclass(frozen=True)
class LearnerSummary:
    """A learner as the GUI and the CLI show it; plain data, no database session attached."""

    id: str
    learner_number: str
    external_id: str | None
    first_name: str
    middle_name: str
    last_name: str
    preferred_name: str | None
    date_of_birth: dt.date
    email: str | None
    phone: str | None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)

    @property
    def certificate_name(self) -> str:
        """The name as it should appear on a certificate: the preferred name if given, else the full name."""
        return self.preferred_name or self.full_name

    @classmethod
    def of(cls, learner: Learner) -> LearnerSummary:
        return cls(learner.id, learner.learner_number, learner.external_id, learner.first_name,
                   learner.middle_name, learner.last_name, learner.preferred_name, learner.date_of_birth,
                   learner.email, learner.phone)


class LearnerError(ValueError):
    """A learner cannot be saved as given; the message names the field and the fix."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PossibleDuplicate(LearnerError):
    """Learners with the same name (ignoring case and accents) and date of birth already exist."""

    def __init__(self, existing: list[LearnerSummary]) -> None:
        numbers = ", ".join(f"{item.learner_number} {item.full_name}" for item in existing)
        super().__init__(
            f"A learner with the same name and date of birth is already registered ({numbers}). "
            "Open that learner instead, or confirm that this is a different person."
        )
        self.existing = existing


# Names up to this length always fit the certificate (the widest letters fit up to about 120 characters),
# so only longer ones are measured.
ALWAYS_FITS_LENGTH = 60


def certificate_name_problem(learner_input) -> LearnerError | None:
    """Return the error for a name too long to print on a certificate, or None when it fits."""
    name = learner_input.certificate_name
    if len(name) <= ALWAYS_FITS_LENGTH:
        return None
    try:
        learner_name_layout(name)
    except NameTooLong:
        field = "preferred_name" if learner_input.preferred_name else "last_name"
        return LearnerError(
            f"certificate name: '{name[:40]}...' ({len(name)} characters) does not fit on a certificate even on "
            "three lines; give a shorter certificate name", field=field)
    return None


def duplicate_key(first_name: str, last_name: str) -> str:
    """Return the folded first and last name used to spot a learner registered twice."""
    return name_key(first_name, last_name)


def build_search_text(values: dict) -> str:
    """Return the folded text search-as-you-type matches: names, numbers and the date of birth in two forms."""
    born: dt.date = values["date_of_birth"]
    parts = [
        values.get("first_name") or "", values.get("middle_name") or "", values.get("last_name") or "",
        values.get("preferred_name") or "", values.get("learner_number") or "", values.get("external_id") or "",
        born.isoformat(), f"{born.month}/{born.day}/{born.year}", born.strftime("%m/%d/%Y"),
    ]
    return search_key(" ".join(parts))


def learner_payload(learner: Learner) -> dict:
    return {
        "learner_id": learner.id,
        "learner_number": learner.learner_number,
        **{name: getattr(learner, name) for name in LEARNER_FIELDS},
    }


def find_possible_duplicates(session: Session, first_name: str, last_name: str, born: dt.date,
                             exclude_id: str | None = None) -> list[Learner]:
    key = duplicate_key(first_name, last_name)
    candidates = session.scalars(select(Learner).where(Learner.date_of_birth == born))
    return [
        learner for learner in candidates
        if learner.id != exclude_id and duplicate_key(learner.first_name, learner.last_name) == key
    ]


def _reserve_learner_numbers(session: Session, count: int) -> list[str]:
    """Return `count` new learner numbers (site code and serial) and advance the site's counter."""
    site = session.scalar(select(Site))
    if site is None:
        raise LearnerError("No site is set up yet; run 'nwrc-desktop site init' first.")
    first = site.next_learner_serial
    site.next_learner_serial = first + count
    return [f"{site.code}-{serial:06d}" for serial in range(first, first + count)]


def add_learners(session: Session, actor: Actor, values_list: list[dict]) -> list[Learner]:
    """Insert learners and queue each, inside the caller's transaction; checks and audit are the caller's job.

    Ids are made here rather than at flush, so the rows go to the database in one batch at commit.
    """
    numbers = _reserve_learner_numbers(session, len(values_list))
    learners = []
    for values, number in zip(values_list, numbers, strict=True):
        learner = Learner(
            id=new_id(),
            learner_number=number,
            first_name=values.get("first_name") or "",
            middle_name=values.get("middle_name") or "",
            last_name=values["last_name"],
            preferred_name=values.get("preferred_name") or None,
            date_of_birth=values["date_of_birth"],
            external_id=values.get("external_id") or None,
            email=values.get("email") or None,
            phone=values.get("phone") or None,
            created_by=actor.username,
        )
        learner.name_key = duplicate_key(learner.first_name, learner.last_name)
        learner.search_text = build_search_text({**values, "learner_number": number})
        session.add(learner)
        queue_change(session, actor, "learner.registered", learner.id, learner_payload(learner))
        learners.append(learner)
    return learners


def add_learner(session: Session, actor: Actor, values: dict) -> Learner:
    """Insert one learner with its outbox and audit rows, inside the caller's transaction."""
    learner = add_learners(session, actor, [values])[0]
    session.flush()
    audit(session, actor, "learner.register", "learner", learner.id, {"learner_number": learner.learner_number})
    return learner


def _check_external_id(session: Session, external_id: str | None, exclude_id: str | None = None) -> None:
    if not external_id:
        return
    other = session.scalar(select(Learner).where(Learner.external_id == external_id))
    if other is not None and other.id != exclude_id:
        raise LearnerError(
            f"external id: {external_id} is already used by learner {other.learner_number} "
            f"({LearnerSummary.of(other).full_name}); check the id",
            field="external_id",
        )


def register_learner(db: Database, actor: Actor, learner_input, *, allow_duplicate: bool = False) -> LearnerSummary:
    """Register one learner from validated input (a domain LearnerInput).

    Raises PossibleDuplicate unless `allow_duplicate`, when someone with the same folded name and date
    of birth exists; the caller shows the existing learners and lets the user decide.
    """
    require(actor, Permission.WRITE_LEARNERS)
    problem = certificate_name_problem(learner_input)
    if problem is not None:
        raise problem
    values = asdict(learner_input)
    with db.session() as session:
        _check_external_id(session, values.get("external_id"))
        duplicates = find_possible_duplicates(session, values.get("first_name") or "", values["last_name"],
                                              values["date_of_birth"])
        if duplicates and not allow_duplicate:
            raise PossibleDuplicate([LearnerSummary.of(item) for item in duplicates])
        learner = add_learner(session, actor, values)
        return LearnerSummary.of(learner)


def update_learner(db: Database, actor: Actor, learner_id: str, learner_input) -> LearnerSummary:
    """Replace a learner's details; the audit row keeps the previous values."""
    require(actor, Permission.WRITE_LEARNERS)
    problem = certificate_name_problem(learner_input)
    if problem is not None:
        raise problem
    values = asdict(learner_input)
    with db.session() as session:
        learner = session.get(Learner, learner_id)
        if learner is None:
            raise LearnerError(f"No learner with id {learner_id}.")
        _check_external_id(session, values.get("external_id"), exclude_id=learner.id)
        previous = {name: getattr(learner, name) for name in LEARNER_FIELDS}
        changed = {name: values.get(name) or None for name in LEARNER_FIELDS
                   if (values.get(name) or None) != (previous[name] or None)}
        if not changed:
            return LearnerSummary.of(learner)
        for name, value in changed.items():
            # The name columns hold "" rather than NULL for a missing part.
            if value is None and name in ("first_name", "middle_name"):
                value = ""
            setattr(learner, name, value)
        learner.name_key = duplicate_key(learner.first_name, learner.last_name)
        learner.search_text = build_search_text({**values, "learner_number": learner.learner_number})
        learner.updated_at = utc_now()
        session.flush()
        queue_change(session, actor, "learner.updated", learner.id, learner_payload(learner))
        audit(session, actor, "learner.update", "learner", learner.id,
              {"previous": {name: previous[name] for name in changed}, "new": changed})
        return LearnerSummary.of(learner)


def get_learner(db: Database, learner_id: str) -> LearnerSummary:
    with db.session() as session:
        learner = session.get(Learner, learner_id)
        if learner is None:
            raise LearnerError(f"No learner with id {learner_id}.")
        return LearnerSummary.of(learner)


def find_learner_by_reference(session: Session, reference: str) -> Learner | None:
    """Return the learner whose learner number or external id is `reference`."""
    reference = reference.strip()
    return session.scalar(
        select(Learner).where(or_(Learner.learner_number == reference, Learner.external_id == reference))
    )


def find_learners(db: Database, query: str, *, limit: int = 200) -> list[LearnerSummary]:
    """Return learners matching every word of `query` in name, learner number, external id or date of birth.

    Matching ignores case and accents. Results are ordered by last and first name.
    """
    words = search_key(query).split()
    with db.session() as session:
        statement = select(Learner)
        if words:
            statement = statement.where(and_(*(Learner.search_text.contains(word, autoescape=True) for word in words)))
        statement = statement.order_by(Learner.last_name, Learner.first_name, Learner.learner_number).limit(limit)
        return [LearnerSummary.of(learner) for learner in session.scalars(statement)]

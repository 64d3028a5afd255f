"""Logging to a rotating file in the data folder, with secrets and personal data masked.

Every line that reaches the file passes :func:`redact`, which masks what can be recognised by its
shape: registered secrets, private keys, bearer tokens, password and token fields, URL query strings,
email addresses, phone numbers and dates more than ten years old (dates of birth, not test dates).
Names cannot be recognised by shape, so code must not log them: log learner numbers and ids instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import re
from pathlib import Path

LOG_FILE_NAME = "nwrc-desktop.log"
MAX_LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Overrides the level passed to configure_logging, e.g. NWRC_LOG_LEVEL=DEBUG while diagnosing a site.
LOG_LEVEL_VARIABLE = "NWRC_LOG_LEVEL"

# Libraries whose INFO and DEBUG records must not reach the file, so they stay at WARNING whatever the level.
# SQLAlchemy's engine logs every SQL statement with its parameters (names, dates of birth) at INFO and
# result rows at DEBUG. httpx and httpcore log request URLs and headers. fontTools logs every glyph it
# subsets, and keyring logs its backend probing.
QUIET_LOGGERS = ("sqlalchemy", "httpx", "httpcore", "fontTools", "PIL", "keyring", "asyncio")

# A date at least this many years before today is treated as a date of birth and masked.
DATE_OF_BIRTH_MIN_AGE_YEARS = 10
# Registered secrets shorter than this are not masked, because masking them would mangle ordinary words.
MIN_SECRET_LENGTH = 8

_secrets: set[str] = set()

_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL)
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_SECRET_FIELD = re.compile(
    r"""(?P<key>["']?\b[\w-]*(?:password|passwd|secret|token|signing[_-]?key|private[_-]?key|api[_-]?key|"""
    r"""authorization|enrol(?:l)?ment[_-]?code)\b["']?\s*[:=]\s*)(?P<value>"[^"]*"|'[^']*'|[^\s,;}&]+)""",
    re.IGNORECASE,
)
_URL_QUERY = re.compile(r"(\bhttps?://[^\s?#'\"]+)\?[^\s'\"]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w-])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])")
_DATE_YMD = re.compile(r"(?<![\d.-])(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\d])")
_DATE_MDY = re.compile(r"(?<![\d/.])(?P<first>\d{1,2})[/.](?P<second>\d{1,2})[/.](?P<year>(?:19|20)\d{2})(?!\d)")


def register_secret(value: str | bytes) -> None:
    """Mask `value` in every later log line; bytes are registered in their base64 and hex forms too."""
    import base64

    forms: list[str] = []
    if isinstance(value, bytes):
        forms += [base64.b64encode(value).decode("ascii"), value.hex()]
        try:
            forms.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    else:
        forms.append(value)
    _secrets.update(form for form in forms if len(form) >= MIN_SECRET_LENGTH)


def _mask_old_date(match: re.Match[str], cutoff_year: int) -> str:
    return "[date]" if int(match.group("year")) <= cutoff_year else match.group(0)


def redact(text: str, *, today: dt.date | None = None) -> str:
    """Return `text` with secrets and recognisable personal data replaced by bracketed placeholders."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "[secret]")
    text = _PRIVATE_KEY.sub("[private key]", text)
    text = _BEARER.sub(lambda match: f"{match.group(1)} [secret]", text)
    text = _SECRET_FIELD.sub(lambda match: f"{match.group('key')}[secret]", text)
    text = _URL_QUERY.sub(lambda match: f"{match.group(1)}?[query]", text)
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    cutoff_year = (today or dt.date.today()).year - DATE_OF_BIRTH_MIN_AGE_YEARS
    text = _DATE_YMD.sub(lambda match: _mask_old_date(match, cutoff_year), text)
    text = _DATE_MDY.sub(lambda match: _mask_old_date(match, cutoff_year), text)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter that passes the message, the traceback and the stack through :func:`redact`.

    The time stamp and logger name are left alone, so the line's own date is never masked.
    """

    def format(self, record: logging.LogRecord) -> str:
        masked = logging.makeLogRecord(record.__dict__)
        masked.msg = redact(record.getMessage())
        masked.args = None
        if record.exc_info:
            masked.exc_text = redact(self.formatException(record.exc_info))
            masked.exc_info = None
        elif record.exc_text:
            masked.exc_text = redact(record.exc_text)
        if record.stack_info:
            masked.stack_info = redact(record.stack_info)
        return super().format(masked)


def _level_from_environment(default: int) -> int:
    name = os.environ.get(LOG_LEVEL_VARIABLE, "").strip().upper()
    if not name:
        return default
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else default


def configure_logging(data_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send log records to `data_dir`/nwrc-desktop.log, rotated at 1 MB with five old files kept.

    `level` applies to the program's own loggers, unless $NWRC_LOG_LEVEL names another level.
    Other libraries log at INFO and above, and those in QUIET_LOGGERS only at WARNING and above.
    Calling it again replaces the file handler, for example after the data folder changed.
    """
    # NOTE: two processes on one data folder (a GUI and a scheduled sync that then finds the folder
    # locked) share this file, and rotation by one of them can fail on Windows while the other has it open.
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOG_FILE_NAME
    level = _level_from_environment(level)

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "nwrc_file", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.nwrc_file = True  # type: ignore[attr-defined]
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    root.addHandler(handler)

    root.setLevel(max(level, logging.INFO))
    for name in ("nwrc_desktop", "nwrc_registry"):
        logging.getLogger(name).setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return path

"""Logging to a rotating file in the data folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_NAME = "nwrc-desktop.log"
MAX_LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


def configure_logging(data_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send log records to `data_dir`/nwrc-desktop.log, rotated at 1 MB with five old files kept."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "nwrc_file", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.nwrc_file = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO; a URL can carry a certificate's signed payload.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return path

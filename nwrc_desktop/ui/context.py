"""What every page needs: the open store, who is signed in, the background runner and the log's folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor
from nwrc_desktop.store.permissions import Permission, can
from nwrc_desktop.ui.workers import Runner


@dataclass
class AppContext:
    db: Database
    runner: Runner
    log_dir: Path
    actor: Actor | None = None

    def can(self, permission: Permission) -> bool:
        return self.actor is not None and can(self.actor, permission)

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise RuntimeError("no account is signed in")
        return self.actor

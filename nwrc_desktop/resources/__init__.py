"""Files the program ships: fonts with their licences, the O*NET extract, icons.

Every module finds them through :func:`resource_path`, which works from a checkout, an installed wheel
and a PyInstaller bundle alike, because the folder travels inside the package.
"""

from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Return the path of a shipped resource file or folder."""
    return _ROOT.joinpath(*parts)


def migrations_path() -> Path:
    """Return the folder of the desktop store's Alembic migrations."""
    return _ROOT.parent / "migrations"


# Files `check` requires; a missing one means a broken installation.
REQUIRED_RESOURCES = (
    "fonts/DejaVuSerif.ttf",
    "fonts/DejaVuSerif-Bold.ttf",
    "fonts/DejaVuSans.ttf",
    "fonts/DejaVuSans-Bold.ttf",
    "fonts/LICENSE-DejaVu.txt",
    "onet/Job Zones.txt",
    "onet/Occupation Data.txt",
    "onet/Job Zone Reference.txt",
    "onet/CREDIT.txt",
)


def missing_resources() -> list[str]:
    """Return the required resource files that are not present."""
    return [name for name in REQUIRED_RESOURCES if not resource_path(name).is_file()]

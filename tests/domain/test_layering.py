"""The domain package stays pure Python: no Qt and no database code."""

import subprocess
import sys

DOMAIN_MODULES = ("names", "dates", "tabular", "learners", "roster", "scorefile")


def test_domain_imports_no_qt_or_sql():
    imports = "; ".join(f"import nwrc_desktop.domain.{name}" for name in DOMAIN_MODULES)
    check = (
        f"{imports}; import sys; "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy'))))"
    )
    output = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == ""

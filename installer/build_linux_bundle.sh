#!/usr/bin/env bash
# Build the Linux one-folder bundle with PyInstaller and add the desktop entry and icon to it.
#
# Usage: installer/build_linux_bundle.sh [DIST_DIR]
#   DIST_DIR   where the bundle folder nwrc-desktop/ is written (default: dist/ in the checkout)
# Environment:
#   PYTHON             the interpreter whose environment has the project and PyInstaller installed
#                      (default: .venv/bin/python in the checkout; install with: pip install -e '.[build]')
#   NWRC_BUILD_WORK    PyInstaller's work folder (default: build/pyinstaller in the checkout)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
dist="${1:-$repo/dist}"
work="${NWRC_BUILD_WORK:-$repo/build/pyinstaller}"

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
    echo "error: PyInstaller is not installed for $python; run: $python -m pip install -e '${repo}[build]'" >&2
    exit 1
fi

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$work" "$repo/installer/nwrc-desktop.spec"

bundle="$dist/nwrc-desktop"
install -m 0644 "$repo/installer/nwrc-desktop.desktop" "$bundle/nwrc-desktop.desktop"
install -m 0644 "$repo/installer/nwrc-desktop.png" "$bundle/nwrc-desktop.png"
install -m 0644 "$repo/nwrc_desktop/resources/icons/nwrc-desktop.svg" "$bundle/nwrc-desktop.svg"
install -m 0755 "$repo/installer/install_linux_desktop_entry.sh" "$bundle/install-desktop-entry.sh"

echo "built $bundle ($(du -sh "$bundle" | cut -f1))"

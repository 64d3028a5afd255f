#!/usr/bin/env bash
# Add NWRC Desktop to the desktop's application menu for the current user (or all users with --system).
#
# Run it from the unpacked bundle folder, e.g. /opt/nwrc-desktop/install-desktop-entry.sh. It writes the
# desktop entry with the absolute path of this folder's nwrc-desktop-gui, and installs the icon.
set -euo pipefail

bundle="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ "${1:-}" == "--system" ]]; then
    applications=/usr/share/applications
    icons=/usr/share/icons/hicolor
else
    applications="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
    icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor"
fi

if [[ ! -x "$bundle/nwrc-desktop-gui" ]]; then
    echo "error: $bundle/nwrc-desktop-gui is missing; run this script from the unpacked bundle folder" >&2
    exit 1
fi

mkdir -p "$applications" "$icons/256x256/apps" "$icons/scalable/apps"
sed -e "s|^Exec=.*|Exec=\"$bundle/nwrc-desktop-gui\"|" -e "s|^TryExec=.*|TryExec=$bundle/nwrc-desktop-gui|" \
    "$bundle/nwrc-desktop.desktop" > "$applications/nwrc-desktop.desktop"
install -m 0644 "$bundle/nwrc-desktop.png" "$icons/256x256/apps/nwrc-desktop.png"
install -m 0644 "$bundle/nwrc-desktop.svg" "$icons/scalable/apps/nwrc-desktop.svg"
if command -v update-desktop-database >/dev/null; then
    update-desktop-database "$applications" || true
fi
echo "installed $applications/nwrc-desktop.desktop"

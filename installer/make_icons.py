"""Render the program's icon, nwrc_desktop/resources/icons/nwrc-desktop.svg, to the installers' PNG and ICO files.

The PNG is for the Linux desktop entry and the ICO for the Windows programs and installer.
Run it with the project's virtual environment after changing the SVG:
    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py
The outputs are committed, so a bundle build needs neither Qt's SVG module nor Pillow at build time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE.parent / "nwrc_desktop" / "resources" / "icons" / "nwrc-desktop.svg"
PNG = HERE / "nwrc-desktop.png"
ICO = HERE / "nwrc-desktop.ico"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def render_png(size: int, target: Path) -> None:
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    if not image.save(str(target)):
        raise SystemExit(f"writing {target} failed")


def main() -> int:
    application = QGuiApplication(sys.argv[:1])  # QPainter on a QImage needs a GUI application
    render_png(256, PNG)
    Image.open(PNG).save(ICO, sizes=ICO_SIZES)
    del application
    print(f"wrote {PNG} and {ICO}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

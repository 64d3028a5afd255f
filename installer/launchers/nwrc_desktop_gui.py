"""Entry script of the bundle's windowed program: the GUI, without a console window on Windows."""

import sys

from nwrc_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())

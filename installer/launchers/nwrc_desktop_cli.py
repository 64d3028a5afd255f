"""Entry script of the bundle's console program: the `nwrc-desktop` command."""

import sys

from nwrc_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""NWRC Desktop: the testing site's program for National Work Readiness Credentials."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nwrc-desktop")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"

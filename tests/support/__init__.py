"""Test support code shared by several test folders (``from support.cdp import Chromium``)."""

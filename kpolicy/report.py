"""Backwards-compatible names for ``kpolicy.report`` (the code is in :mod:`kpolicy.reporting`).

``from kpolicy.report import run_batch, load_batch, ...`` keeps working. To replace a
function in tests, patch it where it is used (for example
``kpolicy.reporting.batch.execute_run``), not here.
"""

from kpolicy.reporting import *  # noqa: F403 - the names in kpolicy.reporting.__all__
from kpolicy.reporting.batch import KERNEL, MANIFEST, clean_reports  # noqa: F401
from kpolicy.reporting.page import TEMPLATE  # noqa: F401

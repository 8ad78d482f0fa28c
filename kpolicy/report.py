"""Backwards-compatible names for ``kpolicy.report`` (the code is in :mod:`kpolicy.reporting`).

``from kpolicy.report import run_batch, load_batch, ...`` keeps working. To replace a
function in tests, patch it where it is used (for example
``kpolicy.reporting.batch.execute_run``), not here.
"""

from kpolicy.reporting.batch import (  # noqa: F401
    KERNEL,
    MANIFEST,
    BatchLock,
    RunResult,
    clean_reports,
    execute_run,
    read_figures,
    run_batch,
    write_table,
    write_tables,
)
from kpolicy.reporting.batchfile import (  # noqa: F401
    Run,
    check_parameter,
    load_batch,
    notebook_parameters,
)
from kpolicy.reporting.page import TEMPLATE, export_html, render_index  # noqa: F401

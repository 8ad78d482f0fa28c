"""``kpolicy report``: a folder of offline HTML reports built by running the notebooks.

One job per module, so each is found in one place:

- :mod:`kpolicy.reporting.batchfile` - the batch file (``params/batch.yaml``): runs,
  their notebooks and parameters, checked before anything runs.
- :mod:`kpolicy.reporting.batch` - the runner: papermill runs in parallel, the folder
  lock, the run manifest, the corpus tables.
- :mod:`kpolicy.reporting.page` - the page templates: each run's offline HTML
  (nbconvert template in ``kpolicy/templates/``) and ``index.html``.
- :mod:`kpolicy.reporting.render` - the interactive layer: the one local copy of the
  Vega bundle, the page script, the evidence JSON and the per-document pages.

Chart builders and the notebook renderer are in :mod:`kpolicy.charts`.
"""

from kpolicy.reporting.batch import (
    BatchLock,
    RunResult,
    execute_run,
    read_figures,
    run_batch,
    write_table,
    write_tables,
)
from kpolicy.reporting.batchfile import (
    Run,
    check_parameter,
    load_batch,
    notebook_parameters,
)
from kpolicy.reporting.page import export_html, render_index

__all__ = [
    "BatchLock", "Run", "RunResult", "check_parameter", "execute_run", "export_html", "load_batch",
    "notebook_parameters", "read_figures", "render_index", "run_batch", "write_table", "write_tables",
]

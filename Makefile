# kpolicy: two commands do everything on a fresh clone with Python 3.11 and make.
#   make report   set up .venv, then build the batch of reports on seeds/ into reports/
#   make test     set up .venv, then run every test (unit, data, notebooks via nbval)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kpolicy-installed
JOBS   ?= 2

.PHONY: install report test browser fonts lab bench eval lock clean help
help:
	@echo "make report | make test | make lab | make bench | make eval | make lock | make clean"

# The venv is rebuilt only when the pins change. Everything is installed inside .venv:
# no --user installs, no kernelspec registration (ipykernel's built-in python3 kernel
# resolves to .venv/bin/python by itself).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "kpolicy: installing pinned dependencies into $(VENV) ..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

report: install fonts
	$(BIN)/kpolicy report --jobs $(JOBS)

test: install browser fonts
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

# Headless Chromium for the report-safety test (tests/notebooks/test_report_safety.py).
# Installed from Debian's packages when we are root on a Debian-like system; elsewhere
# the browser test is skipped with a message (the static HTML checks still run).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "kpolicy: installing chromium for the report-safety test ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "kpolicy: could not install chromium; the browser test will be skipped"; \
	  else echo "kpolicy: chromium not found; the browser test will be skipped"; fi; }

# A Korean (CJK) font: Hangul in chart PNG/SVG (kpolicy.charts.register_fonts hands it to
# vl-convert; the report pages name NanumGothic first) and the Korean-PDF reader test.
# Debian's fonts-nanum when we are root on a Debian-like system; elsewhere charts show
# Hangul as boxes and the Korean font tests are skipped with a message.
fonts:
	@test -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "kpolicy: installing fonts-nanum (Hangul in charts, Korean PDF test) ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null) \
	      || echo "kpolicy: could not install fonts-nanum; Hangul in charts will show as boxes"; \
	  else echo "kpolicy: fonts-nanum not found; Hangul in charts will show as boxes, the Korean font tests are skipped"; fi; }

# JupyterLab on notebooks/ with interactive charts: KPOLICY_CHARTS=interactive makes the
# notebooks' first cell enable Altair's JupyterChart widget in its offline mode
# (kpolicy.interactive; papermill and nbval runs stay static). Nothing is fetched: no
# news feed, no update check. --allow-root only when run as root (containers).
# LAB_DIR and LAB_ARGS are for tests and for other folders/ports, e.g.
#   make lab LAB_ARGS="--no-browser --port 8899"
LAB_DIR  ?= notebooks
LAB_ARGS ?=
LAB_ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)
lab: install
	KPOLICY_CHARTS=interactive $(BIN)/jupyter lab $(LAB_ROOT_FLAG) \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	  $(LAB_ARGS) $(LAB_DIR)

STORIES_SIZES ?= 10000,100000
bench: install
	$(BIN)/kpolicy bench $(BENCH_ARGS)   # e.g. make bench BENCH_ARGS=--quick
	$(BIN)/kpolicy bench --stories $(STORIES_SIZES)   # near-duplicates and stories; e.g. STORIES_SIZES=10000,100000,1000000
	$(BIN)/kpolicy bench --goals   # loader, facts amounts end to end, full pipeline: this code against the previous release

# Score the money extractor on the real-text development set (labels in devset/labels,
# texts saved by hand into the git-ignored devset/texts; see devset/README.md).
eval: install
	$(BIN)/kpolicy eval

# Re-resolve the lock file from pyproject.toml (run after changing a pin).
lock:
	rm -rf /tmp/kpolicy-lock-venv && $(PYTHON) -m venv /tmp/kpolicy-lock-venv
	/tmp/kpolicy-lock-venv/bin/pip install --quiet -e ".[test,bench,dask]" setuptools
	/tmp/kpolicy-lock-venv/bin/pip freeze --all --exclude-editable | grep -vE "^(pip|kpolicy)[ =]" > requirements.lock

clean:
	rm -rf $(VENV) reports .pytest_cache

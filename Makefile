# clinical-pipelines: one entry point for setup, the demo run, tests and benchmarks.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup system-deps lakefs deid-tagger demo test up down status bench bench-deid bench-deid-tagger bench-risk bench-audit bench-ingest lock clean

$(BIN)/clinical-pipelines: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

# PostgreSQL binaries for the audit-log tests (Debian package; skipped when already there).
system-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing PostgreSQL server binaries (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# Build lakeFS from its Go module once per machine (cached under ~/.cache/clinical-pipelines).
lakefs: $(BIN)/clinical-pipelines
	$(BIN)/python -c "from clinical_pipelines.services import ensure_lakefs_binary as b; print(b())"

# The text de-identification engine's token tagger: trained once per machine from the PhysioNet corpus copy
# (no model is shipped: its weights hold the corpus's words). Cached under ~/.cache/clinical-pipelines.
deid-tagger: $(BIN)/clinical-pipelines
	$(BIN)/clinical-pipelines deid-train-tagger

setup: $(BIN)/clinical-pipelines system-deps lakefs deid-tagger

demo: setup
	$(BIN)/clinical-pipelines demo

test: setup
	$(BIN)/pytest

up: setup
	$(BIN)/clinical-pipelines services up
down:
	$(BIN)/clinical-pipelines services down
status:
	$(BIN)/clinical-pipelines services status

bench: bench-deid bench-risk bench-audit bench-ingest
bench-deid: setup
	$(BIN)/python tools/bench/deid_text.py $(ARGS)
# the token tagger alone, cross-validated over patient folds of the PhysioNet tuning half (its threshold's figures)
bench-deid-tagger: setup
	$(BIN)/python tools/bench/deid_tagger_cv.py $(ARGS)
bench-risk: setup
	$(BIN)/python tools/bench/deid_risk.py
bench-audit: setup
	$(BIN)/python tools/bench/audit.py
# 1,000,000-row extract: contract checks + structured de-id + k-anonymity, streamed vs whole-frame (ARGS: --format parquet ...)
bench-ingest: setup
	$(BIN)/python tools/bench/ingest_scale.py $(ARGS)

# Regenerate the full lock (every transitive pin) after changing pyproject.toml.
lock:
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache

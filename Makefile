# FrontendX developer commands. `make demo` and `make check` are the README's first two.
.PHONY: setup demo check test test-slow bench bench-dashboard frontend selftest clean

DB ?= runs/demo.db

setup:
	./scripts/setup

# The whole built-in suite explored by the built-in agents that need no model endpoint (the
# oracle/null calibration pair and the crawler); `run` ends with the leaderboard, printed once
# (`frontendx report --db runs/demo.db` prints it again and writes report.json and .csv).
# About 15-20 minutes on 2 cores; a second `make demo` reuses every stored result.
demo: setup
	mkdir -p runs
	.venv/bin/frontendx run --agents oracle,null,crawler --tasks explore --db $(DB)

check: setup
	./scripts/check

test: setup
	.venv/bin/python -m pytest -q

# The long end-to-end runs the default test run leaves out (shop calibration).
test-slow: setup
	.venv/bin/python -m pytest -q -m slow

selftest: setup
	.venv/bin/frontendx self-test

bench: setup
	.venv/bin/python benchmarks/replay_overhead.py
	.venv/bin/python benchmarks/gateway_latency.py
	.venv/bin/python benchmarks/ray_overhead.py

# 100,000 synthetic episodes: several minutes to generate and to build the views once.
bench-dashboard: setup
	.venv/bin/python benchmarks/dashboard_latency.py

# Rebuild the apps' frontend bundles (needs Node 20 + npm; the built bundles are committed).
# `make frontend APPS=admin` rebuilds one app; the default is every app with a frontend/.
frontend: setup
	.venv/bin/python scripts/build_frontend.py $(APPS)

clean:
	rm -rf runs .pytest_cache .mypy_cache .ruff_cache

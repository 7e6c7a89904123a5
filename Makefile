# AgentOS: `make test` installs what the tests need and runs every suite; `make run` serves on 127.0.0.1:8000.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
TOOLCHAIN := $(shell sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
LEAF_CRATES := agentos-kernel agentos-blueprint
FORBIDDEN_IN_LEAVES := axum reqwest pyo3 napi hyper tokio-tungstenite

.PHONY: help toolchain lint check-deps test test-rust test-browser install-browser fuzz-build run bench

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

toolchain: ## Make sure the pinned Rust toolchain is available (links the installed stable when it is that version).
	@if ! rustup toolchain list | grep -q "^$(TOOLCHAIN)"; then \
		sysroot=$$(rustc +stable --print sysroot); \
		if [[ "$$(rustc +stable --version)" == "rustc $(TOOLCHAIN) "* ]]; then rustup toolchain link $(TOOLCHAIN) "$$sysroot"; \
		else echo "rust $(TOOLCHAIN) is required (rust-toolchain.toml); install it with: rustup toolchain install $(TOOLCHAIN)"; exit 1; fi; \
	fi

lint: toolchain ## cargo fmt --check and clippy with warnings denied.
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --all-targets --all-features -- -D warnings

check-deps: toolchain ## The kernel and blueprint crates never depend on server, HTTP or binding crates.
	@for crate in $(LEAF_CRATES); do for dep in $(FORBIDDEN_IN_LEAVES); do \
		if cargo tree -q -p $$crate -e normal -i $$dep 2>/dev/null | grep -q .; then \
			echo "dependency direction broken: $$crate depends on $$dep"; cargo tree -p $$crate -e normal -i $$dep; exit 1; \
		fi; done; done; echo "dependency direction ok"

test-rust: toolchain ## Every Rust test: unit, integration, property and doc tests, every cargo feature on (the kernel's `http`).
	cargo test --workspace --all-features

install-browser: ## Install Debian's chromium and the browser tests' npm packages (idempotent).
	./scripts/install-browser.sh

test-browser: toolchain install-browser ## The web desktop in headless chromium against the real server.
	cargo build -p agentos-server
	cd agentos-server/web-tests && npm test

fuzz-build: toolchain ## Build the cargo-fuzz targets (run them with `cargo +nightly fuzz run` in their crate).
	cargo build --manifest-path agentos-blueprint/fuzz/Cargo.toml

test: lint check-deps test-rust fuzz-build test-browser ## Lint, check dependency direction, then run every test suite.

run: toolchain ## Build and run the server on 127.0.0.1:8000.
	cargo run --release -p agentos-server

bench: toolchain ## Run every criterion benchmark.
	cargo bench --workspace

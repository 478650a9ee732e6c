# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12 machine as root:
# they install what is missing (scripts/install-deps.sh), configure, build, then run.
BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_CONFIG ?= configs/quickstart.json
DEMO_OUT ?= out/quickstart-report.json

.PHONY: all deps configure build demo test clean format bench

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p $(dir $(DEMO_OUT))
	$(BUILD)/iosim run $(DEMO_CONFIG) --out $(DEMO_OUT)
	@/usr/bin/python3 tests/cli/contract.py $(DEMO_OUT)
	@echo "demo report: $(DEMO_OUT)"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) out

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# Benchmarks (bench/, issue 7): regenerates bench/RESULTS.md. BENCH_FULL=1: full sizes (10^7
# requests, 1,000-seed sweeps); BENCH_SMOKE=1: smallest sizes once each (what ctest's bench.smoke runs).
bench: build
	/usr/bin/python3 bench/run_bench.py --iosim $(BUILD)/iosim --floor $(BUILD)/iosim_floor --out bench/RESULTS.md

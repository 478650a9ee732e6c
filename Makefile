# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12 machine as root:
# they install what is missing (scripts/install-deps.sh), configure, build, then run.
BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_CONFIG ?= configs/quickstart.json
DEMO_OUT ?= out/quickstart-report.json
DEMO_PLOT ?= out/quickstart-shares.png
DEMO_LATENCY ?= out/quickstart-latency.png
ANALYSIS = /usr/bin/python3 analysis/iosim_analysis.py
# Sanitizer + fuzz tree (clang, ASan+UBSan, libFuzzer; docs/testing.md).
SAN_BUILD ?= build-san
FUZZ_SECONDS ?= 600

.PHONY: all deps configure build demo readme-plots test check-long san-build fuzz bench clean format

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
	@$(ANALYSIS) plot shares $(DEMO_OUT) --out $(DEMO_PLOT)
	@$(ANALYSIS) plot cdf $(DEMO_OUT) --out $(DEMO_LATENCY)
	@echo "demo report: $(DEMO_OUT)"
	@echo "demo plots: $(DEMO_PLOT) (share of disk time per task), $(DEMO_LATENCY) (latency CDF)"

# The images README.md shows, regenerated from the demo report.
readme-plots: demo
	@mkdir -p docs/images
	@cp $(DEMO_PLOT) docs/images/quickstart-shares.png
	@cp $(DEMO_LATENCY) docs/images/quickstart-latency.png
	@echo "updated docs/images/quickstart-shares.png and docs/images/quickstart-latency.png"

san-build: deps
	@CXX=clang++ cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
	  -DIOSIM_SANITIZE=ON -DIOSIM_FUZZ=ON >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS)

# Every tier CI runs: the plain tree's tests, then the sanitizer tree's (unit, kernel, hostile
# inputs, short scenarios) and 30 s of each fuzz target.
test: build san-build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(SAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Longer fuzzing (FUZZ_SECONDS per target, default 600); the corpus grows in out/fuzz-corpus/.
fuzz: san-build
	@mkdir -p out/fuzz-corpus out/fuzz-artifacts
	@for t in $$(ls $(SAN_BUILD)/*_fuzz | xargs -n1 basename | sed 's/_fuzz$$//'); do \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  FUZZ_CORPUS_DIR=out/fuzz-corpus FUZZ_ARTIFACTS=out/fuzz-artifacts/ \
	    scripts/fuzz.sh $(SAN_BUILD)/$${t}_fuzz $$t $(FUZZ_SECONDS) > out/fuzz-$$t.log 2>&1; rc=$$?; \
	  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' out/fuzz-$$t.log; \
	  [ $$rc -eq 0 ] || { tail -20 out/fuzz-$$t.log; echo "fuzz: $$t found a crash (out/fuzz-$$t.log)"; exit 1; }; \
	done

# Full-length fidelity runs (docs/fidelity.md): the fairness scenarios at 20 s and 40 race seeds.
check-long: build
	IOSIM=$(abspath $(BUILD))/iosim IOSIM_LONG=1 /usr/bin/python3 -m unittest discover -s tests/cli -p "test_fairness.py" -v

clean:
	rm -rf $(BUILD) $(SAN_BUILD) out

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# Benchmarks (bench/, issue 7): regenerates bench/RESULTS.md. BENCH_FULL=1: full sizes (10^7
# requests, 1,000-seed sweeps); BENCH_SMOKE=1: smallest sizes once each (what ctest's bench.smoke runs).
bench: build
	/usr/bin/python3 bench/run_bench.py --iosim $(BUILD)/iosim --floor $(BUILD)/iosim_floor --out bench/RESULTS.md

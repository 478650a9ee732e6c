# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12 machine as root:
# they install what is missing (scripts/install-deps.sh), configure, build, then run.
BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_CONFIG ?= configs/quickstart.json
DEMO_OUT ?= out/quickstart-report.json
DEMO_PLOT ?= out/quickstart-shares.png
DEMO_LATENCY ?= out/quickstart-latency.png
ANALYSIS = /usr/bin/python3 analysis/iosim_analysis.py

.PHONY: all deps configure build demo readme-plots test clean format

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

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) out

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

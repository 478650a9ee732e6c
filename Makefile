# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12 machine as root:
# they install what is missing (scripts/install-deps.sh), configure, build, then run.
BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_CONFIG ?= configs/quickstart.json
DEMO_OUT ?= out/quickstart-report.json

.PHONY: all deps configure build demo test check-long clean format

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

# Full-length fidelity runs (docs/fidelity.md): the fairness scenarios at 20 s and 40 race seeds.
check-long: build
	IOSIM=$(abspath $(BUILD))/iosim IOSIM_LONG=1 /usr/bin/python3 -m unittest discover -s tests/cli -p "test_fairness.py" -v

clean:
	rm -rf $(BUILD) out

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# SPDX-License-Identifier: GPL-2.0-or-later
# Stable entry points: make, make check, make demo, make bench, make install.
# Run as root on a fresh Debian 12 / Ubuntu, they install the missing packages first.

BUILD ?= build
MESON_OPTS ?=
SAN_BUILD ?= build-asan

.PHONY: all deps check check-asan demo bench install clean format format-check

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

deps:
	@bash tools/deps.sh

check: all
	@bash tools/run-tests.sh $(BUILD)

check-asan: deps
	@test -f $(SAN_BUILD)/build.ninja || meson setup $(SAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)
	ninja -C $(SAN_BUILD)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		bash tools/run-tests.sh $(SAN_BUILD)

demo: all
	$(BUILD)/mptcpctl lab demo

bench: all
	@bash bench/run.sh $(BUILD)

install: all
	meson install -C $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(SAN_BUILD)

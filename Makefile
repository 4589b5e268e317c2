# faultsim — build, run, test, bench.
#
# `make run` and `make test` are the two commands a new user types: both first
# install whatever Debian packages are missing (`make deps`), then build.
# Every library comes through pkg-config. SAN=1 builds with AddressSanitizer
# and UndefinedBehaviorSanitizer into build/san/.

PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
SAN        ?= 0

DEB_PACKAGES = gcc libc6-dev make pkg-config libglib2.0-dev libjson-glib-dev \
               liblua5.4-dev libcunit1-dev gnuplot-nox jq parallel libraft-dev
# raft: libraft 0.15.0, the Raft library models/libraft/ runs unmodified.
PKGS         = glib-2.0 json-glib-1.0 lua5.4 raft

ifeq ($(SAN),1)
  B        = build/san
  OPTFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
else
  B        = build
  OPTFLAGS = -O2 -g
endif

STDFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -Wall -Wextra -Werror -ffp-contract=off \
           -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
           -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
           -DFAULTSIM_VERSION='"$(VERSION)"'
VERSION  = 0.1.0

# Library flags are looked up only when something is compiled, so `make deps`
# can run before the libraries exist.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm
CU_CFLAGS  = $(shell $(PKG_CONFIG) --cflags cunit)
CU_LIBS    = $(shell $(PKG_CONFIG) --libs cunit)

ALL_CFLAGS = $(STDFLAGS) $(OPTFLAGS) $(CFLAGS) -I. -MMD -MP

LIB_SRC   = $(filter-out sim/cli/main.c,$(wildcard sim/*/*.c models/*.c models/*/*.c))
LIB_OBJ   = $(LIB_SRC:%.c=$(B)/obj/%.o)
TEST_SRC  = $(wildcard tests/*.c)
TEST_OBJ  = $(TEST_SRC:%.c=$(B)/obj/%.o)
BENCH_SRC = $(wildcard bench/*.c)
FUZZ_SRC  = $(wildcard tests/fuzz/*.c)

.PHONY: all binaries deps run test check test-unit test-scenarios test-shell test-fuzz bench soak \
        install clean san-test plot curve

all: deps
	@$(MAKE) --no-print-directory binaries

binaries: $(B)/faultsim $(B)/faultsim-tests $(B)/faultsim-bench $(B)/faultsim-fuzz

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing (log: build/deps.log)"; \
	    mkdir -p build; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; } \
	      > build/deps.log 2>&1 || { tail -n 30 build/deps.log; echo "deps: apt-get failed; see build/deps.log"; exit 1; }; \
	  else \
	    echo "deps: missing packages; run:"; \
	    echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(CU_CFLAGS) -c $< -o $@

$(B)/libfaultsim.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/faultsim: $(B)/obj/sim/cli/main.o $(B)/libfaultsim.a
	$(CC) $(OPTFLAGS) -o $@ $^ $(PKG_LIBS)

# Every `void suite_NAME(void)` in tests/*.c is registered by the generated
# list, so adding a suite means adding a file, nothing else.
$(B)/gen/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	@grep -ho '^void suite_[a-z0-9_]*(void)' $(TEST_SRC) | sort -u | \
	  sed -e 's/^void \(suite_[a-z0-9_]*\)(void)/SUITE(\1)/' > $@.tmp && mv $@.tmp $@

$(B)/obj/tests/main.o: $(B)/gen/suites.h
$(B)/obj/tests/%.o: ALL_CFLAGS += -I$(B)/gen

$(B)/faultsim-tests: $(TEST_OBJ) $(B)/libfaultsim.a
	$(CC) $(OPTFLAGS) -o $@ $^ $(PKG_LIBS) $(CU_LIBS)

$(B)/faultsim-bench: $(BENCH_SRC:%.c=$(B)/obj/%.o) $(B)/libfaultsim.a
	$(CC) $(OPTFLAGS) -o $@ $^ $(PKG_LIBS)

# The history readers' mutation fuzzer (tests/fuzz/): a short run is part of
# `make test`, a long one of `make soak` (tests/soak/fuzz_history.sh).
$(B)/faultsim-fuzz: $(FUZZ_SRC:%.c=$(B)/obj/%.o) $(B)/libfaultsim.a
	$(CC) $(OPTFLAGS) -o $@ $^ $(PKG_LIBS)

# The default tour: a lease lock breaks under a GC pause, then the same
# pause with fencing tokens does no harm. `make run SCENARIO=file.lua` runs
# another scenario instead.
SCENARIO ?=
run: all
ifeq ($(SCENARIO),)
	@printf '\n== 1. A lease lock and a GC pause (lock.lease, no fencing) ==\n\n'
	@$(B)/faultsim run scenarios/lock_gc_pause.lua
	@printf '\n== 2. The same pause with fencing tokens (lock.fenced) ==\n\n'
	@$(B)/faultsim run scenarios/lock_gc_pause_fenced.lua
	@printf '\nSame seed, same run: add --seed N, --json or --trace FILE; see README.md.\n'
else
	$(B)/faultsim run $(SCENARIO)
endif

test: all
	@$(MAKE) --no-print-directory test-scenarios test-shell test-fuzz test-unit

check: test

# Regression scenarios first, so the run ends with CUnit's summary.
test-scenarios: $(B)/faultsim
	$(B)/faultsim check --jobs $$(nproc 2>/dev/null || echo 2) scenarios

# Shell tests (tests/sh/t_*.sh): the program as a user runs it.
test-shell: $(B)/faultsim
	SAN=$(SAN) FAULTSIM=$(B)/faultsim tests/sh/run.sh

# A few seconds of fuzzing the history readers from tests/data/lincheck.
FUZZ_ITERATIONS ?= 5000
test-fuzz: $(B)/faultsim-fuzz
	$(B)/faultsim-fuzz --iterations $(FUZZ_ITERATIONS) tests/data/lincheck tests/data/lincheck/fuzz tests/data/lincheck/shapes

test-unit: $(B)/faultsim-tests $(B)/faultsim
	FAULTSIM=$(B)/faultsim $(B)/faultsim-tests

san-test:
	@$(MAKE) --no-print-directory SAN=1 test

bench: all
	$(B)/faultsim-bench

# Every scenario over 1000 seeds instead of its own few (finds the seed
# where an expectation stops holding), then the long checks in tests/soak/
# (fuzz runs). Not part of `make test`.
SOAK_SEEDS ?= 1-1000
soak: all
	SOAK_SEEDS=$(SOAK_SEEDS) FAULTSIM=$(B)/faultsim tools/soak.sh

# A scenario's timeline (operations per window over the faults) and
# latency, drawn by `faultsim plot` (default: the nemesis tour) in
# build/plots/.
plot: all
	FAULTSIM=$(B)/faultsim tools/plot-timeline.sh $(or $(SCENARIO),scenarios/nemesis.lua)

# 2PC against a quorum: availability against MTTF beside the formulas
# (scenarios/availability_mttf.lua, `faultsim plot curve`).
curve: all
	FAULTSIM=$(B)/faultsim tools/availability-curve.sh

install: all
	install -D -m 0755 build/faultsim $(DESTDIR)$(PREFIX)/bin/faultsim
	install -d $(DESTDIR)$(PREFIX)/share/faultsim/plots
	install -m 0644 plots/*.gp $(DESTDIR)$(PREFIX)/share/faultsim/plots/

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)

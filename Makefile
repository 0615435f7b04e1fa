# podoom - one non-recursive GNU Makefile.
#
#   make run      bootstrap (apt-get as root), build, run the main job (the built-in simulation)
#   make test     bootstrap, build with ASan+UBSan, run unit + golden + fuzz replay
#   make          release build of build/release/podoom
#   make fuzz     libFuzzer targets (clang); make fuzz-run FUZZ_SECONDS=600
#   make install  PREFIX=/usr/local DESTDIR=
#   make lint     clang-tidy and cppcheck;  make check-purity  nm allow-list on core
.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CLANG ?= clang
FUZZ_SECONDS ?= 60

PKGS := yaml-0.1 jansson libmicrohttpd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd is dlopen()ed by src/http/metrics.c when a server starts: its
# headers at build time, its library only for `podoom watch --listen`
PKG_LIBS = $(shell pkg-config --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null)

WARN := -Wall -Wextra -Wconversion -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wundef -Wno-sign-conversion
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude $(WARN) -g

ifeq ($(SAN),1)
  B := build/asan
  OPT := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
else
  B := build/release
  OPT := -O2
  LDSAN :=
endif
ALL_CFLAGS = $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS) $(CFLAGS)

CORE_SRC := $(sort $(wildcard src/core/*.c))
SIM_SRC  := $(sort $(wildcard src/sim/*.c))
HOST_SRC := $(sort $(wildcard src/host/*.c))
HTTP_SRC := $(sort $(wildcard src/http/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
LIB_SRC  := $(CORE_SRC) $(SIM_SRC) $(HOST_SRC) $(HTTP_SRC)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(FUZZ_SRC))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
LIB := $(B)/libpodoom.a
BIN := $(B)/podoom
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
REPLAY_BINS := $(patsubst %,$(B)/fuzz/replay_%,$(FUZZ_NAMES))

.PHONY: all deps build run test test-build install uninstall fuzz fuzz-run lint check-purity \
	golden-update clean bench
all: build
build: $(BIN)

deps:
	@scripts/bootstrap.sh

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(LIB_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(call obj,$(CLI_SRC)) $(LIB)
	$(CC) $(LDSAN) -o $@ $(call obj,$(CLI_SRC)) $(LIB) $(PKG_LIBS) -lm

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDSAN) -o $@ $< $(LIB) $(PKG_LIBS) -lcmocka -lm

# the standalone replay driver: every fuzz target, built with $(CC), fed its corpus
$(B)/fuzz/replay_%: $(B)/obj/fuzz/fuzz_%.o $(B)/obj/fuzz/replay.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDSAN) -o $@ $^ $(PKG_LIBS) -lm

test-build: $(BIN) $(UNIT_BINS) $(REPLAY_BINS)

run: deps
	@$(MAKE) --no-print-directory build
	$(BIN) simulate

test: deps
	@scripts/test-tools.sh
	@$(MAKE) --no-print-directory SAN=1 test-build
	@tests/run.sh build/asan

golden-update: deps
	@$(MAKE) --no-print-directory SAN=1 test-build
	@GOLDEN_UPDATE=1 tests/golden/run.sh build/asan/podoom

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/podoom
	install -m 0644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/podoom $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(wildcard docs/man/*.1)))

# libFuzzer builds: clang, separate tree
FB := build/fuzz
fuzz: deps
	@mkdir -p $(FB)
	@for n in $(FUZZ_NAMES); do \
	  echo "  FUZZ $$n"; \
	  $(CLANG) $(BASE_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
	    fuzz/fuzz_$$n.c $(LIB_SRC) -o $(FB)/fuzz_$$n $(PKG_LIBS) -lm || exit 1; \
	done

fuzz-run: fuzz
	@for n in $(FUZZ_NAMES); do \
	  mkdir -p $(FB)/corpus-$$n; \
	  $(FB)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -artifact_prefix=fuzz/corpus/$$n/crash- $(FB)/corpus-$$n fuzz/corpus/$$n || exit 1; \
	done

lint:
	clang-tidy --quiet $(LIB_SRC) $(CLI_SRC) -- $(BASE_CFLAGS) $(PKG_CFLAGS)
	cppcheck --quiet --enable=warning,portability --error-exitcode=1 --std=c11 -Iinclude \
	  --suppress=missingIncludeSystem $(LIB_SRC) $(CLI_SRC)

# The core is pure: its objects may call only what scripts/core-allowed-symbols lists.
check-purity: $(call obj,$(CORE_SRC))
	@scripts/check-purity.sh $(call obj,$(CORE_SRC))

bench: build
	@bench/run.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

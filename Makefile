# Makefile: builds the noun library, the runtime, the tests and the
# benchmarks, one build directory per configuration so that objects from
# different compilers or sanitizer settings never mix:
#
#   make                  build everything with gcc into build/gcc
#   make test             build, then run every tests/*_tests.c program
#   make CC=clang test    the same with clang, in build/clang
#   make asan-test        AddressSanitizer + UBSan build and tests, build/asan
#   make fuzz             libFuzzer target for cue (clang), build/fuzz
#   make fuzz-run         run it for FUZZ_TIME seconds on build/fuzz/corpus
#   make bench            build and run every bench/*.c program
#   make clean            remove build/ and Bazel's output symlinks
#
# New sources are found by wildcard: a new pkg/noun/*.c joins libnoun.a, a
# new tests/foo_tests.c becomes a test program, a new bench/foo.c a bench.

MAKEFLAGS += --no-print-directory

ifeq ($(origin CC),default)
  CC := gcc
endif

CONFIG ?= $(notdir $(firstword $(CC)))
B      := build/$(CONFIG)

WARN   := -Wall -Wextra -Werror
BASE   := -std=gnu11 -D_GNU_SOURCE -Ipkg -pthread -MMD -MP

ifneq ($(filter asan%,$(CONFIG)),)
  SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer \
          -fno-sanitize-recover=all
  OPT  := -O1 -g $(SAN)
  LSAN := $(SAN)
else ifeq ($(CONFIG),fuzz)
  #  library objects get fuzzer coverage instrumentation but not its main()
  SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer \
          -fno-sanitize-recover=all
  OPT  := -O1 -g -fsanitize=fuzzer-no-link $(SAN)
  LSAN := -fsanitize=fuzzer $(SAN)
else
  OPT  := -O2 -g
  LSAN :=
endif

ALL_CFLAGS  := $(BASE) $(WARN) $(OPT) $(CFLAGS)
ALL_LDFLAGS := -pthread $(LSAN) $(LDFLAGS)
LDLIBS      ?= -lm

# Sources.
NOUN_SRC  := $(wildcard pkg/c3/*.c pkg/noun/*.c)
MAIN_SRC  := $(wildcard pkg/vere/main.c)
VERE_SRC  := $(filter-out pkg/vere/main.c,$(wildcard pkg/vere/*.c))
TEST_SRC  := $(filter-out tests/fuzz_%.c,$(wildcard tests/*_tests.c))
BENCH_SRC := $(wildcard bench/*.c)
FUZZ_SRC  := $(wildcard tests/fuzz_cue.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

NOUN_OBJ := $(call obj,$(NOUN_SRC))
VERE_OBJ := $(call obj,$(VERE_SRC))
LIBNOUN  := $(B)/libnoun.a
LIBVERE  := $(B)/libvere.a
LIBS     := $(LIBVERE) $(LIBNOUN)

URBIT    := $(if $(MAIN_SRC),$(B)/urbit)
TESTS    := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))
BENCHES  := $(patsubst bench/%.c,$(B)/bench/%,$(BENCH_SRC))

.PHONY: all test asan asan-test fuzz fuzz-run bench clean
.SECONDARY:
.DELETE_ON_ERROR:

# the sanitizer configuration's directory: build/asan for gcc, else
# build/asan-clang and so on
ASAN_CONFIG := $(if $(filter gcc,$(CONFIG)),asan,asan-$(CONFIG))

all: $(LIBNOUN) $(LIBVERE) $(URBIT) $(TESTS) $(BENCHES)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBNOUN): $(NOUN_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(LIBVERE): $(VERE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(B)/urbit: $(call obj,$(MAIN_SRC)) $(LIBS)
	$(CC) $(ALL_LDFLAGS) $< $(LIBS) $(LDLIBS) -o $@

$(B)/tests/%: $(B)/obj/tests/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $< $(LIBS) $(LDLIBS) -o $@

$(B)/bench/%: $(B)/obj/bench/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $< $(LIBS) $(LDLIBS) -o $@

# Tests run one at a time (some take a lot of memory); see tests/run.sh.
test: all
	@sh tests/run.sh $(abspath $(B)) $(TESTS)

# Sanitizer runs: the runtime keeps its own SIGSEGV handler (dirty-page
# tracking), and loom memory is mmap'd, so leak detection is off.
asan:
	$(MAKE) CONFIG=$(ASAN_CONFIG) all

asan-test:
	ASAN_OPTIONS=handle_segv=0:allow_user_segv_handler=1:detect_leaks=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) CONFIG=$(ASAN_CONFIG) test

# libFuzzer: tests/fuzz_cue.c against instrumented library objects.
ifeq ($(CONFIG),fuzz)
$(B)/fuzz_cue: $(call obj,$(FUZZ_SRC)) $(NOUN_OBJ) $(VERE_OBJ)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@

fuzz: $(if $(FUZZ_SRC),$(B)/fuzz_cue)
	@$(if $(FUZZ_SRC),,echo "fuzz: tests/fuzz_cue.c does not exist")

FUZZ_TIME ?= 60
fuzz-run: fuzz
	@mkdir -p $(B)/corpus $(B)/artifacts
	ASAN_OPTIONS=handle_segv=0:allow_user_segv_handler=1:detect_leaks=0 \
	  $(B)/fuzz_cue -max_total_time=$(FUZZ_TIME) \
	    -artifact_prefix=$(B)/artifacts/ $(B)/corpus
else
fuzz fuzz-run:
	$(MAKE) CONFIG=fuzz CC=clang $@
endif

# Benchmarks: never part of pass/fail; each writes under BENCH_DIR.
bench: all
	@mkdir -p $(B)/bench/out; bad=; \
	for b in $(BENCHES); do \
	  echo "== $$b"; \
	  URBIT=$(abspath $(B))/urbit BENCH_DIR=$(abspath $(B))/bench/out \
	    $$b || { echo "bench: $$b exited $$?"; bad=1; }; \
	done; test -z "$$bad"

clean:
	rm -rf build
	find . -maxdepth 1 -type l -name 'bazel-*' -exec rm -f {} +

-include $(shell find $(B) -name '*.d' 2>/dev/null)

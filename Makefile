# codex in C. `./build.sh` prepares a fresh machine and runs `make`; after that `make`
# alone rebuilds incrementally. Targets:
#   all (default)  ./codex: static musl binary, -Os, stripped
#   test           everything built, then every test suite; ends with "N passed, N failed"
#   check          unit + integration tests built with ASan+UBSan (glibc gcc); leaks fail
#   fuzz           fuzz targets (clang, libFuzzer); FUZZ_SECONDS per target
#   bench          benchmarks in tests/bench/ (never pass/fail)
#   windows        codex.exe: the same sources cross-built with mingw-w64 (static; only
#                  system DLLs), see the Windows build section below
#   release        dist/codex-x86_64-unknown-linux-musl.tar.gz + dist/SHA256SUMS
#                  (and dist/codex-x86_64-pc-windows-gnu.zip when codex.exe is built)
#   clean          removes build/ (vendor/cache/ with the fetched sources is kept)

VERSION := 0.1.0

MUSL_TARGET := x86_64-linux-musl
HOST_TARGET := x86_64-linux-gnu
B := build/$(MUSL_TARGET)
A := build/asan
DEPS := $(B)/deps
ADEPS := build/$(HOST_TARGET)/deps

CC := musl-gcc
HOSTCC := gcc

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
BASEFLAGS := -std=c11 -D_GNU_SOURCE -DCODEX_VERSION='"$(VERSION)"' -Isrc -I. $(WARN)
CFLAGS := $(BASEFLAGS) -Os -g -ffunction-sections -fdata-sections -I$(DEPS)/include
LDFLAGS := -static -Wl,--gc-sections
LIBS := -L$(DEPS)/lib -lcurl -lbearssl -lcjson -lpthread

ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ACFLAGS := $(BASEFLAGS) -O1 -g $(ASAN) -I$(ADEPS)/include
ALIBS := -L$(ADEPS)/lib -lcurl -lbearssl -lcjson -lpthread -lm

# Every .c under src/ and sandbox/ is part of the binary, except other platforms' code.
# sandbox/windows/ is there too: its plan is pure C, printed and tested on Linux as well.
SRCS := $(shell find src sandbox -name '*.c' -not -path 'src/*/windows/*' -not -path '*/macos/*' -not -name '*_win.c' | sort)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o) $(B)/obj/ca_embedded.o
AOBJS := $(LIB_SRCS:%.c=$(A)/obj/%.o) $(A)/obj/ca_embedded.o

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOLS := $(TOOL_SRCS:tests/tools/%.c=build/tests/%)

# Debian's bundle, embedded as the last-resort CA roots (see src/base/ca.c).
CA_BUNDLE := /etc/ssl/certs/ca-certificates.crt

.PHONY: all test check fuzz fuzz-build bench release clean deps tools windows windows-deps
.DELETE_ON_ERROR:

all: codex

deps: $(DEPS)/.built

DEPS_INPUTS := vendor/deps.lock vendor/fetch.sh vendor/build-deps.sh $(wildcard vendor/patches/*.patch)

$(DEPS)/.built: $(DEPS_INPUTS)
	vendor/build-deps.sh $(MUSL_TARGET)

$(ADEPS)/.built: $(DEPS_INPUTS)
	vendor/build-deps.sh $(HOST_TARGET)

$(B)/obj/%.o: %.c $(DEPS)/.built
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(A)/obj/%.o: %.c $(ADEPS)/.built
	@mkdir -p $(@D)
	$(HOSTCC) $(ACFLAGS) -MMD -MP -c $< -o $@

build/gen/ca-bundle.pem: $(CA_BUNDLE)
	@mkdir -p $(@D)
	cp $< $@

$(B)/obj/ca_embedded.o: src/base/ca_embedded.S build/gen/ca-bundle.pem
	@mkdir -p $(@D)
	$(CC) -c -DCA_BUNDLE_FILE='"build/gen/ca-bundle.pem"' $< -o $@

$(A)/obj/ca_embedded.o: src/base/ca_embedded.S build/gen/ca-bundle.pem
	@mkdir -p $(@D)
	$(HOSTCC) -c -DCA_BUNDLE_FILE='"build/gen/ca-bundle.pem"' $< -o $@

$(B)/libcodex.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $^

$(A)/libcodex.a: $(AOBJS)
	@rm -f $@
	ar rcs $@ $^

codex: $(B)/obj/src/main.o $(B)/libcodex.a
	$(CC) $(LDFLAGS) -s -o $@ $< $(B)/libcodex.a $(LIBS)

# The unit-test runner: every tests/unit/*.c linked against the library. The failing
# allocator (tests/unit/failalloc.c) takes over malloc and friends through --wrap.
WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
build/tests/unit: $(UNIT_SRCS) tests/unit/test.h $(B)/libcodex.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) $(WRAP) -o $@ $(UNIT_SRCS) $(B)/libcodex.a $(LIBS)

$(A)/unit: $(UNIT_SRCS) tests/unit/test.h $(A)/libcodex.a
	$(HOSTCC) $(ACFLAGS) -Itests/unit $(WRAP) -o $@ $(UNIT_SRCS) $(A)/libcodex.a $(ALIBS)

$(A)/codex: $(A)/obj/src/main.o $(A)/libcodex.a
	$(HOSTCC) $(ACFLAGS) -o $@ $< $(A)/libcodex.a $(ALIBS)

# Test tools (tests/tools/*.c): small static programs the suites drive, e.g.
# build/tests/toml-decode. Each may use the library.
build/tests/%: tests/tools/%.c $(B)/libcodex.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcodex.a $(LIBS)

tools: $(TOOLS)

ATOOLS := $(TOOL_SRCS:tests/tools/%.c=$(A)/tests/%)
$(A)/tests/%: tests/tools/%.c $(A)/libcodex.a
	@mkdir -p $(@D)
	$(HOSTCC) $(ACFLAGS) -o $@ $< $(A)/libcodex.a $(ALIBS)

# codex.exe too where Wine and mingw-w64 are installed (tests/integration/windows.sh).
WINE_TEST_EXE := $(if $(shell command -v wine >/dev/null 2>&1 && command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 && echo y),codex.exe)
test: codex build/tests/unit $(TOOLS) $(WINE_TEST_EXE)
	@tests/install-deps.sh
	@tests/run.sh

check: $(A)/codex $(A)/unit $(ATOOLS) codex
	@tests/install-deps.sh
	@CODEX_CHECK=1 CODEX_BIN=$(CURDIR)/$(A)/codex UNIT_BIN=$(CURDIR)/$(A)/unit \
		TOOLS_DIR=$(CURDIR)/$(A)/tests tests/run.sh

# Fuzz targets: tests/fuzz/fuzz_<name>.c, each defining LLVMFuzzerTestOneInput, linked
# against the library built with clang's libFuzzer + ASan + UBSan (glibc).
F := build/fuzz
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS := $(FUZZ_SRCS:tests/fuzz/%.c=$(F)/%)
FSAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FCFLAGS := $(BASEFLAGS) -O1 -g $(FSAN) -I$(ADEPS)/include -Wno-unused-command-line-argument
FOBJS := $(LIB_SRCS:%.c=$(F)/obj/%.o) $(F)/obj/ca_embedded.o

$(F)/obj/%.o: %.c $(ADEPS)/.built
	@mkdir -p $(@D)
	clang $(FCFLAGS) -MMD -MP -c $< -o $@

$(F)/obj/ca_embedded.o: src/base/ca_embedded.S build/gen/ca-bundle.pem
	@mkdir -p $(@D)
	clang -c -DCA_BUNDLE_FILE='"build/gen/ca-bundle.pem"' $< -o $@

$(F)/libcodex.a: $(FOBJS)
	@rm -f $@
	ar rcs $@ $^

$(F)/fuzz_%: tests/fuzz/fuzz_%.c $(F)/libcodex.a
	clang $(FCFLAGS) -fsanitize=fuzzer -o $@ $< $(F)/libcodex.a $(ALIBS)

FUZZ_SECONDS ?= 60
fuzz-build: $(FUZZERS)

# make fuzz [FUZZ_SECONDS=600] [FUZZ=name]: runs each target (or one) for that long.
fuzz: $(FUZZERS)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

bench: codex
	tests/bench/run.sh

release: codex codex.exe
	release/make-release.sh $(VERSION)

clean:
	rm -rf build dist codex codex.exe

# ---- Windows (x86_64-w64-mingw32) -----------------------------------------------------
# codex.exe from the same sources: the portable modules as they are, the platform's own
# code in *_win.c and src/*/windows/* files (which the Linux build leaves out, as this
# one leaves out *_posix.c). Headers Windows
# lacks (sys/uio.h, pwd.h, ...) come from src/base/windows/include, and
# src/base/windows/posix.h, included first in every file, maps the few POSIX calls whose
# Windows spelling differs onto src/base/posix_win.c. Commands not ported yet are entry
# points in src/cli/unported_win.c that say so. mingw-w64 is installed by
# `./build.sh --target windows --tools-only` when it is missing.
WT := x86_64-w64-mingw32
W := build/$(WT)
WDEPS := $(W)/deps
WCC := $(WT)-gcc
WCFLAGS := $(BASEFLAGS) -Os -ffunction-sections -fdata-sections -I$(WDEPS)/include \
	-isystem src/base/windows/include -include src/base/windows/posix.h \
	-D__USE_MINGW_ANSI_STDIO=1 -D_WIN32_WINNT=0x0A00 -DCOBJMACROS -DCURL_STATICLIB
WLIBS := -L$(WDEPS)/lib -lcurl -lbearssl -lcjson -lpthread -lws2_32 -lcrypt32 -lbcrypt -ladvapi32 \
	-lnetapi32 -lole32 -loleaut32 -luuid -luserenv -lshell32
# The portable part: what needs nothing beyond the C library and the shim. The agent,
# the model client and `codex exec` come whole; their platform parts are *_win.c files
# (src/agent/proc_win.c: commands with pipes in a job object; user_shell_win.c:
# PowerShell or cmd; git_run_win.c; sandbox/windows/spawn_win.c; sandbox/proxy_child_win.c
# refuses the per-command proxy). MCP's stdio transport (fork/exec) is not ported:
# src/mcp/stdio_win.c says so for each stdio server.
WIN_PORTABLE := src/main.c $(filter-out src/base/loop_epoll.c %_posix.c,$(wildcard src/base/*.c)) \
	$(wildcard src/proxy/*.c) src/cli/proxy.c $(wildcard src/config/*.c) \
	$(wildcard src/patch/*.c) src/cli/cli.c src/cli/apply_patch.c src/cli/completion.c \
	src/cli/debug.c src/cli/sandbox_windows.c src/cli/sandbox_options.c sandbox/policy.c \
	sandbox/proxy_env.c sandbox/roots.c \
	$(filter-out %_posix.c,$(wildcard src/agent/*.c src/agent/tools/*.c)) \
	$(wildcard src/model/*.c src/exec/*.c) src/cli/exec.c src/cli/agent_options.c src/cli/plugins_sync.c \
	$(filter-out src/auth/browser.c src/auth/login_server.c src/auth/callback_server.c,$(wildcard src/auth/*.c)) \
	$(filter-out src/mcp/stdio.c src/mcp/oauth_login.c,$(wildcard src/mcp/*.c)) \
	$(filter-out %_posix.c,$(wildcard sandbox/windows/*.c))
WIN_SRCS := $(sort $(WIN_PORTABLE) $(shell find src sandbox -name '*_win.c'))
WOBJS := $(WIN_SRCS:%.c=$(W)/obj/%.o) $(W)/obj/ca_embedded.o $(W)/obj/codex_rc.o

windows: codex.exe

windows-deps: $(WDEPS)/.built

$(WDEPS)/.built: $(DEPS_INPUTS)
	@command -v $(WCC) >/dev/null 2>&1 || ./build.sh --target windows --tools-only
	vendor/build-deps.sh $(WT)

$(W)/obj/%.o: %.c src/base/windows/posix.h $(WDEPS)/.built
	@mkdir -p $(@D)
	$(WCC) $(WCFLAGS) -MMD -MP -c $< -o $@

# (After the deps: their recipe is what installs mingw-w64 on a fresh machine.)
$(W)/obj/ca_embedded.o: src/base/ca_embedded.S build/gen/ca-bundle.pem | $(WDEPS)/.built
	@mkdir -p $(@D)
	$(WCC) -c -DCA_BUNDLE_FILE='"build/gen/ca-bundle.pem"' $< -o $@

# The manifest: asInvoker (no installer detection for the setup role's name) and UTF-8
# as the process code page.
$(W)/obj/codex_rc.o: src/base/windows/codex.rc src/base/windows/codex.manifest | $(WDEPS)/.built
	@mkdir -p $(@D)
	$(WT)-windres -O coff $< -o $@

codex.exe: $(WOBJS)
	$(WCC) -static -s -municode -Wl,--gc-sections -o $@ $(WOBJS) $(WLIBS)

-include $(shell find build -path '*/obj/*' -name '*.d' 2>/dev/null)

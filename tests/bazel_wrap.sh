#!/bin/sh
# tests/bazel_wrap.sh: run one test program under `bazel test`.
#
#   bazel_wrap.sh PROGRAM [URBIT]
#
# Both paths are relative to the runfiles directory, the working directory
# Bazel gives a test.  URBIT is exported as an absolute path; when the
# binary is not built it names where it would be, as `make test` does.
# Bazel sets TEST_TMPDIR itself.  Exit status 77 (the test cannot run
# here, e.g. no memory cgroup inside the sandbox) counts as a pass; the
# program's "SKIP:" line stays in the test log.

prog=$1
URBIT=$PWD/${2:-urbit}
export URBIT

"$prog"
rc=$?
if [ "$rc" -eq 77 ]; then
  echo "(exit 77: skipped, counted as passing under Bazel)"
  exit 0
fi
exit "$rc"

#!/bin/sh
# tests/run.sh: run test programs one at a time and tally them.
#
#   sh tests/run.sh BUILD_DIR PROGRAM...
#
# BUILD_DIR is the configuration's absolute build directory.  Each program
# runs with URBIT=BUILD_DIR/urbit and a fresh TEST_TMPDIR under
# BUILD_DIR/tmp, its output captured in BUILD_DIR/logs/NAME.log, and is
# killed after TEST_TIMEOUT seconds (default 600), which counts as failing.
# Exit status 77 means the program could not run here: it printed a line
# "SKIP: reason".  Prints one line per program, then "K skipped" if any
# were, then "N passed, N failed"; exits 1 if any program failed.
#
# Programs run sequentially on purpose: some tests map large looms or
# drive memory cgroups, and would disturb each other in parallel.

set -u

if [ $# -lt 1 ]; then
  echo "usage: tests/run.sh BUILD_DIR PROGRAM..." >&2
  exit 2
fi

dir=$1
shift
limit=${TEST_TIMEOUT:-600}
pass=0
fail=0
skip=0

mkdir -p "$dir/logs" "$dir/tmp" || exit 2

# one run at a time per build directory: a second `make test` in the same
# configuration waits instead of sharing logs, scratch dirs and memory
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.test-lock"
  if ! flock -n 9; then
    echo "tests: another run is using $dir; waiting for it"
    flock 9
  fi
fi

for prog in "$@"; do
  name=$(basename "$prog")
  log=$dir/logs/$name.log
  tmp=$dir/tmp/$name
  rm -rf "$tmp" && mkdir -p "$tmp" || exit 2

  URBIT=$dir/urbit TEST_TMPDIR=$tmp \
    timeout -k 10 "$limit" "$prog" </dev/null >"$log" 2>&1 9>&-
  rc=$?

  case $rc in
    0)
      pass=$((pass + 1))
      echo "PASS $name  ($(tail -n 1 "$log"))"
      ;;
    77)
      skip=$((skip + 1))
      why=$(grep -m 1 '^SKIP:' "$log" | sed 's/^SKIP: *//')
      echo "SKIP $name: ${why:-no reason given}"
      ;;
    *)
      fail=$((fail + 1))
      case $rc in
        124|137) echo "FAIL $name  (killed after ${limit} s)" ;;
        *)       echo "FAIL $name  (exit status $rc)" ;;
      esac
      tail -n 30 "$log" | sed 's/^/    /'
      ;;
  esac
done

if [ "$skip" -gt 0 ]; then
  echo "$skip skipped"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# Holds scripts/install-deps's package lists against what the builds, the tests and the scripts
# really use, so a package this machine happens to have cannot hide a missing install step.
#
# For each configured preset of a job, the files under /usr that its build found: CMakeCache.txt
# values, the files of each CMake package it loaded and the files their imported targets name
# (grpc++'s package checks that grpc_cpp_plugin exists), every header the compiler read (make's
# dependency files), every library on a link line, and the programs ctest runs; then the
# programs the job's scripts and tests call. `dpkg -S` names each file's package, which must be
# in `install-deps --list JOB` or pulled in by the Depends/Pre-Depends of one in it (Essential
# packages are on every Debian machine). Prints each file whose package is not, and fails.
#
# usage: tests/deps/check.sh JOB...       check those jobs (main, bench, test)
#        tests/deps/check.sh --self-test  a list that loses a package the build uses must fail,
#                                         naming it (protobuf-compiler-grpc, libcpp-httplib-dev,
#                                         chromium)
set -euo pipefail
cd "$(dirname "$0")/../.."

# What each job builds and calls beyond what ctest runs.
presets_of() {
  case "$1" in
    main|bench) echo native wasm ;;
    test) echo native native-asan native-tsan wasm fuzz ;;
  esac
}
programs_of() {
  case "$1" in
    main) echo cmake make g++ node npm em++ wasm-opt esbuild ;;
    bench) echo cmake make g++ node npm em++ wasm-opt wasm-dis esbuild valgrind callgrind_annotate time ;;
    test) echo cmake make g++ node npm em++ wasm-opt esbuild chromium openssl clang-14 clang++-14 ;;
  esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Paths under /usr that one configured build used, one a line (unsorted, repeats allowed).
used_by_preset() {
  local build=$1 dir f up prefix n
  # CMake probes for binutils it never runs in a Makefile build (nm, objdump, strip...) and keeps
  # whatever it happened to find; the tools it does run are on the link lines below.
  grep -E '^[A-Za-z0-9_.+-]+:[A-Z]+=' "$build/CMakeCache.txt" |
    grep -vE '^CMAKE_(ADDR2LINE|DLLTOOL|LINKER|NM|OBJCOPY|OBJDUMP|READELF|STRIP|MT|RC_COMPILER):' |
    cut -d= -f2- | tr ';' '\n' |
    grep -E '^/usr/' | while read -r f; do
      if [[ -f "$f" ]]; then echo "$f"; fi
    done
  # The CMake packages it loaded (the *_DIR entries) and the files their targets import.
  sed -n 's/^[A-Za-z0-9_.+-]*_DIR:[A-Z]*=\(\/usr\/.*\)$/\1/p' "$build/CMakeCache.txt" | while read -r dir; do
    [[ -d "$dir" ]] || continue
    for f in "$dir"/*.cmake; do
      [[ -f "$f" ]] || continue
      echo "$f"
      # A targets file computes _IMPORT_PREFIX from its own folder, one level up per line.
      n=$(grep -c 'get_filename_component(_IMPORT_PREFIX "${_IMPORT_PREFIX}" PATH)' "$f" || true)
      if ((n > 0)); then
        prefix=$dir
        for ((up = 0; up < n; up++)); do prefix=$(dirname "$prefix"); done
        echo "$prefix" >"$work/prefix.$(echo "$dir" | tr / _)"
      fi
    done
    if [[ -f "$work/prefix.$(echo "$dir" | tr / _)" ]]; then
      prefix=$(cat "$work/prefix.$(echo "$dir" | tr / _)")
      grep -ho '"${_IMPORT_PREFIX}/[^"]*"' "$dir"/*.cmake | tr -d '"' | tr ';' '\n' |
        sed "s|^\${_IMPORT_PREFIX}|$prefix|" | grep -v '\${' | while read -r f; do
          # A file a target names but this machine lacks is reported as such below.
          echo "$f"
        done
    fi
  done
  # Every header the compiler read and every library on a link line.
  find "$build" \( -name '*.o.d' -o -name compiler_depend.make -o -name depend.make \) -print0 |
    xargs -0 -r cat | tr ' \\:' '\n\n\n' | grep -E '^/usr/' || true
  find "$build" -name link.txt -print0 | xargs -0 -r cat | tr ' ' '\n' | grep -E '^/usr/' || true
  # The programs ctest runs.
  if [[ -f "$build/CTestTestfile.cmake" ]]; then
    (cd "$build" && ctest --show-only=json-v1 2>/dev/null) |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const t of JSON.parse(s).tests??[])if(t.command?.[0])console.log(t.command[0])})' |
      while read -r f; do
        if [[ "$f" != /* ]]; then f=$(command -v "$f" || true); fi
        if [[ "$f" == /usr/* ]]; then echo "$f"; fi
      done
  fi
}

# Every installed package's name, what it provides, Depends, Pre-Depends and Essential flag.
dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\t${Essential}\n' |
  awk -F'\t' '$1 ~ /^ii/' | cut -f2- >"$work/installed.tsv"

# The packages a list installs: the list and, recursively, the installed packages its
# dependencies name (each alternative that is installed; a virtual name by its providers).
closure() {
  awk -F'\t' '
    FNR == NR { want[$1] = 1; next }
    {
      pkg = $1; essential[pkg] = ($4 == "yes"); deps[pkg] = $3
      n = split($2, p, /, */)
      for (i = 1; i <= n; i++) { sub(/ .*/, "", p[i]); if (p[i] != "") providers[p[i]] = providers[p[i]] " " pkg }
      installed[pkg] = 1
    }
    END {
      for (pkg in essential) if (essential[pkg]) want[pkg] = 1
      changed = 1
      while (changed) {
        changed = 0
        for (pkg in want) {
          if (done[pkg]) continue
          done[pkg] = 1
          n = split(deps[pkg], d, /, *| *\| */)
          for (i = 1; i <= n; i++) {
            name = d[i]; sub(/ .*/, "", name); sub(/:.*/, "", name)
            if (name == "") continue
            if (installed[name] && !want[name]) { want[name] = 1; changed = 1 }
            m = split(providers[name], pr, " ")
            for (j = 1; j <= m; j++) if (!want[pr[j]]) { want[pr[j]] = 1; changed = 1 }
          }
        }
      }
      for (pkg in want) print pkg
    }' "$1" "$work/installed.tsv" | sort -u
}

# Owners of each used file, "package<TAB>file", from one batched `dpkg -S`. Merged /usr: dpkg
# may know /usr/bin/x as /bin/x, and a symlink (g++ -> g++-12) by its target.
owners() {
  sort -u "$1" >"$work/files"
  : >"$work/absent"
  : >"$work/forms"
  local f r
  while read -r f; do
    if [[ ! -e "$f" ]]; then echo "$f" >>"$work/absent"; continue; fi
    [[ -d "$f" ]] && continue  # include folders: the headers read from them are counted one by one
    r=$(realpath "$f")
    printf '%s\t%s\n%s\t%s\n%s\t%s\n%s\t%s\n' "$f" "$f" "$f" "${f#/usr}" "$f" "$r" "$f" "${r#/usr}" >>"$work/forms"
  done <"$work/files"
  cut -f2 "$work/forms" | sort -u | xargs -r dpkg -S 2>/dev/null |
    grep -E '^[^ ]+(, [^ ]+)*: /' >"$work/dpkg-S" || true
  awk -F'\t' '
    FNR == NR { i = index($0, ": "); owner[substr($0, i + 2)] = substr($0, 1, i - 1); next }
    {
      if (!($2 in owner)) next
      n = split(owner[$2], p, /, */)
      for (k = 1; k <= n; k++) { sub(/:.*/, "", p[k]); print p[k] "\t" $1 }
      seen[$1] = 1
    }
    END { }' "$work/dpkg-S" "$work/forms" | sort -u >"$work/owners.tsv"
  cut -f2 "$work/owners.tsv" | sort -u >"$work/owned"
  cut -f1 "$work/forms" | sort -u | comm -23 - "$work/owned" >"$work/unowned"
}

# Checks one job against a list given as a file; prints what fails; returns non-zero on failure.
judge() {
  local job=$1 list=$2 bad=0
  closure "$list" >"$work/closure"
  # One line per missing package, naming its first file and how many more.
  sort -u "$work/owners.$job.tsv" | awk -F'\t' -v job="$job" '
    FNR == NR { ok[$1] = 1; next }
    !($1 in ok) { if (!($1 in first)) { first[$1] = $2; order[++n] = $1 } else more[$1]++ }
    END {
      for (i = 1; i <= n; i++) {
        p = order[i]
        printf "FAIL deps(%s): package %s is used but scripts/install-deps %s neither lists it nor pulls it in: %s%s\n",
          job, p, job, first[p], more[p] ? " (and " more[p] " more files)" : ""
      }
      exit n > 0
    }' "$work/closure" - || bad=1
  while read -r f; do
    echo "FAIL deps($job): $f is used but no Debian package owns it (installed by hand?)"
    bad=1
  done <"$work/unowned.$job"
  while read -r f; do
    echo "FAIL deps($job): $f is named by a CMake package but missing: its package is not installed"
    bad=1
  done <"$work/absent.$job"
  return $bad
}

# Collects the files of one job into owners.JOB.tsv, unowned.JOB, absent.JOB.
collect() {
  local job=$1 p prog path
  : >"$work/used.$job"
  for p in $(presets_of "$job"); do
    if [[ ! -f "build/$p/CMakeCache.txt" ]]; then
      echo "deps($job): preset $p is not configured: configure and build it first" >&2
      return 2
    fi
    used_by_preset "build/$p" >>"$work/used.$job"
  done
  for prog in $(programs_of "$job"); do
    path=$(command -v "$prog" || true)
    if [[ -z "$path" ]]; then
      echo "FAIL deps($job): $prog is called but not installed: scripts/install-deps $job should install it"
      echo "/nonexistent/$prog" >>"$work/used.$job"
      continue
    fi
    echo "$path" >>"$work/used.$job"
  done
  owners "$work/used.$job"
  cp "$work/owners.tsv" "$work/owners.$job.tsv"
  cp "$work/unowned" "$work/unowned.$job"
  grep -v '^/nonexistent/' "$work/absent" >"$work/absent.$job" || true
}

if [[ "${1:-}" == --self-test ]]; then
  collect test
  status=0
  for drop in protobuf-compiler-grpc libcpp-httplib-dev chromium; do
    OTLP_DEPS_DROP=$drop bash scripts/install-deps --list test >"$work/list"
    if out=$(judge test "$work/list"); then
      echo "FAIL deps self-test: the test list without $drop still passed"
      status=1
    elif ! grep -q "package $drop is used" <<<"$out"; then
      echo "FAIL deps self-test: without $drop the check failed but did not name it:"
      echo "$out" | head -5
      status=1
    else
      echo "ok deps self-test: without $drop the check fails: $(grep -m1 "package $drop is used" <<<"$out")"
    fi
  done
  exit $status
fi

(($#)) || { echo "usage: tests/deps/check.sh JOB... | --self-test" >&2; exit 2; }
status=0
for job in "$@"; do
  case "$job" in main|bench|test) ;; *) echo "check.sh: unknown job '$job'" >&2; exit 2 ;; esac
  collect "$job" || { status=1; continue; }
  bash scripts/install-deps --list "$job" >"$work/list"
  if judge "$job" "$work/list"; then
    echo "ok deps($job): $(wc -l <"$work/files") files under /usr from $(cut -f1 "$work/owners.$job.tsv" | sort -u | wc -l) packages, each installed by scripts/install-deps $job"
  else
    status=1
  fi
done
exit $status

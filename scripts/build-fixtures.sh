#!/usr/bin/env bash
# Rebuild the sample distributions in __tests__/fixtures/dists/ from the sample projects in
# __tests__/fixtures/projects/, with the real build backends Debian ships (setuptools, hatchling,
# flit_core) through `python3 -m build --no-isolation`, so no network is needed.
#
# Usage: scripts/build-fixtures.sh [--out DIR] [PROJECT_DIR_NAME...]
#   --out DIR   write to DIR/<project>/ instead of __tests__/fixtures/dists/<project>/
#   PROJECT...  only these projects (default: every folder under __tests__/fixtures/projects/)
#
# The output mirrors what actions/download-artifact produces with one artifact per project: one
# subfolder per project, plus the stray files people keep next to their dists (a .gitignore and a
# SHA256SUMS listing), so discovery has to recurse and skip what is not a distribution.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
projects_dir="$repo_root/__tests__/fixtures/projects"
out_root="$repo_root/__tests__/fixtures/dists"
python=${PYTHON:-/usr/bin/python3}

# A fixed timestamp makes wheels (and hatchling/flit sdists) byte-for-byte reproducible.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
# Keep the projects free of __pycache__ folders when a backend imports the package.
export PYTHONDONTWRITEBYTECODE=1

projects=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      [ $# -ge 2 ] || { echo "--out needs a directory" >&2; exit 2; }
      out_root=$2
      shift 2
      ;;
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      projects+=("$1")
      shift
      ;;
  esac
done
if [ ${#projects[@]} -eq 0 ]; then
  for dir in "$projects_dir"/*/; do
    projects+=("$(basename "$dir")")
  done
fi
mkdir -p "$out_root"
out_root=$(cd "$out_root" && pwd)

# setuptools leaves build/ and *.egg-info/ in the project; remove them even when a build fails.
clean_project() {
  local dir=$1
  rm -rf "$dir/build" "$dir"/*.egg-info "$dir"/src/*.egg-info
  find "$dir" -name __pycache__ -type d -prune -exec rm -rf {} +
}

current_project=
trap '[ -n "$current_project" ] && clean_project "$current_project"' EXIT

for name in "${projects[@]}"; do
  project="$projects_dir/$name"
  [ -f "$project/pyproject.toml" ] || { echo "no such fixture project: $name" >&2; exit 2; }
  out="$out_root/$name"
  mkdir -p "$out"
  rm -f "$out"/*.whl "$out"/*.tar.gz
  current_project=$project

  echo "::group::build $name"
  # Default mode builds the sdist, then the wheel from that sdist: proves the sdist is complete.
  # --skip-dependency-check: Debian packages hatchling without its optional `editables`
  # dependency, which build would otherwise demand although no editable wheel is built.
  "$python" -m build --no-isolation --skip-dependency-check --outdir "$out" "$project"
  if [ "$name" = multi-wheel-sample ]; then
    # A second wheel of the same version with another tag (see the project's hatch_build.py).
    MULTI_WHEEL_SAMPLE_TAG=py2.py3-none-any \
      "$python" -m build --no-isolation --skip-dependency-check --wheel --outdir "$out" "$project"
  fi
  echo "::endgroup::"

  clean_project "$project"
  current_project=
done

# Stray files that live beside downloaded artifacts; they must not be mistaken for dists.
printf '# Nothing to ignore: the sample distributions here are committed on purpose.\n' \
  >"$out_root/.gitignore"
(cd "$out_root" && find . -type f \( -name '*.whl' -o -name '*.tar.gz' \) | sed 's|^\./||' | LC_ALL=C sort |
  xargs sha256sum >SHA256SUMS)

echo "built into $out_root:"
(cd "$out_root" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)

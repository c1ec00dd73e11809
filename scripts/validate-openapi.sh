#!/usr/bin/env bash
# Validate an OpenAPI 3 document with openapi-spec-validator (PyPI).
#
#   scripts/validate-openapi.sh [PATH]      (default: spec/openapi.json)
#
# The validator lives in a cached virtualenv at target/ci-venv (relative to
# the repository root), created with `python3 -m venv` on first use and
# reused afterwards. Override with:
#   OPENAPI_VENV                       venv directory (default: target/ci-venv)
#   OPENAPI_SPEC_VALIDATOR_VERSION     pinned version (default: 0.9.0)
#   PYTHON                             interpreter used to create the venv
#
# Exit status: 0 valid, 1 invalid (validator messages on stderr),
# 2 usage / missing file / validator could not be installed.
set -euo pipefail

me="validate-openapi"
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 2; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

spec_path="${1:-spec/openapi.json}"
[[ $# -le 1 ]] || die "usage: $0 [PATH]"
[[ -f "$spec_path" ]] || die "$spec_path: no such file (generate it first)"

validator_version="${OPENAPI_SPEC_VALIDATOR_VERSION:-0.9.0}"
venv="${OPENAPI_VENV:-$repo_root/target/ci-venv}"
python="${PYTHON:-python3}"
vpy="$venv/bin/python"

venv_ok() {
    [[ -x "$vpy" ]] &&
        "$vpy" - "$validator_version" >/dev/null 2>&1 <<'EOF'
import sys
from importlib.metadata import version
sys.exit(0 if version("openapi-spec-validator") == sys.argv[1] else 1)
EOF
}

if ! venv_ok; then
    command -v "$python" >/dev/null 2>&1 || die "$python not found; needed to create $venv"
    printf '%s: installing openapi-spec-validator==%s into %s\n' \
        "$me" "$validator_version" "$venv" >&2
    if [[ ! -x "$vpy" ]]; then
        rm -rf -- "$venv"
        mkdir -p "$(dirname "$venv")"
        "$python" -m venv "$venv" || die "python3 -m venv $venv failed"
    fi
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$vpy" -m pip install --quiet --no-input \
        "openapi-spec-validator==$validator_version" >&2 ||
        die "pip install openapi-spec-validator==$validator_version failed"
    venv_ok || die "openapi-spec-validator $validator_version not importable from $venv"
fi

exec "$vpy" - "$spec_path" <<'EOF'
import json
import pathlib
import sys

from openapi_spec_validator import (
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)
from openapi_spec_validator.readers import read_from_filename

path = sys.argv[1]
me = "openapi"


def fail(msg):
    print(f"{me}: {path} is INVALID: {msg}", file=sys.stderr)
    sys.exit(1)


try:
    if path.endswith(".json"):
        # json gives better syntax errors (line/column) than the YAML reader.
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        base_uri = pathlib.Path(path).absolute().as_uri()
    else:
        spec, base_uri = read_from_filename(path)
except Exception as e:  # parse errors: JSON/YAML syntax
    fail(f"cannot parse: {e}")

if not isinstance(spec, dict):
    fail("top-level value is not an object")

version = spec.get("openapi")
if not isinstance(version, str):
    if "swagger" in spec:
        fail(f"this is Swagger/OpenAPI {spec.get('swagger')}, expected OpenAPI 3")
    fail("missing string field 'openapi' (expected e.g. \"3.0.3\")")

validators = {"3.0": OpenAPIV30SpecValidator, "3.1": OpenAPIV31SpecValidator}
try:
    from openapi_spec_validator import OpenAPIV32SpecValidator

    validators["3.2"] = OpenAPIV32SpecValidator
except ImportError:
    pass

major_minor = ".".join(version.split(".")[:2])
cls = validators.get(major_minor)
if cls is None:
    fail(f"unsupported 'openapi' version {version!r} (supported: {', '.join(sorted(validators))})")

errors = []
try:
    for err in cls(spec, base_uri=base_uri).iter_errors():
        errors.append(err)
        if len(errors) >= 50:
            break
except Exception as e:  # e.g. unresolvable $ref
    errors.append(e)

if errors:
    print(f"{me}: {path} is INVALID OpenAPI {version} ({len(errors)} error(s)"
          f"{', showing first 50' if len(errors) >= 50 else ''}):", file=sys.stderr)
    for i, err in enumerate(errors, 1):
        where = ""
        p = getattr(err, "absolute_path", None) or getattr(err, "path", None)
        if p:
            where = "#/" + "/".join(
                str(x).replace("~", "~0").replace("/", "~1") for x in p
            ) + ": "
        msg = getattr(err, "message", None) or str(err)
        if len(msg) > 400:
            msg = msg[:400] + " ..."
        print(f"  {i}. {where}{msg}", file=sys.stderr)
    sys.exit(1)

info = spec.get("info") or {}
n_paths = len(spec.get("paths") or {})
print(f"{me}: {path} is valid OpenAPI {version}"
      f" ({info.get('title', '?')} {info.get('version', '?')}, {n_paths} paths)")
EOF

# Sourced by scripts/demo and scripts/test: use the active virtual environment, or create and
# activate .venv at the top of the repository, then install kg into it (editable) with the extras
# given as arguments. Quiet unless something fails.
kg_setup() {
    local extras="${1:-}"
    if [ -z "${VIRTUAL_ENV:-}" ]; then
        if [ ! -x .venv/bin/python ]; then
            echo "Creating the virtual environment .venv ..." >&2
            python3 -m venv .venv
        fi
        # shellcheck disable=SC1091
        . .venv/bin/activate
    fi
    local spec="."
    [ -n "$extras" ] && spec=".[$extras]"
    echo "Installing kg${extras:+ with $extras extras} into $VIRTUAL_ENV ..." >&2
    python -m pip install --quiet --disable-pip-version-check -e "$spec"
}

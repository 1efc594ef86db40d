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

# Chromium for the Neo4j Browser tests (Debian's package): installed when it is missing and we
# are root with apt-get; otherwise one line says how to get it (the tests fail under CI without it).
kg_chromium() {
    if [ -n "${KG_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Chromium (Debian package chromium) for the Neo4j Browser tests ..." >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "Chromium is missing: the Neo4j Browser tests need it (sudo apt-get install chromium, or set KG_CHROMIUM)." >&2
    fi
}

# Shared by the .ci/ set-up scripts (sourced after each defines log()).

# need_root PACKAGE...: go on only as root (CI is), else say what to install, in one line.
need_root() {
    if [[ $(id -u) -ne 0 ]]; then
        log "not root: install Debian's $* first"
        exit 1
    fi
}

# apt_install PACKAGE...: Debian packages, quietly; refused in one line unless root.
apt_install() {
    need_root "$@"
    log "installing $* (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "$@" >/dev/null
}

# first_executable CANDIDATE...: the first candidate that is an executable file (none: nothing).
first_executable() {
    local candidate
    for candidate in "$@"; do
        if [[ -n $candidate && -x $candidate ]]; then
            echo "$candidate"
            return
        fi
    done
}

# require_bin WHAT INSTALL...: sets BIN to what the caller's find_bin prints, running the
# command INSTALL... first when it prints nothing; one line and exit 1 if still missing.
require_bin() {
    local what=$1
    shift
    BIN=$(find_bin)
    if [[ -z $BIN ]]; then
        "$@"
        BIN=$(find_bin)
    fi
    [[ -n $BIN ]] || { log "$what still missing after install"; exit 1; }
}

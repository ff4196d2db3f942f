# Shared by the .ci/ set-up scripts (sourced after each defines log()).

# apt_install PACKAGE...: Debian packages, quietly; refused in one line unless root (CI is).
apt_install() {
    if [[ $(id -u) -ne 0 ]]; then
        log "not root: install Debian's $* first"
        exit 1
    fi
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

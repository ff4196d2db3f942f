#!/usr/bin/env bash
# Print deploy/backcoach-site.conf with its @NAME@ placeholders filled from the environment.
#
#   DOMAIN=coach.example.com deploy/render-site.sh > /etc/nginx/sites-available/backcoach
#
# DOMAIN is required; the rest default to the layout of the README's "Deploy on your own server":
# AUDIO_DIR (/var/cache/backcoach/audio, BACKCOACH_AUDIO_DIR of the service), UPSTREAM
# (127.0.0.1:8080, where `backcoach serve` listens), TLS_CERT and TLS_KEY (certbot's files for
# DOMAIN), HTTPS_PORT (443), HTTP_PORT (80), ACME_ROOT (/var/www/html, the webroot that
# Debian's default site serves, so the first certificate and its renewals use the same one).
set -euo pipefail
TEMPLATE=$(dirname "$0")/backcoach-site.conf

: "${DOMAIN:?set DOMAIN to the host name Alexa reaches the skill at}"
AUDIO_DIR=${AUDIO_DIR:-/var/cache/backcoach/audio}
UPSTREAM=${UPSTREAM:-127.0.0.1:8080}
TLS_CERT=${TLS_CERT:-/etc/letsencrypt/live/$DOMAIN/fullchain.pem}
TLS_KEY=${TLS_KEY:-/etc/letsencrypt/live/$DOMAIN/privkey.pem}
HTTPS_PORT=${HTTPS_PORT:-443}
HTTP_PORT=${HTTP_PORT:-80}
ACME_ROOT=${ACME_ROOT:-/var/www/html}

# A value becomes part of the config: refuse anything that could end a directive or start another.
for name in DOMAIN AUDIO_DIR UPSTREAM TLS_CERT TLS_KEY HTTPS_PORT HTTP_PORT ACME_ROOT; do
    if [[ ! ${!name} =~ ^[A-Za-z0-9._/:-]+$ ]]; then
        echo "render-site.sh: $name=${!name@Q} may hold only letters, digits and . _ / : -" >&2
        exit 2
    fi
done

rendered=$(sed \
    -e "s|@DOMAIN@|$DOMAIN|g" \
    -e "s|@AUDIO_DIR@|${AUDIO_DIR%/}|g" \
    -e "s|@UPSTREAM@|$UPSTREAM|g" \
    -e "s|@TLS_CERT@|$TLS_CERT|g" \
    -e "s|@TLS_KEY@|$TLS_KEY|g" \
    -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
    -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
    -e "s|@ACME_ROOT@|$ACME_ROOT|g" \
    "$TEMPLATE")
if left=$(grep -o '@[A-Z_]*@' <<<"$rendered"); then
    echo "render-site.sh: $TEMPLATE has placeholders this script does not fill: $left" >&2
    exit 2
fi
printf '%s\n' "$rendered"

#!/bin/sh
# Make sure a headless Chromium exists for the docs-site browser tests (tests/test_docs_browser.py).
# Debian/Ubuntu only: installs the distribution's `chromium` package with apt-get when it is missing.
# Never downloads a browser from anywhere else. Exits 0 when chromium is (now) available; when it
# cannot be installed (no root, no apt-get) it says so and exits 0 too, and the browser tests skip.
set -eu

if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: apt-get not found; install chromium yourself to run the browser tests" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "ensure_chromium: not root and no password-less sudo; the browser tests will be skipped" >&2
        exit 0
    fi
fi
echo "ensure_chromium: installing Debian's chromium (apt-get)…" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null 2>&1 && echo "ensure_chromium: $(chromium --version 2>/dev/null)" >&2
exit 0

"""The embed's frame page (/embed): the web UI's own shell, framed by the allowed sites only.

Hosting's headers are static, so this one page comes from the function: its
Content-Security-Policy is the site's (firebase.json; a test keeps the two equal) with
`frame-ancestors` listing HEARTH_EMBED_ORIGINS, the same setting the page endpoints check.
Every other page keeps `frame-ancestors 'none'`.
"""

from __future__ import annotations

from typing import Iterable

CACHE_SECONDS = 300  # changes only with a deploy (the setting)
# firebase.json's policy for every page, without its frame-ancestors directive.
BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; font-src 'self'; "
    "connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com "
    "http://127.0.0.1:* ws://127.0.0.1:*; frame-src 'self' https://*.firebaseapp.com http://127.0.0.1:*; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)

# The same shell as web/index.html (the app draws into #main), marked as embedded: the app then
# shows the page's thread and no site chrome, and links leave the frame in a new tab.
PAGE = """<!doctype html>
<html lang="en" data-embed="true">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <meta name="referrer" content="strict-origin-when-cross-origin">
  <title>Comments · Hearth</title>
  <link rel="stylesheet" href="/styles.css">
  <link rel="icon" href="data:,">
  <script type="module" src="/dist/app.js"></script>
</head>
<body class="embedded">
  <header class="site-header embed-header">
    <div class="bar"><nav id="account" aria-label="Account"></nav></div>
  </header>
  <div id="announcer" class="announcer" role="status" aria-live="polite"></div>
  <main id="main" tabindex="-1">
    <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>Loading comments…</p>
  </main>
</body>
</html>
"""


def frame_ancestors(allowed: Iterable[str]) -> str:
    """The frame-ancestors directive for the allowed origins ('none' when there are none)."""
    origins = " ".join(allowed)
    return f"frame-ancestors {origins or chr(39) + 'none' + chr(39)}"


def headers(allowed: Iterable[str]) -> dict[str, str]:
    """The embed page's security headers (the rest of the site's, framed by the allowed origins only)."""
    return {
        "Content-Security-Policy": f"{BASE_CSP}; {frame_ancestors(allowed)}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        # Its sign-in popup (Hearth's own origin) hands the session back through window.opener.
        "Cross-Origin-Opener-Policy": "unsafe-none",
    }

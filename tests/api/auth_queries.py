"""Login and linking operations as the app sends them."""

from __future__ import annotations

REQUEST_CODE = """mutation($m: Msisdn!) { requestLoginCode(msisdn: $m) {
  expiresAt resendAvailableAt } }"""

TOKENS = "accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt subscriber { msisdn }"

LOG_IN = "mutation($m: Msisdn!, $c: String!) { logIn(msisdn: $m, code: $c) { " + TOKENS + " } }"

LOG_IN_PASSWORD = (
    "mutation($m: Msisdn!, $p: String!) { logInWithPassword(msisdn: $m, password: $p) { "
    + TOKENS
    + " } }"
)

REFRESH = "mutation($t: String!) { refreshSession(refreshToken: $t) { " + TOKENS + " } }"

LOG_OUT = "mutation($t: String!) { logOut(refreshToken: $t) }"

LINK = """mutation($m: Msisdn!, $a: String) { linkNumber(msisdn: $m, alias: $a) {
  expiresAt resendAvailableAt } }"""

CONFIRM_LINK = """mutation($m: Msisdn!, $c: String!) { confirmLinkedNumber(msisdn: $m, code: $c) {
  msisdn alias status } }"""

UNLINK = "mutation($m: Msisdn!) { unlinkNumber(msisdn: $m) }"

MY_LINKS = "{ me { linkedNumbers { msisdn alias status } } }"

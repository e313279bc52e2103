"""The demo's company identity provider: a small OpenID Connect stand-in (a JWKS endpoint,
a login form and a token endpoint) issuing ES256 tokens for the demo's support agents, so
that `make demo` shows agents' sign-in offline."""

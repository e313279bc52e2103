"""The HTTP edge and composition root: settings, app, lifespan, auth, errors, CLI."""

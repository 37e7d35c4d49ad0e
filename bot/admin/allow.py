"""405 Method Not Allowed with the whole `Allow` list: Starlette answers from the first route
whose path matches, so a path served by two routes (GET and POST of a list, say) named only
the first one's method (issue 25, item 14). Here every route of the app is asked; the
answer itself is a problem (bot/admin/problem_handlers.py)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.routing import Match

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """The methods some route takes at this path (each asked with each method)."""
    methods = {
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in app.router.routes
        )
    }
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)

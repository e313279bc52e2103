"""Errors the way the captured OCS answers them, and the middleware that makes every
failure one of them.

- TMF ``Error`` JSON, tab-indented as the system writes it (``{"@type":"Error",
  "referenceError":...,"code":"","reason":...,"message":...,"status":"404"}``);
- RFC 7807 ``application/problem+json`` when the request's Accept asks for it;
- inets' HTML page for a 500 (what the system shows for its own faults, and for what the
  kit's ``error_rate`` injects here).
"""

from __future__ import annotations

import html
import json
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from backends.kit.errors import TmfError

log = logging.getLogger(__name__)

ABOUT_BLANK = "about:blank"
NO_SUCH_PATH_REFERENCE = "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.4"
NO_SUCH_PATH = "No resource exists at the path provided"
PROBLEM_JSON = "application/problem+json"

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    412: "Precondition Failed",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_INTERNAL_ERROR_PAGE = """<HTML>
       <HEAD>
           <TITLE>Internal Server Error</TITLE>
      </HEAD>
      <BODY>
      <H1>Internal Server Error</H1>
The server encountered an internal error or misconfiguration and was unable to complete \
your request.<P>Please contact the server administrator unknown@unknown, and inform them \
of the time the error occurred and anything you might have done that may have caused the \
error.
</BODY>
      </HTML>
"""


# APIs the system has but the simulator does not route: their module answers JSON.
_JSON_404_PREFIXES = ("/usageManagement/",)
_NOT_FOUND_PAGE = """<HTML>
       <HEAD>
           <TITLE>Object Not Found</TITLE>
      </HEAD>
      <BODY>
      <H1>Object Not Found</H1>
The requested URL {path} was not found on this server.
</BODY>
      </HTML>
"""


class OcsError(Exception):
    """A failure with an OCS error body: raise it from a handler."""

    def __init__(self, status: int, message: str = "", reference: str = ABOUT_BLANK) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.reference = reference


def bad_request(message: str) -> OcsError:
    return OcsError(400, message)


def not_found(message: str) -> OcsError:
    return OcsError(404, message)


def error_response(request: web.Request, status: int, message: str, reference: str) -> web.Response:
    if status == 500:
        return internal_error_page()
    reason = _REASONS.get(status, "Error")
    if PROBLEM_JSON in request.headers.get("Accept", ""):
        problem = {"type": reference, "title": reason, "status": status, "detail": message}
        return _plain(json.dumps(problem, ensure_ascii=False), status, PROBLEM_JSON)
    fields: list[tuple[str, str]] = [
        ("@type", "Error"),
        ("referenceError", reference),
        ("code", ""),
        ("reason", reason),
    ]
    if message:
        fields.append(("message", message))
    fields.append(("status", str(status)))
    lines = ",\n".join(f"\t{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields)
    return _plain("{\n" + lines + "\n}", status, "application/json", _status_line(status))


def no_such_path_page(path: str) -> web.Response:
    escaped = html.escape(path).replace("/", "&#47;")
    page = _NOT_FOUND_PAGE.format(path=escaped)
    return _plain(page, 404, "text/html", "Object Not Found")


def internal_error_page() -> web.Response:
    return _plain(_INTERNAL_ERROR_PAGE, 500, "text/html")


def _plain(text: str, status: int, content_type: str, reason: str | None = None) -> web.Response:
    # Bytes, not text=: the system sends no charset parameter, and neither does this.
    return web.Response(body=text.encode(), status=status, reason=reason, content_type=content_type)


def _status_line(status: int) -> str:
    # inets says "Object Not Found" on its 404 status line.
    return "Object Not Found" if status == 404 else _REASONS.get(status, "Error")


@web.middleware
async def ocs_error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except OcsError as error:
        return error_response(request, error.status, error.message, error.reference)
    except TmfError as error:
        # The kit's faults and body checks raise these.
        return error_response(request, error.status, error.message, ABOUT_BLANK)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.status in (404, 405) and request.method == "POST":
            # Recorded: a POST to a path the system does not serve is inets' 500 page.
            return internal_error_page()
        if exc.status == 404 and not request.path.startswith(_JSON_404_PREFIXES):
            # Recorded 2026-12-06: inets' own HTML page, with or without Accept: JSON.
            return no_such_path_page(request.path)
        if exc.status == 404:
            return error_response(request, 404, NO_SUCH_PATH, NO_SUCH_PATH_REFERENCE)
        response = error_response(
            request, exc.status, f"{request.method} {request.path}", ABOUT_BLANK
        )
        if exc.status == 405:
            response.headers["Allow"] = exc.headers.get("Allow", "")
        return response
    except Exception:
        log.exception("unexpected failure in %s %s", request.method, request.path)
        return internal_error_page()

"""A route of either service: the method and path template the record gives
it, its handler, and the parameters it requires before anything else. The
server refuses such a parameter, absent or blank, before the handler runs,
in the words of the service's one `missing`; a parameter that is checked
only after the service's own guards (a KickApps key or token) is the
handler's to refuse, through the same `missing`."""

from collections import namedtuple

Route = namedtuple("Route", "method template handler required missing_text")


def route(method, template, handler, required=(), missing_text=None):
    """missing_text: what this route says of a missing parameter, where the
    record gives it its own words."""
    return Route(method, template, handler, tuple(required), missing_text)

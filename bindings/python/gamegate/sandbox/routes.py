"""A route of either service: the method and path template the record gives
it, its handler, and the parameters it requires. The server answers a
request only on its route's method, and refuses a required parameter that
is absent or blank before the handler runs, in the words of the service's
one `missing`."""

from collections import namedtuple

Route = namedtuple("Route", "method template handler required missing_text")


def route(method, template, handler, required=(), missing_text=None):
    """missing_text: what this route says of a missing parameter, where the
    record gives it its own words."""
    return Route(method, template, handler, tuple(required), missing_text)

"""The endpoint table, read from the C library, and the methods built from it:
a new row in lib/endpoints.c appears here with no Python change."""

import inspect
import keyword

from ._native import lib, text

FLAG_NAMES = [
    (lib.GG_PARAM_REQUIRED, "required"), (lib.GG_PARAM_ONE_OF, "one of a group"),
    (lib.GG_PARAM_SECRET, "secret"), (lib.GG_PARAM_COUNT, "whole number"),
    (lib.GG_PARAM_PATH, "in the path"), (lib.GG_PARAM_FROM_OPTION, "defaults to a client option"),
    (lib.GG_PARAM_FROM_SESSION, "defaults to the session store"),
    (lib.GG_PARAM_LOCAL, "read by gamegate, not sent"),
]


class Param:
    __slots__ = ("name", "flags", "choices")

    def __init__(self, name, flags, choices):
        self.name, self.flags, self.choices = name, flags, choices

    @property
    def required(self):
        return bool(self.flags & lib.GG_PARAM_REQUIRED)

    @property
    def secret(self):
        return bool(self.flags & lib.GG_PARAM_SECRET)

    @property
    def python_name(self):
        """The keyword a Python call uses: a Python keyword gains an underscore."""
        return self.name + "_" if keyword.iskeyword(self.name) else self.name

    @property
    def must_be_given(self):
        """Required, and nothing fills it in: not a key from the options, a
        token from the session store, or one of a one-of group."""
        filled_in = (lib.GG_PARAM_FROM_OPTION | lib.GG_PARAM_FROM_SESSION |
                     lib.GG_PARAM_ONE_OF)
        return self.required and not self.flags & filled_in

    def describe(self):
        notes = [label for bit, label in FLAG_NAMES if self.flags & bit]
        if self.choices:
            notes.append("one of " + self.choices.replace("|", ", "))
        return "%s: %s" % (self.name, "; ".join(notes) or "optional")


class Endpoint:
    __slots__ = ("name", "method", "path", "summary", "retry_safe", "takes_counts", "params")

    def __init__(self, index):
        self.name = text(lib.gg_endpoint_name(index))
        self.method = text(lib.gg_endpoint_method(index))
        self.path = text(lib.gg_endpoint_path(index))
        self.summary = text(lib.gg_endpoint_summary(index))
        self.retry_safe = bool(lib.gg_endpoint_retry_safe(index))
        self.takes_counts = bool(lib.gg_endpoint_takes_counts(index))
        self.params = [Param(text(lib.gg_endpoint_param_name(index, p)),
                             lib.gg_endpoint_param_flags(index, p),
                             text(lib.gg_endpoint_param_choices(index, p)))
                       for p in range(lib.gg_endpoint_param_count(index))]

    @property
    def service(self):
        return self.name.split(".", 1)[0]

    @property
    def method_name(self):
        return self.name.split(".", 1)[1]

    def docstring(self):
        lines = [self.summary + ".", "", "%s %s%s" % (
            self.method, self.path, "" if self.retry_safe else " (changes state: never retried)")]
        if self.params:
            lines += ["", "Parameters:"] + ["    " + p.describe() for p in self.params]
        if self.takes_counts:
            lines.append("    any other name=<whole number> pairs (statistics)")
        lines += ["", "A Python keyword can be given with a trailing underscore (as_=...)."]
        return "\n".join(lines)


ENDPOINTS = [Endpoint(i) for i in range(lib.gg_endpoint_count())]


class Service:
    """client.kongregate, client.kickapps: one method per endpoint of the service."""

    def __init__(self, client, name):
        self._client = client
        self._name = name

    def __dir__(self):
        return [e.method_name for e in ENDPOINTS if e.service == self._name]

    def __repr__(self):
        return "<gamegate service %s>" % self._name


def _signature(endpoint):
    """The method's real signature: keywords only, required ones first and
    without a default."""
    params = sorted(endpoint.params, key=lambda p: not p.must_be_given)
    parts = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parts += [inspect.Parameter(p.python_name, inspect.Parameter.KEYWORD_ONLY,
                                default=inspect.Parameter.empty if p.must_be_given else None)
              for p in params]
    if endpoint.takes_counts:
        parts.append(inspect.Parameter("counts", inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(parts)


def _make_method(endpoint):
    def call(self, **params):
        return self._client.call(endpoint.name, **params)
    call.__name__ = endpoint.method_name
    call.__qualname__ = "%s.%s" % (endpoint.service, endpoint.method_name)
    call.__doc__ = endpoint.docstring()
    call.__signature__ = _signature(endpoint)
    return call


def _service_classes():
    """One class per service, with a method per row of the table."""
    classes = {}
    for endpoint in ENDPOINTS:
        cls = classes.get(endpoint.service)
        if cls is None:
            cls = classes[endpoint.service] = type(
                endpoint.service.capitalize() + "Service", (Service,),
                {"__doc__": "The %s endpoints." % endpoint.service})
        setattr(cls, endpoint.method_name, _make_method(endpoint))
    return classes


SERVICES = _service_classes()

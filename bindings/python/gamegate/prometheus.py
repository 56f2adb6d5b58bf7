"""Prometheus metrics of a client's calls, from its observer (Debian's
python3-prometheus-client):

    from gamegate.prometheus import instrument
    instrument(client)  # registers with prometheus_client's default registry

gamegate_requests_total{endpoint,outcome} counts attempts by the outcome
each had (succeeded, not_applied, unknown); gamegate_request_duration_seconds
{endpoint} is a histogram of their time. Returns a function that stops it."""

from prometheus_client import REGISTRY, Counter, Histogram


class Metrics:
    def __init__(self, registry=REGISTRY, prefix="gamegate"):
        self.requests = Counter(prefix + "_requests_total",
                                "Attempts of gamegate calls, by endpoint and outcome",
                                ["endpoint", "outcome"], registry=registry)
        self.duration = Histogram(prefix + "_request_duration_seconds",
                                  "Time of one attempt of a gamegate call", ["endpoint"],
                                  registry=registry)

    def on_end(self, attempt):
        self.requests.labels(attempt.endpoint, attempt.outcome).inc()
        self.duration.labels(attempt.endpoint).observe(attempt.elapsed)


def instrument(client, registry=REGISTRY, metrics=None):
    """Counts client's attempts in metrics (made, and registered with
    registry, when not given: pass one Metrics to several clients)."""
    metrics = metrics or Metrics(registry)
    return client.observe(on_end=metrics.on_end)

"""Fixtures: gamegate's own pytest plugin (a sandbox process for the whole
session, reset before each test, and a client pointed at it), under this
suite's names, and a check that no secret leaks."""

import os

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


pytest_plugins = ["gamegate.pytest_plugin"]


def start_sandbox(data=None, tls=None):
    """A sandbox process on a free port; tls=(cert, key) serves HTTPS."""
    from gamegate.pytest_plugin import Sandbox  # imported here: pytest loads the plugin
    return Sandbox(data, tls)


def stop_sandbox(sandbox):
    sandbox.stop()


# This suite's own names for the plugin's fixtures.
@pytest.fixture
def sandbox(gamegate_sandbox):
    return gamegate_sandbox


@pytest.fixture
def client(gamegate_client):
    return gamegate_client


@pytest.fixture
def assert_no_secret(sandbox):
    def check(*texts):
        for text in texts:
            for secret in sandbox.secrets():
                assert secret not in text, "a secret leaked into: %r" % text
    return check

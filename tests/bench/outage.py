"""make bench: a Redis outage as a game server meets it. A login is stored in
a redis-server of its own, which is then stopped: how long a call that needs
the stored token takes to fail, what it says, that a call given its token
still works, and how long after Redis is back calls recover, without
restarting the client."""

import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))

import gamegate  # noqa: E402
from gamegate.pytest_plugin import Sandbox  # noqa: E402
from test_fleet import Redis  # noqa: E402


def ms(start):
    return (time.perf_counter() - start) * 1e3


def main():
    sandbox, redis = Sandbox(), Redis(tempfile.mkdtemp(prefix="gamegate-outage-"))
    try:
        user_id, _, token = sandbox.player()
        options = dict(sandbox.client_options(), session={"store": redis.url("tcp")})
        with gamegate.Client(**options) as client:
            client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
            redis.stop()
            for attempt in (1, 2):
                start = time.perf_counter()
                try:
                    client.kongregate.use_item(user_id=user_id, id=101)
                    print("bench: outage: a call succeeded while Redis was down (wrong)")
                except gamegate.StoreError as error:
                    print("bench: outage: call %d without a token: StoreError (code %d) after "
                          "%.2f ms: %s" % (attempt, error.code, ms(start), error))
            start = time.perf_counter()
            client.kongregate.use_item(user_id=user_id, id=101, game_auth_token=token)
            print("bench: outage: a call given its token: succeeded in %.1f ms" % ms(start))
            redis.start()
            back, tries = time.perf_counter(), 0
            while True:
                tries += 1
                try:
                    client.kongregate.use_item(user_id=user_id, id=101)
                    break
                except gamegate.StoreError:
                    time.sleep(0.05)
            print("bench: outage: calls recovered %.0f ms after Redis was back (%d tries, 50 ms "
                  "apart), same client" % (ms(back), tries))
            redis.process.send_signal(signal.SIGSTOP)  # Redis stalls: it accepts, never answers
            try:
                for attempt in (1, 2):
                    start = time.perf_counter()
                    try:
                        client.kongregate.use_item(user_id=user_id, id=101)
                    except gamegate.StoreError as error:
                        print("bench: outage: Redis stalled, call %d: StoreError after %.1f ms: "
                              "%s" % (attempt, ms(start), str(error).split(";")[0]))
            finally:
                redis.process.send_signal(signal.SIGCONT)
    finally:
        redis.stop()
        sandbox.stop()


if __name__ == "__main__":
    main()

"""Purchases awarded once: the delivery ledger behind first_delivery."""

import base64
import hashlib
import hmac
import json
import multiprocessing
import time

import pytest

import gamegate


def signed(key, order_id, event="item_order_placed", **extra):
    fields = {"algorithm": "HMAC-SHA256", "event": event, "game_id": 1, "buyer_id": 2,
              "recipient_id": 2, "order_id": order_id, "order_info": "sword", **extra}
    if order_id is None:
        del fields["order_id"]
    payload = base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=")
    mac = base64.urlsafe_b64encode(hmac.new(key.encode(), payload, hashlib.sha256).digest())
    return b"signed_request=" + mac.rstrip(b"=") + b"." + payload


@pytest.fixture
def key(sandbox):
    return sandbox.game["api_key"]


def test_in_one_process_the_first_delivery_is_told_from_the_others(key):
    with gamegate.Client(kongregate={"api_key": key}) as client:
        assert [client.verify_callback(signed(key, 7))["first_delivery"]
                for _ in range(3)] == [True, False, False]
        assert client.verify_callback(signed(key, 8))["first_delivery"] is True
        request = signed(key, 7, event="item_order_request")
        assert client.verify_callback(request)["first_delivery"] is True
    # Without a client there is no ledger, and no claim either way.
    assert "first_delivery" not in gamegate.verify_callback(signed(key, 7), key)


def test_a_record_is_kept_for_its_retention(key):
    with gamegate.Client(kongregate={"api_key": key}, ledger={"retention_ms": 1}) as client:
        assert client.verify_callback(signed(key, 9))["first_delivery"] is True
        time.sleep(0.05)  # only ever longer than 1 ms
        assert client.verify_callback(signed(key, 9))["first_delivery"] is True


def test_a_client_made_before_fork_records_in_the_shared_file_from_every_child(key, tmp_path):
    store = "sqlite://" + str(tmp_path / "gamegate.db")
    context = multiprocessing.get_context("fork")
    with gamegate.Client(kongregate={"api_key": key}, session={"store": store}) as client:
        assert client.verify_callback(signed(key, 55))["first_delivery"] is True
        out = context.Queue()

        def child():
            out.put(sum(client.verify_callback(signed(key, order))["first_delivery"]
                        for order in (55, 56, 56)))
        children = [context.Process(target=child) for _ in range(4)]
        for process in children:
            process.start()
        firsts = [out.get(timeout=120) for _ in children]
        for process in children:
            process.join(timeout=120)
        assert sum(firsts) == 1  # 55 was the parent's; 56 went to one child only
        assert client.verify_callback(signed(key, 56))["first_delivery"] is False


def test_a_store_that_cannot_be_named_or_opened_is_refused_when_set(tmp_path):
    with pytest.raises(gamegate.InvalidArgument, match="absolute path"):
        gamegate.Client(session={"store": "sqlite://relative.db"})
    with pytest.raises(gamegate.InvalidArgument, match="memory"):
        gamegate.Client(session={"store": "postgres://x"})
    with pytest.raises(gamegate.StoreError, match="cannot be used"):
        gamegate.Client(session={"store": "sqlite://" + str(tmp_path / "no" / "such.db")})


def test_orders_never_share_a_record(key):
    with gamegate.Client(kongregate={"api_key": key}) as client:
        firsts = [client.verify_callback(signed(key, order))["first_delivery"]
                  for order in (12, "12", "1\u0000a", "1\u0000b")]
        firsts += [client.verify_callback(signed(key, 5, event=event))["first_delivery"]
                   for event in ("a:b", "a")]
        assert firsts == [True] * 6


def test_an_order_id_that_cannot_be_recorded_is_refused_not_passed(key):
    with gamegate.Client(kongregate={"api_key": key}) as client:
        for order in (6.0, True, {"id": 1}, [1]):
            with pytest.raises(gamegate.ProtocolError, match="order_id"):
                client.verify_callback(signed(key, order))
        # An event about no order carries no claim either way.
        assert "first_delivery" not in client.verify_callback(signed(key, None))


def test_setting_the_same_store_again_keeps_its_history(key, tmp_path):
    with gamegate.Client(kongregate={"api_key": key}) as client:
        assert client.verify_callback(signed(key, 70))["first_delivery"] is True
        client.set("session.store", "memory")
        client.set("session.store", None)  # the default: memory too
        assert client.verify_callback(signed(key, 70))["first_delivery"] is False
        store = "sqlite://" + str(tmp_path / "s.db")
        client.set("session.store", store)
        assert client.verify_callback(signed(key, 70))["first_delivery"] is True  # another store
        client.set("session.store", store)
        assert client.verify_callback(signed(key, 70))["first_delivery"] is False


def test_clients_sharing_sessions_share_the_ledger(key):
    with gamegate.Client(kongregate={"api_key": key}) as owner:
        with gamegate.Client(kongregate={"api_key": key}, sessions_from=owner) as other:
            assert owner.verify_callback(signed(key, 80))["first_delivery"] is True
            assert other.verify_callback(signed(key, 80))["first_delivery"] is False


def record_once(key, store, order_id, out):
    with gamegate.Client(kongregate={"api_key": key}, session={"store": store}) as client:
        out.put(client.verify_callback(signed(key, order_id))["first_delivery"])


def test_a_parent_that_closes_the_store_does_not_lose_its_childrens_records(key, tmp_path):
    # The parent opened the file before forking, and lets go of it while its
    # child goes on recording: a process that comes after must see it all.
    store = "sqlite://" + str(tmp_path / "gamegate.db")
    fork, spawn = multiprocessing.get_context("fork"), multiprocessing.get_context("spawn")
    client = gamegate.Client(kongregate={"api_key": key}, session={"store": store})
    assert client.verify_callback(signed(key, 1))["first_delivery"] is True
    closed, out = fork.Event(), fork.Queue()

    def child():
        out.put(client.verify_callback(signed(key, 2))["first_delivery"])
        closed.wait(60)
        out.put(client.verify_callback(signed(key, 3))["first_delivery"])
    process = fork.Process(target=child)
    process.start()
    assert out.get(timeout=120) is True
    client.close()
    closed.set()
    assert out.get(timeout=120) is True
    later = spawn.Queue()
    for order in (1, 2, 3):
        checker = spawn.Process(target=record_once, args=(key, store, order, later))
        checker.start()
        assert later.get(timeout=120) is False, order
        checker.join(timeout=120)
    process.join(timeout=120)

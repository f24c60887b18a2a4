"""Hardening of the production profile, checked against the running processes."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bot.content.system_messages import RATE_LIMITED, TOO_LONG
from tests.prod.conftest import ALLOWED_ORIGIN
from tests.prod.support import client

pytestmark = pytest.mark.slow


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port` (from /proc/net/tcp*)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = open(table).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) != port or fields[3] != "0A":  # 0A = LISTEN
                continue
            if width == 8:
                found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
            else:
                found.add("ipv6:" + address)
    return found


def test_internal_processes_listen_on_loopback_only(shared_stack):
    settings = shared_stack.settings
    ports = [*settings.rasa_ports, *settings.action_ports, settings.action_lb_port, settings.portal_port]
    for port in ports:
        assert listening_addresses(port) == {"127.0.0.1"}, port


@pytest.mark.parametrize("method, path", [
    ("GET", "/status"), ("GET", "/version"), ("POST", "/model/parse"),
    ("GET", "/conversations/someone/tracker"), ("POST", "/conversations/someone/messages"),
    ("PUT", "/model"),
])
def test_rasa_http_api_is_disabled(shared_stack, method, path):
    for index in range(len(shared_stack.settings.rasa_ports)):
        answer = requests.request(method, shared_stack.replica_url(index) + path, json={"text": "hej"}, timeout=10)
        assert answer.status_code == 404, (index, path, answer.status_code)


def test_probes_answer_inside_and_stay_hidden_outside(shared_stack):
    report = shared_stack.ready("rasa-1")
    assert report == {"model": "loaded", "model_file": "model-1.tar.gz", "tracker_store": "ok",
                      "fail_closed": True, "lock_store": {"backend": "redis"}, "status": "ready"}
    assert shared_stack.ready("actions-1")["content_store"] == "ok"
    assert requests.get(f"{shared_stack.url}/webhooks/ops/ready", timeout=10).status_code == 404
    assert requests.get(f"{shared_stack.url}/nginx/health", timeout=10).json() == {"status": "ok"}
    assert requests.get(f"{shared_stack.url}/webhooks/rest/", timeout=10).json() == {"status": "ok"}


def preflight(url: str, origin: str) -> requests.Response:
    return requests.options(f"{url}/webhooks/rest/webhook", timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })


def test_cors_allows_only_the_configured_origins(shared_stack, sender):
    allowed = preflight(shared_stack.url, ALLOWED_ORIGIN)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    refused = preflight(shared_stack.url, "https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused.headers
    answer = requests.post(f"{shared_stack.url}/webhooks/rest/webhook", timeout=30,
                           json={"sender": sender, "message": "Hej"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_portal_gets_security_headers_from_nginx(shared_stack):
    page = requests.get(f"{shared_stack.url}/", timeout=10)
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert shared_stack.settings.public_url in directives["connect-src"].split()
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert f'data-bot-url="{shared_stack.settings.public_url}"' in page.text
    script = requests.get(f"{shared_stack.url}/static/widget.js", timeout=10)
    assert script.status_code == 200 and script.headers["X-Content-Type-Options"] == "nosniff"


def test_request_sizes_are_capped(shared_stack, sender):
    # over nginx's 16 KB for the chat: a polite bot message, not an HTTP error
    big = requests.post(f"{shared_stack.url}/webhooks/rest/webhook", timeout=30,
                        json={"sender": sender, "message": "a" * 40_000})
    assert big.status_code == 200
    assert big.json() == [{"recipient_id": "", "text": TOO_LONG}]
    # under it but over 1000 characters: the channel's own guard
    assert shared_stack.text(sender, "a" * 10_000) == TOO_LONG
    # each replica refuses big bodies by itself too (Sanic's limit)
    direct = requests.post(f"{shared_stack.replica_url(0)}/webhooks/rest/webhook", timeout=30,
                           data=json.dumps({"sender": sender, "message": "a" * 100_000}),
                           headers={"Content-Type": "application/json"})
    assert direct.status_code == 413
    # the portal: 2 MB at most
    upload = requests.post(f"{shared_stack.url}/admin/login", data=b"x" * (3 * 1024 * 1024), timeout=30)
    assert upload.status_code == 413


def test_rate_limit_answers_a_burst_politely_per_client(shared_stack):
    """40 messages at once from one address: the first 1 + burst (16) are answered,
    the rest get the polite Swedish rate-limit message as a bot reply (HTTP 200, with
    CORS for the widget); another address is served meanwhile; after a pause the
    first address is served again."""
    settings = shared_stack.settings
    burst = settings.chat_burst

    def send(index: int) -> requests.Response:
        with client("127.0.0.5") as session:
            return session.post(f"{shared_stack.url}/webhooks/rest/webhook", timeout=60,
                                json={"sender": f"burst-{index:03d}", "message": "Hej"},
                                headers={"Origin": ALLOWED_ORIGIN})

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(send, range(40)))
    assert all(a.status_code == 200 for a in answers)
    limited = [a for a in answers if a.json() == [{"recipient_id": "", "text": RATE_LIMITED}]]
    served = [a for a in answers if a.json() != [{"recipient_id": "", "text": RATE_LIMITED}]]
    assert burst + 1 <= len(served) <= burst + 3, len(served)
    assert len(limited) == 40 - len(served)
    assert all(a.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN for a in limited)
    assert all(a.json() and a.json()[0]["text"] for a in served)

    # per client: another address is not affected
    assert RATE_LIMITED not in shared_stack.text("burst-other", "Hej", source="127.0.0.6")
    # the bucket refills at the configured rate (1 r/s)
    time.sleep(2.5)
    assert RATE_LIMITED not in shared_stack.text("burst-again", "Hej", source="127.0.0.5")

"""The production profile's configuration, without starting it: settings, the
rendered nginx config (checked by `nginx -t`), Rasa's command line, endpoints,
the Compose file and .env.example."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.content.system_messages import RATE_LIMITED, TECHNICAL_ERROR, TOO_LONG
from bot.paths import ROOT
from bot.stack.nginx import nginx_binary, nginx_dir, nginx_temp_dir, render_nginx
from bot.stack.prod import rasa_argv, services
from bot.stack.prod_settings import ProdSettings
from bot.stack.runner import LOG_DIR

DEPLOY = ROOT / "deploy"


def test_settings_come_from_the_environment():
    settings = ProdSettings.from_environment({
        "RASA_REPLICAS": "3", "ACTION_SERVERS": "1", "PUBLIC_URL": "https://chatt.vanersborg.se/",
        "CORS_ORIGINS": "https://www.vanersborg.se, https://intranat.vanersborg.se",
        "TRACKER_DB_URL": "postgresql://u:p@db/c", "REDIS_HOST": "cache", "REDIS_PASSWORD": "s3cret",
        "CHAT_RATE_LIMIT": "30r/m", "CHAT_RATE_BURST": "5",
    })
    assert settings.rasa_ports == [5105, 5106, 5107] and settings.action_ports == [5155]
    assert settings.origins == ("https://www.vanersborg.se", "https://intranat.vanersborg.se")
    environment = settings.environment()
    assert environment["TRACKER_DB_URL"] == "postgresql://u:p@db/c"
    assert environment["REDIS_HOST"] == "cache" and environment["REDIS_PASSWORD"] == "s3cret"
    assert environment["PUBLIC_RASA_URL"] == "https://chatt.vanersborg.se"
    assert environment["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5150/webhook"
    assert ProdSettings.from_environment({}).origins == ("http://localhost:8000",)


def test_rasa_api_is_off_unless_a_token_is_set():
    plain = rasa_argv(ProdSettings(), 5105)
    assert "--enable-api" not in plain and "--auth-token" not in plain
    assert plain[plain.index("--interface") + 1] == "127.0.0.1"
    assert plain[plain.index("--endpoints") + 1].endswith("endpoints.prod.yml")
    with_token = rasa_argv(ProdSettings(api_token="t0ken"), 5105)
    assert with_token[with_token.index("--enable-api") + 1:][:2] == ["--auth-token", "t0ken"]


def test_every_internal_process_binds_to_loopback_and_has_probes():
    for service in services(ProdSettings()):
        assert service.health_url.startswith("http://127.0.0.1:")
        if service.name.startswith("actions"):
            assert service.argv[service.argv.index("--host") + 1] == "127.0.0.1"
        if service.name.startswith("rasa"):
            assert service.ready_url.endswith("/webhooks/ops/ready")


def nginx_test(config: str, tmp_path: Path) -> subprocess.CompletedProcess:
    binary = nginx_binary()
    assert binary, "nginx is not installed; `make test` installs it"
    path = tmp_path / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    (tmp_path / "temp").mkdir(exist_ok=True)
    return subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(path), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True)


def _local_config(tmp_path: Path, settings: ProdSettings) -> str:
    config = render_nginx(settings)
    config = config.replace(str(nginx_temp_dir(settings)), str(tmp_path / "temp"))
    config = config.replace(str(nginx_dir(settings)), str(tmp_path))
    return config.replace(str(LOG_DIR), str(tmp_path))


@pytest.mark.parametrize("tls", [False, True], ids=["http", "tls"])
def test_rendered_nginx_config_is_valid(tmp_path, tls):
    settings = ProdSettings(listen_port=18000, tls_port=18443)
    if tls:
        certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)],
                       check=True, capture_output=True)
        settings = ProdSettings(listen_port=18000, tls_port=18443, tls_certificate=str(certificate),
                                tls_key=str(key), real_ip_from=("10.0.0.0/8",))
    result = nginx_test(_local_config(tmp_path, settings), tmp_path)
    assert result.returncode == 0, result.stderr


def test_compose_nginx_config_is_valid_apart_from_names(tmp_path):
    config = render_nginx(ProdSettings(), compose=True)
    for name in ("rasa", "actions", "portal"):  # container names resolve only inside Compose
        config = config.replace(f"server {name}:", "server 127.0.0.1:")
    config = config.replace("listen 80;", "listen 127.0.0.1:18080;").replace("listen 5150;", "listen 127.0.0.1:18150;")
    config = config.replace("/tmp/nginx.pid", str(tmp_path / "nginx.pid"))
    result = nginx_test(config, tmp_path)
    assert result.returncode == 0, result.stderr


def test_nginx_config_has_the_hardening():
    config = render_nginx(ProdSettings(cors_origins=("https://www.vanersborg.se",)))
    chat = config[config.index("location = /webhooks/rest/webhook"):]
    chat = chat[:chat.index("}")]
    assert "limit_req zone=chat" in chat and "client_max_body_size 16k;" in chat
    assert "limit_req_zone $chat_limit_key zone=chat:10m rate=1r/s;" in config
    assert '"https://www.vanersborg.se" $http_origin;' in config
    assert "server_tokens off;" in config
    for body, text in (("@rate_limited", RATE_LIMITED), ("@too_large", TOO_LONG), ("@unavailable", TECHNICAL_ERROR)):
        block = config[config.index(f"location {body}"):]
        payload = re.search(r"return 200 '(.*)';", block)[1]
        assert json.loads(payload) == [{"recipient_id": "", "text": text}]
    csp = re.search(r'"" "(default-src[^"]*)";', config)[1].replace("\\'", "'")
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "connect-src 'self' http://localhost:8000" in csp


def test_endpoints_read_everything_from_the_environment(monkeypatch):
    from rasa.core.utils import read_endpoints_from_path

    settings = ProdSettings(tracker_db_url="postgresql://u@db/c", redis_host="cache", redis_password="")
    for name, value in settings.environment().items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(str(ROOT / "endpoints.prod.yml"))
    assert endpoints.tracker_store.type == "bot.rasa.tracker_store.ResilientSQLTrackerStore"
    assert endpoints.tracker_store.url == "postgresql://u@db/c"
    assert endpoints.lock_store.type == "bot.rasa.lock_store.ResilientRedisLockStore"
    assert endpoints.lock_store.url == "cache"
    assert endpoints.action.url == "http://127.0.0.1:5150/webhook"


def test_compose_file_uses_the_official_images_and_publishes_only_nginx():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    services_ = compose["services"]
    assert {"postgres", "redis", "rasa", "actions", "portal", "nginx"} <= set(services_)
    assert "FROM rasa/rasa:3.6.21-full" in (DEPLOY / "Dockerfile.app").read_text()
    assert "FROM rasa/rasa-sdk:3.6.2" in (DEPLOY / "Dockerfile.actions").read_text()
    assert [name for name, service in services_.items() if service.get("ports")] == ["nginx"]
    rasa_command = " ".join(services_["rasa"]["command"])
    assert "--enable-api" not in rasa_command and "endpoints.prod.yml" in rasa_command
    assert compose["networks"]["backend"]["internal"] is True
    assert "NOT RUN HERE" in (DEPLOY / "docker-compose.yml").read_text()


def _variables_read_by_the_code() -> set[str]:
    pattern = re.compile(r'(?:environ\.get\(|environ\[|getenv\(|env_(?:int|str|flag|words)\((?:os\.environ|env), '
                         r'|env\.get\()"([A-Z][A-Z0-9_]+)"')
    names: set[str] = set()
    for folder in ("bot", "actions", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(pattern.findall(path.read_text(encoding="utf-8")))
    for path in (ROOT / "endpoints.prod.yml", DEPLOY / "docker-compose.yml"):
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", path.read_text(encoding="utf-8")))
    return names - {"PYTHONPATH"}


def test_env_example_documents_every_setting():
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    missing = _variables_read_by_the_code() - documented
    assert not missing, f"document these in .env.example: {sorted(missing)}"


def test_dotenv_fills_in_but_the_environment_wins(tmp_path, monkeypatch):
    from bot.stack.prod import load_dotenv

    path = tmp_path / ".env"
    path.write_text("# comment\nREDIS_HOST=from-file\nexport REDIS_DB='3'\nCHAT_RATE_BURST=9\n", encoding="utf-8")
    monkeypatch.setenv("CHAT_RATE_BURST", "20")
    for name in ("REDIS_HOST", "REDIS_DB"):  # set, then delete: monkeypatch restores either way
        monkeypatch.setenv(name, "x")
        monkeypatch.delenv(name)
    load_dotenv(path)
    settings = ProdSettings.from_environment()
    assert (settings.redis_host, settings.redis_db, settings.chat_burst) == ("from-file", 3, 20)

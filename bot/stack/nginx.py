"""The nginx in front of the production profile: its configuration, rendered
from deploy/nginx.conf.j2, and its folders. nginx answers a resident itself
when it refuses a request (rate limit, body too large, no replica), with the
bot's own wording of those messages."""
from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import tempfile
from pathlib import Path

from bot.content.system_messages import RATE_LIMITED, TECHNICAL_ERROR, TOO_LONG
from bot.paths import ROOT
from bot.stack.prod_settings import ProdSettings
from bot.stack.runner import LOG_DIR

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.j2"
CHAT_MAX_BODY = "16k"  # a message is at most 1000 characters; JSON and metadata fit easily
PORTAL_MAX_BODY = "2m"  # the portal's own limit (aiohttp client_max_size) is the same


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def nginx_dir(settings: ProdSettings) -> Path:
    return settings.run_dir / "nginx"


def nginx_temp_dir(settings: ProdSettings) -> Path:
    """nginx's temporary files, outside var/: var/ is private (700) and nginx's
    workers run as another user (www-data), so they get a folder of their own."""
    return Path(tempfile.gettempdir()) / f"vanersborg-nginx-{settings.listen_port}"


def nginx_conf_path(settings: ProdSettings) -> Path:
    return nginx_dir(settings) / "nginx.conf"


def _nginx_string(value: str) -> str:
    """A value for a single-quoted nginx string."""
    if "$" in value:
        raise ValueError(f"nginx would read '$' as a variable: {value!r}")
    return value.replace("\\", "\\\\").replace("'", "\\'")


def bot_reply(text: str) -> str:
    """A reply in the shape of Rasa's REST channel, for nginx to send itself."""
    return _nginx_string(json.dumps([{"recipient_id": "", "text": text}], ensure_ascii=False))


def _worker_user() -> str | None:
    if os.geteuid() != 0:
        return None  # nginx ignores `user` unless it starts as root
    for name in ("www-data", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def render_nginx(settings: ProdSettings, *, compose: bool = False) -> str:
    """The nginx configuration for these settings (`compose`: for deploy/docker-compose.yml)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(NGINX_TEMPLATE.parent)),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
    )
    if compose:
        values = dict(
            user=None, workers="auto", run_dir="/tmp", temp_dir="/tmp",
            error_log="stderr", access_log="/dev/stdout",
            listen="80", tls_listen="443",
            rasa_servers=["rasa:5005"], action_servers=["actions:5055"],
            action_lb_listen="5150", portal_server="portal:8080",
        )
    else:
        base = nginx_dir(settings)
        values = dict(
            user=_worker_user(), workers=settings.nginx_workers, run_dir=str(base),
            temp_dir=str(nginx_temp_dir(settings)),
            error_log=str(LOG_DIR / f"{settings.log_prefix}nginx-error.log"),
            access_log=str(LOG_DIR / f"{settings.log_prefix}nginx-access.log"),
            listen=f"{settings.listen_host}:{settings.listen_port}",
            tls_listen=f"{settings.listen_host}:{settings.tls_port}",
            rasa_servers=[f"127.0.0.1:{port}" for port in settings.rasa_ports],
            action_servers=[f"127.0.0.1:{port}" for port in settings.action_ports],
            action_lb_listen=f"127.0.0.1:{settings.action_lb_port}",
            portal_server=f"127.0.0.1:{settings.portal_port}",
        )
    for origin in settings.origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d+)?", origin):
            raise ValueError(f"CORS_ORIGINS: not an origin (scheme://host[:port]): {origin!r}")
    tls = ({"certificate": settings.tls_certificate, "key": settings.tls_key}
           if settings.tls_certificate and settings.tls_key else None)
    return environment.get_template(NGINX_TEMPLATE.name).render(
        **values,
        tls=tls,
        server_name=settings.server_name,
        real_ip_from=settings.real_ip_from,
        cors_origins=settings.origins,
        chat_rate=settings.chat_rate,
        chat_burst=settings.chat_burst,
        chat_timeout=settings.chat_timeout,
        chat_max_body=CHAT_MAX_BODY,
        portal_max_body=PORTAL_MAX_BODY,
        csp=_nginx_string(settings.csp),
        rate_limited_body=bot_reply(RATE_LIMITED),
        too_large_body=bot_reply(TOO_LONG),
        unavailable_body=bot_reply(TECHNICAL_ERROR),
    )


def write_nginx_config(settings: ProdSettings) -> Path:
    temp = nginx_temp_dir(settings)
    temp.mkdir(mode=0o700, exist_ok=True)
    worker = _worker_user()
    if worker:
        entry = pwd.getpwnam(worker)
        os.chown(temp, entry.pw_uid, entry.pw_gid)
    nginx_dir(settings).mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    path = nginx_conf_path(settings)
    path.write_text(render_nginx(settings), encoding="utf-8")
    return path

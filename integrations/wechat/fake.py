"""A local fake of WeChat's auth.code2Session, for tests and local demos.

It runs a real HTTP server on 127.0.0.1 (OS-chosen port unless given) in a background thread and
answers with WeChat's JSON shapes, with the content-type WeChat often uses (text/plain):

    with FakeWeChatServer(appid="wx-test", secret="s3cret") as fake:
        code = fake.issue_code("openid-1", unionid="union-1")   # one-time code
        fake.fail_next(-1, times=2)                             # next 2 requests: system busy
        client = WeChatClient(appid="wx-test", secret="s3cret", base_url=fake.base_url)
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from integrations.local_server import LocalServer

PATH = "/sns/jscode2session"

ERRMSG: dict[int, str] = {
    -1: "system error",
    40002: "invalid grant_type",
    40013: "invalid appid",
    40029: "invalid code",
    40125: "invalid appsecret",
    40163: "code been used",
    40226: "high risk user",
    41008: "missing code",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
}


class FakeWeChatServer(LocalServer):
    """A code2Session server with a registry of one-time codes and scriptable failures."""

    def __init__(
        self,
        *,
        appid: str,
        secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        content_type: str = "text/plain",
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.content_type = content_type
        self.requests: list[dict[str, str]] = []  # parsed query of every request, in order
        self.session_keys: list[str] = []  # every session_key handed out, so tests can hunt leaks
        self._codes: dict[str, tuple[str, str | None]] = {}  # code -> (openid, unionid)
        self._used: set[str] = set()
        self._failures: deque[int] = deque()
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), host=host, port=port, name="fake-wechat")

    # -- scripting ------------------------------------------------------------------------------

    def issue_code(self, openid: str, unionid: str | None = None) -> str:
        """Register a one-time login code for this user, as wx.login() would hand out."""
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = (openid, unionid)
        return code

    def fail_next(self, errcode: int, times: int = 1) -> None:
        """Answer the next `times` requests with `errcode`, whatever they ask."""
        with self._lock:
            self._failures.extend([errcode] * times)

    # -- protocol -------------------------------------------------------------------------------

    def answer(self, query: dict[str, str]) -> dict[str, Any]:
        """The JSON WeChat would send for this query (also records the request)."""
        with self._lock:
            self.requests.append(query)
            if self._failures:
                return _error(self._failures.popleft())
            if query.get("appid") != self.appid:
                return _error(40013)
            if query.get("secret") != self.secret:
                return _error(40125)
            if query.get("grant_type") != "authorization_code":
                return _error(40002)
            code = query.get("js_code", "")
            if not code:
                return _error(41008)
            if code in self._used:
                return _error(40163)
            if code not in self._codes:
                return _error(40029)
            openid, unionid = self._codes.pop(code)
            self._used.add(code)
            session_key = base64.b64encode(secrets.token_bytes(16)).decode()
            self.session_keys.append(session_key)
        body: dict[str, Any] = {"session_key": session_key, "openid": openid}
        if unionid is not None:
            body["unionid"] = unionid
        return body


def _error(errcode: int) -> dict[str, Any]:
    rid = secrets.token_hex(12)
    return {"errcode": errcode, "errmsg": f"{ERRMSG.get(errcode, 'error')}, rid: {rid}"}


def _handler_for(fake: FakeWeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != PATH:
                self._send(404, {"errcode": 404, "errmsg": "not found"})
                return
            self._send(200, fake.answer(dict(parse_qsl(url.query, keep_blank_values=True))))

        def _send(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", fake.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the default logs the request line, secret and code included

    return Handler

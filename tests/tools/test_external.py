"""`check --external`: links to other websites opened against a real HTTP server on 127.0.0.1."""
import http.server
import socket
import threading

import pytest

from dangjian.cli import main
from dangjian.tools import external
from toolsite import article, make_site


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self, body: bool):
        status = {"/ok": 200, "/gone": 404, "/removed": 410, "/broken": 500, "/no-head": 200}[self.path]
        if self.command == "HEAD" and self.path == "/no-head":
            status = 405
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_probe_reads_status_and_falls_back_to_get(server):
    assert external.probe(server + "/ok")[0] == 200
    assert external.probe(server + "/no-head")[0] == 200
    assert external.probe(server + "/gone") == (404, "HTTP 404")
    status, reason = external.probe(f"http://127.0.0.1:{_closed_port()}/")
    assert status is None and reason == "对方拒绝连接"


def test_check_external_reports_each_failing_link_at_its_line(tmp_path, monkeypatch, capsys, server):
    body = (f"[正常]({server}/ok)\n\n[已删除]({server}/gone)\n\n"
            f"[出错]({server}/broken)\n\n![图]({server}/removed)\n\n[HEAD 不支持]({server}/no-head)")
    make_site(tmp_path, {"news/2026/a.md": article("外部链接", "2026-05-10", body)})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q"]) in (0, 1)
    assert "外部链接" not in capsys.readouterr().out        # off by default: nothing is opened
    assert main(["check", "--external"]) == 1
    out = capsys.readouterr().out
    assert f"content/news/2026/a.md:8: 外部链接打不开：{server}/gone（HTTP 404）" in out
    assert f"content/news/2026/a.md:12: 外部链接打不开：{server}/removed（HTTP 410）" in out
    assert f"content/news/2026/a.md:10: 警告：外部链接暂时打不开：{server}/broken（HTTP 500）" in out
    assert "/ok" not in out and "/no-head" not in out

"""/docs and /redoc use only assets the service itself serves (vendored in
service/static/vendor), so the API documentation works without Internet access."""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "service" / "static" / "vendor"
TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class References(HTMLParser):
    """Every URL a page refers to: src/href attributes, any attribute holding an absolute
    path or URL (ReDoc's spec-url), and string literals of inline scripts that look like URLs."""

    def __init__(self):
        super().__init__()
        self.urls, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.urls += [value for name, value in attrs
                      if value and (name in ("src", "href") or re.match(r"(https?:)?//|/\w", value))]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.urls += re.findall(r"""['"]((?:https?:)?//[^'"]+|/[^'"\s]+\.(?:js|css|png|json))['"]""", data)


@pytest.mark.parametrize("path, assets", [
    ("/docs", {"/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
               "/static/vendor/swagger-ui/favicon-32x32.png", "/openapi.json"}),
    ("/redoc", {"/static/vendor/redoc/redoc.standalone.js", "/static/vendor/swagger-ui/favicon-32x32.png",
                "/openapi.json"}),
])
def test_docs_pages_reference_only_local_assets(client, path, assets):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    parser = References()
    parser.feed(response.text)
    urls = set(parser.urls)
    assert assets <= urls
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{path} refers to {url}"
        served = client.get(url)
        assert served.status_code == 200, url
        if url.startswith("/static/vendor/"):
            expected_type = TYPES[Path(url).suffix]
            assert served.headers["content-type"].split(";")[0] == expected_type, url
            assert served.content == (VENDOR / url.removeprefix("/static/vendor/")).read_bytes()


def test_the_schema_the_docs_load_lists_the_operations(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/check", "/v1/extract", "/v1/rules"} <= set(paths)
    assert "/docs" not in paths and "/redoc" not in paths


def test_vendored_files_match_their_record_and_carry_licences():
    note = (VENDOR / "README.md").read_text(encoding="utf-8")
    recorded = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", note, re.M))
    assert set(recorded) == {"swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css",
                             "swagger-ui/favicon-32x32.png", "redoc/redoc.standalone.js"}
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    for package in ("swagger-ui", "redoc"):
        assert (VENDOR / package / "LICENSE").stat().st_size > 500
    assert "Apache License" in (VENDOR / "swagger-ui" / "LICENSE").read_text(encoding="utf-8")
    assert "MIT" in (VENDOR / "redoc" / "LICENSE").read_text(encoding="utf-8")
    # nothing but what the docs pages load, the licences and the record
    shipped = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert shipped == set(recorded) | {"README.md", "swagger-ui/LICENSE", "swagger-ui/NOTICE",
                                       "swagger-ui/swagger-ui-bundle.js.LICENSE.txt", "redoc/LICENSE",
                                       "redoc/redoc.standalone.js.LICENSE.txt"}

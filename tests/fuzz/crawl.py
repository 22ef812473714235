"""A crawler of the web pages and the API's reads, for the fuzz tests (DATA-4).

:func:`crawl` follows every link a person's pages show (from the home page and the
alliances given), and reads every export it finds; :func:`api_reads` reads every GET
route of the API whose path parameters it can fill from the ids it was given. Both
collect what answered 5xx and what an export writer produced that does not parse.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from pactum.auth.service import start_session
from pactum.models import User
from pactum.settings import Settings
from pactum.web.session import COOKIE

# Links a crawler must not follow: they end the session or change something on a GET.
NOT_FOLLOWED = re.compile(r"/(logout|sign-out|static)\b|/live\b|/events\b|/join\b")
PAGE_LIMIT = 400


@dataclass
class Form:
    """A form of a page: where it posts and its fields with their current values."""

    page: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, value)
    options: dict[str, list[str]] = field(default_factory=dict)

    @property
    def multipart(self) -> bool:
        return any(kind == "file" for _, kind, _ in self.fields)


class _Page(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method = a.get("method", "get").lower()
            self._form = Form(self.url, a.get("action") or self.url) if method == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.options.setdefault(a["name"], []).append(a.get("value", "on"))
                return
            self._form.fields.append((a["name"], kind, a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.fields.append((a["name"], "select", ""))
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._form.options.setdefault(self._select, []).append(value)
            if "selected" in a or not self._current(self._select):
                self._set(self._select, value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields.append((a["name"], "textarea", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._set(self._textarea, self._current(self._textarea) + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def _current(self, name: str) -> str:
        assert self._form is not None
        return next((v for n, _, v in self._form.fields if n == name), "")

    def _set(self, name: str, value: str) -> None:
        assert self._form is not None
        self._form.fields = [(n, k, value if n == name else v) for n, k, v in self._form.fields]


def parse(url: str, html: str) -> tuple[list[str], list[Form]]:
    """The same-site links and the POST forms of a page."""
    page = _Page(url)
    page.feed(html)
    links = []
    for href in page.links:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        links.append(href)
    return links, page.forms


def web_client(app: FastAPI, session: Session, user_id: uuid.UUID) -> TestClient:
    """A browser-like client signed in as the user (a web session of its own, committed
    in ``session``)."""
    settings: Settings = app.state.settings
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    user = session.get(User, user_id)
    assert user is not None
    token, _web = start_session(session, settings, user, client="fuzz")
    session.commit()
    client.cookies.set(COOKIE, token)
    return client


def broken_export(response: httpx.Response) -> str | None:
    """Why an export's content does not parse as its type says, or ``None``."""
    kind = response.headers.get("content-type", "")
    body = response.content
    try:
        if "spreadsheetml" in kind:
            book = load_workbook(io.BytesIO(body), read_only=True)
            for sheet in book.worksheets:
                for _row in sheet.iter_rows(values_only=True):
                    pass
        elif "pdf" in kind:
            for page in PdfReader(io.BytesIO(body)).pages:
                page.extract_text()
        elif "zip" in kind:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                bad = archive.testzip()
                if bad is not None:
                    return f"zip member {bad} is corrupt"
        elif "text/csv" in kind:
            list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        elif "calendar" in kind:
            text = body.decode("utf-8")
            if not text.startswith("BEGIN:VCALENDAR") or "END:VCALENDAR" not in text:
                return "not a calendar"
            if any(len(line.encode()) > 75 for line in text.split("\r\n")):
                return "a calendar line longer than 75 octets"
        elif "json" in kind and body:
            json.loads(body)
    except Exception as error:  # the point: any failure to read it back is a finding
        return f"{type(error).__name__}: {error}"
    return None


@dataclass
class Findings:
    """What went wrong while reading."""

    failures: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    pages: int = 0
    exports: int = 0

    def check(self, label: str, response: httpx.Response) -> None:
        if response.status_code >= 500:
            self.failures.append(f"{label}: {response.status_code} {response.text[:200]}")
            return
        if response.status_code == 200:
            problem = broken_export(response)
            if problem is not None:
                self.failures.append(f"{label}: {problem}")


def crawl(client: TestClient, starts: Iterable[str], limit: int = PAGE_LIMIT) -> Findings:
    """Read every page reachable from ``starts`` (up to ``limit``), and its forms."""
    found = Findings()
    queue = list(starts)
    seen: set[str] = set()
    shapes: set[str] = set()
    while queue and found.pages < limit:
        url = queue.pop(0)
        shape = _shape(url)
        if url in seen or shape in shapes or NOT_FOLLOWED.search(url):
            continue
        seen.add(url)
        shapes.add(shape)
        response = client.get(url, follow_redirects=False)
        found.check(f"GET {url}", response)
        kind = response.headers.get("content-type", "")
        if response.status_code != 200 or "text/html" not in kind:
            found.exports += 1
            continue
        found.pages += 1
        links, forms = parse(url, response.text)
        queue.extend(links)
        found.forms.extend(forms)
    return found


_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _shape(url: str) -> str:
    """A URL with its record ids blanked, and its query's names (not values) kept:
    one page per shape is enough, and the crawl stays bounded."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = dict(parse_qsl(parts.query))
    kept = [f"{k}={query[k]}" for k in names if k in ("fmt", "format", "tab", "view")]
    return _ID.sub("{id}", parts.path) + "?" + "&".join(kept or names)


def api_reads(
    client: TestClient, app: FastAPI, headers: dict[str, str], ids: dict[str, list[str]]
) -> Findings:
    """Every GET of the API whose path parameters ``ids`` can fill (each combination of
    the first few values), with ``fmt`` as csv and xlsx."""
    found = Findings()
    names = re.compile(r"{(\w+)}")
    for path, operations in app.openapi()["paths"].items():
        if "get" not in operations or not path.startswith("/api/"):
            continue
        params = [p for p in names.findall(path) if p != "fmt"]
        if any(p not in ids for p in params):
            continue
        for url in _fill(path, params, ids):
            for fmt in ("csv", "xlsx") if "{fmt}" in path else ("",):
                target = url.replace("{fmt}", fmt)
                found.check(f"GET {target}", client.get(target, headers=headers))
                found.pages += 1
    return found


def _fill(path: str, params: list[str], ids: dict[str, list[str]]) -> list[str]:
    urls = [path]
    for param in params:
        urls = [u.replace(f"{{{param}}}", value) for u in urls for value in ids[param][:3]]
    return urls

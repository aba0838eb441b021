"""The dashboard's files are served by name, and nothing outside web/ can be reached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib import web_assets
from chalicelib.web_assets import WEB_DIR, load_asset

_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]""", re.MULTILINE)
_PAGE_REF = re.compile(r"""(?:src|href)="([^"#]+)\"""")
_NAMED_IMPORT = re.compile(r"""import\s*\{([^}]*)\}\s*from\s*['"]\./([^'"]+)['"]""")
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function|const|let|class)\s+(\w+)", re.MULTILINE)


def _modules_reachable_from(entry: str) -> set[str]:
    seen: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        asset = load_asset(name)
        assert asset is not None, f"{name} is imported but not served"
        for spec in _IMPORT.findall(asset.text):
            assert spec.startswith("./"), f"{name} imports {spec!r}, which is not a sibling file"
            todo.append(spec.removeprefix("./"))
    return seen


@pytest.mark.parametrize("path", ["", "/", "index.html"])
def test_the_root_and_index_html_are_the_page(path: str) -> None:
    asset = load_asset(path)

    assert asset is not None
    assert asset.content_type == "text/html; charset=utf-8"
    assert '<html lang="en">' in asset.text


def test_the_page_refers_only_to_assets_that_are_served() -> None:
    page = load_asset("index.html")
    assert page is not None

    refs = _PAGE_REF.findall(page.text)

    assert refs == ["assets/icon.svg", "assets/app.css", "assets/app.js"]
    for ref in refs:
        assert load_asset(ref.removeprefix("assets/")) is not None


def test_every_module_the_page_imports_is_served_as_javascript() -> None:
    modules = _modules_reachable_from("app.js")

    assert {"api.js", "auth.js", "board.js", "panel.js", "stepform.js"} <= modules
    for name in modules:
        asset = load_asset(name)
        assert asset is not None
        assert asset.content_type == "text/javascript; charset=utf-8"


def test_every_name_a_module_imports_is_exported_by_the_module_it_names() -> None:
    # No JavaScript test runner here: this catches a renamed or deleted export, which would
    # otherwise stop the whole page from loading in the browser.
    for name in _modules_reachable_from("app.js") | _modules_reachable_from("join.js"):
        importer = load_asset(name)
        assert importer is not None
        for names, target in _NAMED_IMPORT.findall(importer.text):
            exporter = load_asset(target)
            assert exporter is not None
            exported = set(_EXPORT.findall(exporter.text))
            wanted = {n.strip() for n in names.split(",") if n.strip()}
            assert wanted <= exported, f"{name} imports {wanted - exported} from {target}"


def test_every_file_in_the_web_directory_is_reachable_from_the_page() -> None:
    shipped = {p.name for p in WEB_DIR.iterdir() if p.is_file()}

    # The join page (pages/join.html, a template the server renders) has its own entry module.
    reachable = (
        _modules_reachable_from("app.js")
        | _modules_reachable_from("join.js")
        | {"index.html", "app.css", "icon.svg"}
    )

    assert shipped - {"config.json"} == reachable


def test_the_stylesheet_is_served_as_css() -> None:
    asset = load_asset("app.css")

    assert asset is not None
    assert asset.headers["Content-Type"] == "text/css; charset=utf-8"
    assert asset.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_carries_a_policy_that_allows_no_inline_or_foreign_script() -> None:
    page = load_asset("index.html")
    assert page is not None

    policy = page.headers["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in page.text
    assert "style=" not in page.text


@pytest.mark.parametrize(
    "path",
    [
        "../web_assets.py",
        "..",
        "../../pyproject.toml",
        "/etc/passwd",
        "%2e%2e%2fweb_assets.py",
        "web/app.js",
        "./app.js",
        "app.js/",
        ".hidden.js",
        "app.js\x00.css",
        "app\\..\\app.js",
        "C:app.js",
    ],
)
def test_a_path_that_could_leave_the_web_directory_is_not_found(path: str) -> None:
    assert load_asset(path) is None


@pytest.mark.parametrize("name", ["missing.js", "notes.py", "archive.tar.gz", "app"])
def test_a_missing_file_or_an_unknown_type_is_not_found(name: str) -> None:
    assert load_asset(name) is None


def test_a_symlink_that_points_outside_the_web_directory_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = tmp_path / "web"
    web.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser")
    (web / "leak.txt").symlink_to(secret)
    (web / "readme.txt").write_text("fine")
    monkeypatch.setattr(web_assets, "WEB_DIR", web.resolve())

    assert load_asset("leak.txt") is None
    served = load_asset("readme.txt")
    assert served is not None
    assert served.text == "fine"


def test_an_edited_file_is_served_fresh_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.json").write_text('{"cognito": null}')
    monkeypatch.setattr(web_assets, "WEB_DIR", tmp_path.resolve())
    before = load_asset("config.json")

    (tmp_path / "config.json").write_text('{"cognito": {"domain": "auth.example"}}')

    after = load_asset("config.json")
    assert before is not None
    assert after is not None
    assert before.content_type == "application/json"
    assert "auth.example" in after.text

"""The JavaScript budget of the public pages: at most 200 KB gzipped on a first load.

What the browser downloads before a public page shows: the entry chunk of index.html, the
route's own chunk (the router's `() => import(...)`), and every chunk either of them imports
statically (Vite preloads those with the dynamic import), read from the build's manifest
(frontend/dist/.vite/manifest.json, `build.manifest` in vite.config.ts). Each file is gzipped at
level 9, as nginx's gzip_static / whitenoise's compressed copies serve it, and the sizes summed.

The routes come from frontend/src/router/index.ts: every route without `auth: true` in its meta
is public and must have an entry in BUDGETS, so a new public page cannot slip past the budget.

The build must exist (`cd frontend && npm run build`, which `make test` runs first): without it
the test fails, it does not skip. How to read the figures: docs/developer/frontend.md.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "dist"
MANIFEST = DIST / ".vite" / "manifest.json"
ROUTER = FRONTEND / "src" / "router" / "index.ts"

# kB as Vite prints them (1,000 bytes): the budget is 200,000 bytes.
KB = 1000
# Route name → the most JavaScript (gzipped bytes) its first load may fetch.
BUDGETS = {
    "home": 200 * KB,
    "contests": 200 * KB,
    "contest": 200 * KB,
    "challenges": 200 * KB,
    "challenge": 200 * KB,
    "login": 200 * KB,
    "register": 200 * KB,
    "join": 200 * KB,
    "awards": 200 * KB,
    "notice": 200 * KB,
    "contest-results": 200 * KB,
    "challenge-results": 200 * KB,
    "certificate-verify": 200 * KB,
    "unsubscribe": 200 * KB,
    "expert-invitation": 200 * KB,
    "not-found": 200 * KB,
    "live-screen": 200 * KB,
}

NAME = re.compile(r"\bname:\s*'(?P<name>[^']+)'")
COMPONENT = re.compile(r"\bcomponent:\s*\(\)\s*=>\s*import\(\s*'@/(?P<file>[^']+)'\s*\)")
AUTH = re.compile(r"\bauth:\s*true\b")


def _objects(text: str) -> list[tuple[int, int, int]]:
    """(start, end, depth) of every `{…}` in `text`, skipping strings, template literals and
    comments."""
    spans, stack, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c in "'\"`":
            i += 1
            while i < len(text) and text[i] != c:
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("//", i):
            i = text.find("\n", i) % (len(text) + 1)
        elif c == "{":
            stack.append(i)
        elif c == "}":
            spans.append((stack.pop(), i + 1, len(stack)))
        i += 1
    return spans


def routes(text: str | None = None) -> list[dict]:
    """Every route record of the router's `routes` array, children included: path, name, view
    file (under src/) and whether it needs a login (its meta or a parent's says `auth: true`;
    vue-router merges a parent's meta into its children's). A redirect loads nothing."""
    text = ROUTER.read_text(encoding="utf-8") if text is None else text
    declared = re.search(r"\bconst routes\b[^=]*=\s*\[", text)
    assert declared, "router/index.ts: no `const routes = [` found"
    body = text[declared.end() :]
    spans = sorted(_objects(body))
    # The array ends at the first `]` outside every object.
    limit = next(
        i for i, c in enumerate(body) if c == "]" and not any(a < i < b for a, b, _ in spans)
    )
    spans = [(a, b) for a, b, _ in spans if b <= limit]

    def inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
        return outer[0] < inner[0] and inner[1] < outer[1]

    def children(outer: tuple[int, int]) -> list[tuple[int, int]]:
        """The objects directly inside `outer`."""
        within = [s for s in spans if inside(s, outer)]
        return [s for s in within if not any(inside(s, o) for o in within)]

    records = []
    for span in spans:
        direct = children(span)
        own, cursor = [], span[0] + 1
        for a, b in direct:
            own.append(body[cursor:a])
            cursor = b
        own = "".join([*own, body[cursor : span[1] - 1]])
        if not re.search(r"(^|[,{\s])path:\s*'", own):
            continue
        meta = [body[a:b] for a, b in direct if re.search(r"\bmeta:\s*$", body[span[0] : a])]
        records.append((span, own, any(AUTH.search(m) for m in meta)))
    found = []
    for span, own, auth in records:
        parents = [(other, text) for other, text, _ in records if inside(span, other)]
        auth = auth or any(flag for other, _, flag in records if inside(span, other))
        path = re.search(r"path:\s*'(?P<path>[^']*)'", own)["path"]
        name, component = NAME.search(own), COMPONENT.search(own)
        if name is None and ("children:" in own or "redirect:" in own):
            continue  # a layout or a redirect: its children are the pages
        assert name, f"router/index.ts: the route {path!r} has no name"
        # A child page loads its parents' components (a layout) with its own.
        files = [f"src/{m['file']}" for _, text in parents if (m := COMPONENT.search(text))]
        if component:
            files.append(f"src/{component['file']}")
        elif "redirect:" in own:
            continue
        assert files, f"router/index.ts: the route {path!r} has no component"
        found.append({"path": path, "name": name["name"], "files": files, "auth": auth})
    return found


def manifest() -> dict:
    if not MANIFEST.exists():
        pytest.fail(
            f"{MANIFEST} is missing: build the SPA first with `cd frontend && npm run build` "
            "(vite.config.ts writes the manifest); the budget is measured on the build."
        )
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


@cache
def gzipped(file: str) -> int:
    return len(gzip.compress((DIST / file).read_bytes(), compresslevel=9, mtime=0))


def first_load(chunks: dict, keys: list[str]) -> list[str]:
    """The JavaScript files these manifest entries load before they run: each one and its
    static imports, transitively (dynamic imports wait until they are asked for)."""
    seen: set[str] = set()
    files: list[str] = []
    stack = list(keys)
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        chunk = chunks[key]
        if chunk["file"].endswith(".js"):
            files.append(chunk["file"])
        stack.extend(chunk.get("imports", []))
    return files


def route_report(chunks: dict, route: dict) -> tuple[int, list[tuple[str, int]]]:
    for file in route["files"]:
        assert file in chunks, (
            f"route {route['name']!r}: {file} is not in {MANIFEST.name}; rebuild the SPA"
        )
    files = first_load(chunks, ["index.html", *route["files"]])
    sizes = sorted(((f, gzipped(f)) for f in files), key=lambda item: -item[1])
    return sum(size for _, size in sizes), sizes


def test_router_parsed_every_route():
    """The parser reads the whole router, not a subset of it: one route per lazily imported view,
    and the login flags where the router sets them."""
    text = ROUTER.read_text(encoding="utf-8")
    found = routes()
    assert len(found) == len(COMPONENT.findall(text))
    assert len({r["name"] for r in found}) == len(found)
    by_name = {r["name"]: r for r in found}
    assert {"home", "contests", "challenges", "certificate-verify", "login"} <= by_name.keys()
    assert by_name["challenges"] == {
        "path": "/challenges",
        "name": "challenges",
        "files": ["src/views/public/ChallengeList.vue"],
        "auth": False,
    }
    assert by_name["teams"]["auth"] is True
    assert by_name["organiser"]["auth"] is True


def test_router_parser_reads_children_meta_and_redirects():
    """A layout's `auth: true` covers its children, who also load its component; a redirect and
    the guard's `{ path: … }` objects are not routes."""
    text = """
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/views/Home.vue') },
  { path: '/old/:id?', redirect: (to) => `/new/${to.params.id ?? ''}` },
  {
    path: '/desk', component: () => import('@/views/Desk.vue'), meta: { auth: true },
    children: [
      { path: '', name: 'desk', component: () => import('@/views/DeskHome.vue') },
      { path: 'x/:id(\\d+)', name: 'desk-x', component: () => import('@/views/X.vue'), props: true },
    ],
  },
  // { path: '/commented', name: 'gone', component: () => import('@/views/Gone.vue') },
  { path: '/open', name: 'open', component: () => import('@/views/Open.vue'), meta: { title: 'a}b' } },
]
router.beforeEach(() => ({ path: '/login', query: { next: '/' } }))
"""
    assert routes(text) == [
        {"path": "/", "name": "home", "files": ["src/views/Home.vue"], "auth": False},
        {
            "path": "",
            "name": "desk",
            "files": ["src/views/Desk.vue", "src/views/DeskHome.vue"],
            "auth": True,
        },
        {
            "path": "x/:id(\\d+)",
            "name": "desk-x",
            "files": ["src/views/Desk.vue", "src/views/X.vue"],
            "auth": True,
        },
        {"path": "/open", "name": "open", "files": ["src/views/Open.vue"], "auth": False},
    ]


def test_every_public_route_has_a_budget():
    public = {r["name"] for r in routes() if not r["auth"]}
    assert public - BUDGETS.keys() == set(), "public routes without an entry in BUDGETS"
    assert BUDGETS.keys() - public == set(), "BUDGETS names routes that are not public"


def test_first_load_counts_the_entry_and_the_route_chunk():
    """The walk includes the entry's chunk, the route's chunk and their static imports, and
    nothing that is only imported dynamically (another route's page)."""
    chunks = manifest()
    files = first_load(chunks, ["index.html", "src/views/public/ContestList.vue"])
    assert chunks["index.html"]["file"] in files
    assert chunks["src/views/public/ContestList.vue"]["file"] in files
    for key in chunks["index.html"].get("imports", []):
        assert chunks[key]["file"] in files
    assert chunks["src/views/organiser/ContestManage.vue"]["file"] not in files
    assert len(files) == len(set(files))


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_public_route_javascript_within_budget(name):
    chunks = manifest()
    route = next((r for r in routes() if r["name"] == name), None)
    assert route is not None, f"BUDGETS names {name!r}, which router/index.ts does not define"
    total, sizes = route_report(chunks, route)
    biggest = ", ".join(f"{Path(f).name} {size / KB:.1f} KB" for f, size in sizes[:6])
    assert total <= BUDGETS[name], (
        f"route {name!r} ({route['path']}) loads {total / KB:.1f} KB of JavaScript gzipped, over "
        f"its budget of {BUDGETS[name] / KB:.0f} KB, in {len(sizes)} files; biggest: {biggest}"
    )

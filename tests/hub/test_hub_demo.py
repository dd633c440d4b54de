"""Acceptance: a workshop on the demo hub, from the login page to the learners' feedback.

``qitools hub --demo`` is started on localhost with two learners (alice, bob) and a coach, as a
coach would start it, and:

- both learners log in through the hub's own login page (HTTP: the form, its _xsrf field, the
  password) and get their own JupyterLab, opening on ``notebooks/00_start_here.ipynb``, listing
  ``notebooks/``, ``exercises/`` and ``datasets/`` and nothing of the coach's;
- a wrong password, an unknown name and a learner trying the coach's account are refused;
- a file alice saves is not in bob's JupyterLab, and bob cannot open alice's server;
- alice saves the solution source of one exercise, bob saves his blank copy of it; the coach's
  ``qitools hub collect`` gathers exactly those two notebooks (one sub-folder per learner),
  ``qitools grade`` gives alice 100 % and bob 0 % on it, and ``qitools hub return-feedback`` puts
  each mark into that learner's home (not into the other's);
- once in Chromium (Playwright, Debian's chromium): the login page, then JupyterLab's file browser;
- when the coach stops the hub (Ctrl-C), every process it started is gone from the process table.

A second, smaller hub checks that an idle learner's server is stopped by the idle culler.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .hub_support import ROOT, DemoHub, Learner, missing, notebook_json, processes_using, run_qitools

pytestmark = pytest.mark.hub

PASSWORD = "falls-per-1000"
LEARNERS = ["alice", "bob"]
COACH = "coach"
EXERCISES = ROOT / "exercises"
SOURCES = EXERCISES / "coach" / "source"
HIDDEN = EXERCISES / "coach" / "hidden"
START = "/lab/tree/notebooks/00_start_here.ipynb"


def graded_exercise() -> str:
    """An exercise with a learner copy, a solution source and hidden checks (the first, in name order)."""
    names = sorted(
        p.stem for p in EXERCISES.glob("*.ipynb") if (SOURCES / p.name).is_file() and (HIDDEN / f"{p.stem}.py").is_file()
    )
    assert names, "no exercise has a learner copy, a source and hidden checks"
    return names[0]


@pytest.fixture(scope="module")
def hub(proxy_program: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoHub]:
    if importlib.util.find_spec("jupyterhub") is None or importlib.util.find_spec("jupyterhub_idle_culler") is None:
        missing('JupyterHub is not installed: pip install -e ".[test]"')
    if importlib.util.find_spec("psutil") is None or importlib.util.find_spec("requests") is None:
        missing('psutil and requests are not installed: pip install -e ".[test]"')
    folder = tmp_path_factory.mktemp("workshop") / "qitools-hub"
    hub = DemoHub(folder, LEARNERS, COACH, PASSWORD)
    try:
        hub.wait_for_line(r"JupyterHub is now running at")
        yield hub
    finally:
        hub.stop()
        leftovers, using = hub.watch.alive(), processes_using(folder)
        if leftovers or using:
            hub.kill_leftovers()
        assert not leftovers, "processes the hub started are still running after it stopped:\n" + "\n".join(leftovers)
        assert not using, "processes still use the hub's folder:\n" + "\n".join(using)
        for part in ("-m jupyterhub ", "configurable-http-proxy", "jupyterhub_idle_culler", "jupyterhub.singleuser"):
            assert any(part in c for c in hub.watch.commands), f"the process watch missed {part}: {hub.watch.commands}"


@pytest.fixture(scope="module")
def learners(hub: DemoHub) -> dict[str, Learner]:
    """Both learners logged in through the login page, their servers started (at the same time, as in a room)."""
    import threading

    people = {name: Learner(hub, name, PASSWORD) for name in LEARNERS}
    errors: list[BaseException] = []

    def start(person: Learner) -> None:
        try:
            r = person.log_in()
            assert r.status_code == 200, f"{person.name}: login gave {r.status_code}"
            person.wait_for_server()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(p,)) for p in people.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return people


class TestLogin:
    def test_the_login_page_is_the_hubs_own(self, hub: DemoHub):
        page = Learner(hub, "alice", PASSWORD).login_form()
        assert 'name="username"' in page and 'name="password"' in page and 'name="_xsrf"' in page
        assert "demo hub for one trusted room" in page

    @pytest.mark.parametrize(
        "name, password",
        [("alice", "not-the-password"), ("mallory", PASSWORD), (COACH, PASSWORD), ("../alice", PASSWORD)],
        ids=["wrong password", "unknown name", "coach with the learner password", "path in the name"],
    )
    def test_refused(self, hub: DemoHub, name: str, password: str):
        person = Learner(hub, name, password)
        r = person.log_in()
        assert r.status_code == 403 or "/hub/login" in r.url, (r.status_code, r.url)
        assert not any(c.name.startswith("jupyterhub-session") for c in person.http.cookies)
        assert person.http.get(f"{hub.url}/hub/api/user", timeout=30).status_code in (401, 403)


    def test_the_coach_is_the_admin_with_a_password_of_their_own(self, hub: DemoHub):
        password = hub.wait_for_line(r"coach \(hub admin\): coach; password: (\S+)").group(1)
        assert len(password) >= 32 and password != PASSWORD
        coach = Learner(hub, COACH, password)
        r = coach.log_in()
        assert r.status_code == 200 and "/hub/login" not in r.url, (r.status_code, r.url)
        xsrf = next((c.value for c in coach.http.cookies if c.name == "_xsrf"), "")
        users = coach.http.get(f"{hub.url}/hub/api/users", headers={"X-XSRFToken": xsrf}, timeout=60)
        assert users.status_code == 200, (users.status_code, users.text[:200])
        listed = {u["name"]: u for u in users.json()}
        assert set(listed) >= {"alice", "bob", COACH} and listed[COACH]["admin"] and not listed["alice"]["admin"]


class TestLearnersJupyterLab:
    def test_opens_on_the_course_index(self, hub: DemoHub, learners: dict[str, Learner]):
        for person in learners.values():
            r = person.http.get(f"{hub.url}/user/{person.name}/", timeout=60)
            assert r.status_code == 200 and r.url.endswith(f"/user/{person.name}{START}"), r.url

    def test_lists_the_course_and_no_coach_material(self, learners: dict[str, Learner]):
        expected = sorted(p.name for p in EXERCISES.glob("*.ipynb")) + ["README.md"]
        for person in learners.values():
            top = person.listing()
            assert {"notebooks", "exercises", "datasets"} <= set(top), top
            assert "00_start_here.ipynb" in person.listing("notebooks")
            assert person.listing("exercises") == sorted(expected)
            everything = top + person.listing("notebooks") + person.listing("exercises") + person.listing("datasets")
            assert not [n for n in everything if "coach" in n.lower()]
            assert person.api("contents/exercises/coach").status_code == 404

    def test_a_learners_file_is_not_visible_to_the_other(self, hub: DemoHub, learners: dict[str, Learner]):
        alice, bob = learners["alice"], learners["bob"]
        alice.save_text("my_notes.md", "alice's reflections")
        assert "my_notes.md" in alice.listing()
        assert "my_notes.md" not in bob.listing()
        assert bob.api("contents/my_notes.md").status_code == 404
        assert (hub.folder / "homes" / "alice" / "my_notes.md").is_file()
        assert not (hub.folder / "homes" / "bob" / "my_notes.md").exists()
        # bob cannot reach alice's server at all: the hub does not authorise him for it
        r = bob.api("contents/my_notes.md", owner="alice")
        assert r.status_code in (403, 404) or not r.headers.get("content-type", "").startswith("application/json")
        assert "alice's reflections" not in r.text


class TestCollectGradeFeedback:
    def test_collect_grade_and_return_feedback(self, hub: DemoHub, learners: dict[str, Learner], tmp_path: Path):
        exercise = graded_exercise()
        alice, bob = learners["alice"], learners["bob"]
        # alice works through the exercise (she saves the solution source); bob opens and saves his blank copy
        alice.save_notebook(f"exercises/{exercise}.ipynb", notebook_json(SOURCES / f"{exercise}.ipynb"))
        bob.save_notebook(f"exercises/{exercise}.ipynb", bob.read_notebook(f"exercises/{exercise}.ipynb"))

        done = run_qitools("hub", "collect", "--dir", str(hub.folder), "--out", "submissions", cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        collected = sorted(p.relative_to(tmp_path / "submissions").as_posix()
                           for p in (tmp_path / "submissions").rglob("*") if p.is_file())  # fmt: skip
        assert collected == [f"alice/{exercise}.ipynb", f"bob/{exercise}.ipynb"], collected
        assert notebook_json(tmp_path / "submissions" / "alice" / f"{exercise}.ipynb")["cells"] == notebook_json(
            SOURCES / f"{exercise}.ipynb"
        )["cells"]

        graded = run_qitools(
            "grade", "submissions", "--out", "gradebook.csv", "--hidden", str(HIDDEN), "--jobs", "2", cwd=tmp_path
        )
        assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
        with open(tmp_path / "gradebook.csv", newline="", encoding="utf-8-sig") as f:
            rows = {row["learner"]: row for row in csv.DictReader(f)}
        assert set(rows) == {"alice", "bob"}
        assert float(rows["alice"][f"{exercise} %"]) == 100, rows["alice"]
        assert float(rows["bob"][f"{exercise} %"]) == 0, rows["bob"]

        back = run_qitools("hub", "return-feedback", "--dir", str(hub.folder), "--gradebook", "gradebook.csv",
                           cwd=tmp_path)  # fmt: skip
        assert back.returncode == 0, back.stdout + back.stderr
        for person, percent in ((alice, "100%"), (bob, "0%")):
            pages = person.listing("feedback")
            assert len(pages) == 1 and pages[0].endswith(".md"), pages
            text = person.read_text(f"feedback/{pages[0]}")
            assert f"{exercise}: {percent}" in text, text
            assert f"Your feedback, {person.name}" in text
        assert "alice" not in bob.read_text(f"feedback/{bob.listing('feedback')[0]}")


class TestChromium:
    def test_log_in_and_see_the_course_in_chromium(self, hub: DemoHub, learners: dict[str, Learner], tmp_path: Path):
        from .hub_support import missing as _missing

        if importlib.util.find_spec("playwright") is None:
            _missing('Playwright is not installed: pip install -e ".[test]"', env="QITOOLS_REQUIRE_BROWSER")
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        if executable is None and Path("/usr/bin/chromium").is_file():
            executable = "/usr/bin/chromium"
        if executable is None:
            _missing("Chromium is not installed (sudo apt-get install chromium)", env="QITOOLS_REQUIRE_BROWSER")
        external: list[str] = []

        def drive() -> None:
            from playwright.sync_api import sync_playwright

            args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run"]  # fmt: skip
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, headless=True, args=args)
                try:
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    context.set_default_timeout(90_000)
                    page = context.new_page()
                    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
                    page.on("request", lambda r: None if r.url.startswith(local) else external.append(r.url))
                    page.goto(f"{hub.url}/hub/login")
                    page.fill("input[name=username]", "bob")
                    page.fill("input[name=password]", PASSWORD)
                    page.click("#login_submit")
                    page.wait_for_url(f"**/user/bob{START}", timeout=120_000)
                    page.wait_for_selector(".jp-DirListing-item", timeout=120_000)
                    page.wait_for_selector(".lm-TabBar-tab:has-text('00_start_here.ipynb')", timeout=120_000)
                    hub.watch.snapshot()  # the notebook's kernel
                    shown = ".jp-DirListing-itemName"
                    names = page.eval_on_selector_all(shown, "es => es.map(e => e.textContent.trim())")
                    assert "00_start_here.ipynb" in names, names  # the file browser is in notebooks/
                    names = []
                    deadline = time.monotonic() + 90
                    while "exercises" not in names and time.monotonic() < deadline:
                        # the learner's home, the top of their file browser (JupyterLab may still be restoring the
                        # browser to the notebook's folder, so click again until it stays there)
                        page.click(".jp-BreadCrumbs-home")
                        page.wait_for_timeout(1000)
                        names = page.eval_on_selector_all(shown, "es => es.map(e => e.textContent.trim())")
                    assert {"notebooks", "exercises", "datasets"} <= set(names), names
                    assert not [n for n in names if "coach" in n.lower()] and "my_notes.md" not in names, names
                    listing = page.locator(".jp-DirListing-content")
                    listing.get_by_text("exercises", exact=True).dblclick()
                    page.locator(".jp-BreadCrumbs").get_by_text("exercises").wait_for(timeout=60_000)
                    listing.get_by_text("README.md", exact=True).wait_for(timeout=60_000)
                    inside = page.eval_on_selector_all(shown, "es => es.map(e => e.textContent.trim())")
                    expected = sorted(p.name for p in EXERCISES.glob("*.ipynb")) + ["README.md"]
                    assert sorted(inside) == sorted(expected), inside
                    page.screenshot(path=str(tmp_path / "hub-bob-jupyterlab.png"), full_page=True)
                    hub.watch.snapshot()
                    context.close()
                finally:
                    browser.close()

        # In its own thread: the browser tests may hold a Playwright session (and its event loop) in this one.
        failure: list[BaseException] = []

        def run() -> None:
            try:
                drive()
            except BaseException as exc:  # reported in the test's thread
                failure.append(exc)

        worker = threading.Thread(target=run, name="hub-chromium")
        worker.start()
        worker.join(timeout=600)
        assert not worker.is_alive(), "the Chromium session did not finish within 10 minutes"
        if failure:
            raise failure[0]
        assert not external, f"the page fetched from outside this computer: {external}"


@pytest.mark.hub
def test_an_idle_server_is_stopped(proxy_program: Path, tmp_path: Path):
    """A learner's server with no activity is stopped by jupyterhub-idle-culler (here after 20 s)."""
    if importlib.util.find_spec("jupyterhub") is None or importlib.util.find_spec("requests") is None:
        missing('JupyterHub is not installed: pip install -e ".[test]"')
    folder = tmp_path / "idle-hub"
    hub = DemoHub(folder, ["carol"], COACH, PASSWORD, idle_timeout=20)
    try:
        hub.wait_for_line(r"JupyterHub is now running at")
        carol = Learner(hub, "carol", PASSWORD)
        carol.log_in()
        carol.wait_for_server()
        server = [p for p in hub.watch.snapshot() if "jupyterhub.singleuser" in " ".join(p.cmdline())]
        assert server, "carol's server process was not found"
        hub.wait_for_line(r"Culling server carol|Stopping carol|carol.*culled|DELETE /hub/api/users/carol/server",
                          timeout=180)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(p.is_running() for p in server):
            time.sleep(1)
        assert not any(p.is_running() for p in server), "carol's idle server is still running"
        r = carol.http.get(f"{hub.url}/user/carol/api/status", timeout=60)
        assert r.status_code == 424, (r.status_code, r.text[:200])  # the hub: "server not running"
    finally:
        hub.stop()
        leftovers = hub.watch.alive()
        if leftovers:
            hub.kill_leftovers()
        assert not leftovers, "\n".join(leftovers)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
def test_closing_the_terminal_window_stops_everything(proxy_program: Path, tmp_path: Path):
    """The coach closes the terminal instead of pressing Ctrl-C (SIGHUP to the qitools command).

    Before the fix the command died at once and JupyterHub, in a session of its own, went on running
    with the proxy, the learner's server and its kernel, holding the port.
    """
    if importlib.util.find_spec("jupyterhub") is None or importlib.util.find_spec("requests") is None:
        missing('JupyterHub is not installed: pip install -e ".[test]"')
    folder = tmp_path / "hup-hub"
    hub = DemoHub(folder, ["dana"], COACH, PASSWORD)
    try:
        hub.wait_for_line(r"JupyterHub is now running at")
        dana = Learner(hub, "dana", PASSWORD)
        dana.log_in()
        dana.wait_for_server()
        assert any("jupyterhub.singleuser" in c for c in hub.watch.commands)
    finally:
        hub.stop(signal.SIGHUP)
        leftovers, using = hub.watch.alive(), processes_using(folder)
        if leftovers or using:
            hub.kill_leftovers()
        assert not leftovers, "still running after the terminal closed:\n" + "\n".join(leftovers)
        assert not using, "\n".join(using)

"""Where PDSA projects are kept: an SQLite file (the embedded default) behind one small interface.

:class:`PDSAStore` is the interface. Its public methods (``load``, ``put``, ``remove``,
``new_project``...) are written once, in terms of four primitives a back-end provides: a write
transaction, reading one project, writing changed records, deleting. :class:`SQLiteStore` keeps
them in one SQLite file; :class:`MemoryStore` in memory (for tests and throw-away work). A server
database would be a third subclass with the same four primitives.

The SQLite file
---------------
* WAL journal and a busy timeout, so that several processes (two notebooks, a notebook and the
  ``qitools pdsa`` command) can read and write at once; every change is one ``BEGIN IMMEDIATE``
  transaction that reads the project, checks the change against it and writes it, so two writers
  never lose each other's work.
* Foreign keys on; every record also passes :mod:`qitools.pdsa.validate` before it is written.
* A process killed mid-write leaves the file as it was before that transaction (SQLite's atomic
  commit); ``synchronous=FULL`` so that a committed change survives a power cut too.
* The schema version is ``PRAGMA user_version``; older files are migrated forward on opening (a
  copy of the old file is kept as ``<file>.v<k>.bak``); a file from a newer qitools is refused.
* WAL needs shared memory, which network drives do not offer: on a shared drive open the file
  with ``journal="delete"``.
"""

from __future__ import annotations

import abc
import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..spc.errors import QIValueError
from .migrations import LATEST, MIGRATIONS
from .validate import check_project, raise_or_warn
from .model import Aim, ChangeIdea, Driver, Measure, PDSACycle, Project, Ramp, _kind, _norm_kind

__all__ = ["PDSAStore", "SQLiteStore", "MemoryStore", "open_store", "APPLICATION_ID", "SCHEMA_VERSION"]

#: ``PRAGMA application_id`` of a qitools PDSA file ("QIPD")
APPLICATION_ID = 0x51495044
#: the schema version this qitools writes
SCHEMA_VERSION = LATEST


class PDSAStore(abc.ABC):
    """The interface of a PDSA store: projects in, projects out, one checked change at a time.

    Every change runs in one write transaction: the project is read, the change is checked
    against it (:mod:`qitools.pdsa.validate`) and written, so concurrent writers cannot lose
    each other's changes.
    """

    # -- primitives a back-end provides ----------------------------------------------------------
    @abc.abstractmethod
    def project_ids(self) -> list[str]:
        """The ids of the projects in the store, in the order they were added."""

    @abc.abstractmethod
    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction: everything inside commits together or not at all."""

    @abc.abstractmethod
    def _read(self, project_id: str) -> Project | None:
        """The project (None when there is none with that id)."""

    @abc.abstractmethod
    def _write(self, project_id: str, records: list[Any]) -> None:
        """Insert or update records (a Project header, an Aim, or child records) of a project."""

    @abc.abstractmethod
    def _delete(self, project_id: str, kind: str | None, record_id: str | None) -> None:
        """Delete one record, or (``kind`` None) the whole project."""

    def close(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Release the store (nothing to do for stores without a connection)."""

    def __enter__(self) -> PDSAStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- the public interface --------------------------------------------------------------------
    def _resolve(self, project: str | None) -> str:
        ids = self.project_ids()
        if project is None:
            if len(ids) == 1:
                return ids[0]
            if not ids:
                raise QIValueError(
                    "This store has no projects yet. Create one first: store.new_project('Fewer falls on Ward 7') "
                    "(or `qitools pdsa new FILE --title ...`)."
                )
            raise QIValueError(
                f"This store has {len(ids)} projects ({', '.join(repr(i) for i in ids)}); say which one with project=."
            )
        if project not in ids:
            import difflib

            close = difflib.get_close_matches(str(project), ids, n=1, cutoff=0.5)
            tip = f" Did you mean {close[0]!r}?" if close else ""
            have = f"It has {', '.join(repr(i) for i in ids)}." if ids else "It has no projects yet."
            raise QIValueError(f"This store has no project {project!r}.{tip} {have}")
        return project

    def load(self, project: str | None = None) -> Project:
        """Read a project with all its records.

        Parameters
        ----------
        project : str, optional
            The project's id; may be left out when the store holds one project.

        Returns
        -------
        Project
            A snapshot: changing it does not change the store (use :meth:`put`).
        """
        pid = self._resolve(project)
        loaded = self._read(pid)
        if loaded is None:  # removed by another process since project_ids()
            raise QIValueError(f"Project {pid!r} is no longer in this store.")
        return loaded

    def projects(self) -> pd.DataFrame:
        """One row per project: ``id``, ``title``, ``n_cycles``, ``aim``."""
        rows = []
        for pid in self.project_ids():
            p = self._read(pid)
            if p is not None:
                rows.append({"id": p.id, "title": p.title, "n_cycles": len(p.cycles), "aim": p.aim.text()})
        return pd.DataFrame(rows, columns=["id", "title", "n_cycles", "aim"])

    def new_project(
        self,
        title: str,
        *,
        aim: Aim | dict[str, Any] | str | None = None,
        id: str | None = None,  # noqa: A002 - the record's field name
        team: str = "",
        description: str = "",
    ) -> Project:
        """Create an empty project (its id is made from the title when not given).

        Parameters
        ----------
        title : str
            The project's name.
        aim : Aim, dict or str, optional
            The aim statement (a str is taken as the whole statement).
        id : str, optional
            Short id for the project; made from the title when empty, numbered if taken.
        team, description : str
            Who is in the team; background.

        Returns
        -------
        Project
        """
        project = Project(title=title, aim=aim, id=id, team=team, description=description)  # type: ignore[arg-type]
        if id is None:
            base, k = project.id, 2
            taken = set(self.project_ids())
            while project.id in taken:
                project.id = f"{base}-{k}"
                k += 1
        return self.add_project(project)

    def add_project(self, project: Project, *, replace: bool = False) -> Project:
        """Store a whole project (an import): every record is checked, all are written in one transaction.

        Parameters
        ----------
        project : Project
            The project.
        replace : bool, default False
            Replace a project with the same id (otherwise that is an error).

        Returns
        -------
        Project
            The project as stored.
        """
        if not isinstance(project, Project):
            raise QIValueError(f"add_project() takes a qitools.pdsa.Project; got {type(project).__name__}.")
        raise_or_warn(check_project(project), project)
        with self._transaction():
            if self._read(str(project.id)) is not None:
                if not replace:
                    raise QIValueError(
                        f"This store already has a project {project.id!r}. Pass replace=True to overwrite it, "
                        "or give the new project another id."
                    )
                self._delete(str(project.id), None, None)
            records: list[Any] = [project, project.aim]
            for key in ("measures", "drivers", "change_ideas", "ramps"):
                records.extend(getattr(project, key))
            records.extend(project.cycles)  # links between records are checked at commit
            self._write(str(project.id), records)
        return self.load(str(project.id))

    def update_project(
        self,
        project: str | None = None,
        *,
        title: str | None = None,
        team: str | None = None,
        description: str | None = None,
        aim: Aim | None = None,
    ) -> Project:
        """Change the project's title, team, description or aim.

        Parameters
        ----------
        project : str, optional
            The project's id (may be left out when the store holds one project).
        title, team, description : str, optional
            New values (None leaves a value as it is).
        aim : Aim, optional
            A new aim statement.

        Returns
        -------
        Project
            The project after the change.
        """
        pid = self._resolve(project)
        with self._transaction():
            p = self._read(pid)
            if p is None:
                raise QIValueError(f"Project {pid!r} is no longer in this store.")
            for name, value in (("title", title), ("team", team), ("description", description)):
                if value is not None:
                    setattr(p, name, str(value))
            written = [p]
            if aim is not None:
                written += p._upsert(aim, check=True, replace=True)
            self._write(pid, written)
        return self.load(pid)

    def put(self, record: Any, *, project: str | None = None, check: bool = True) -> Any:
        """Add a record, or replace the one with the same id; return it as stored.

        Parameters
        ----------
        record : PDSACycle, Measure, Driver, ChangeIdea, Ramp or Aim
            The record. Without an id it is added and numbered (``C4``); with the id of an
            existing record it replaces it (to record the Do, Study and Act of a cycle).
        project : str, optional
            The project's id (may be left out when the store holds one project).
        check : bool, default True
            Check the record against the project first: errors raise, warnings warn.

        Returns
        -------
        The record as stored (with its id, and for a cycle its ramp).

        Raises
        ------
        QIValueError
            When the record breaks a rule (nothing is written).

        Examples
        --------
        >>> import qitools as qi
        >>> store = qi.pdsa.open(":memory:")
        >>> p = store.new_project("Fewer falls", aim="Reduce falls on Ward 7 by 30% by March 2025.")
        >>> idea = store.put(qi.pdsa.ChangeIdea("Bay tagging"))
        >>> c = store.put(qi.pdsa.PDSACycle(change_idea=idea.id, objective="Tag one bay for a night",
        ...                                 predictions=["No unwitnessed falls in that bay"], scale_n=6))
        >>> c.id, len(store.load().cycles)
        ('C1', 1)
        """
        pid = self._resolve(project)
        if not isinstance(record, Aim):
            _kind(record)  # a clear error for the wrong type
        with self._transaction():
            p = self._read(pid)
            if p is None:
                raise QIValueError(f"Project {pid!r} is no longer in this store.")
            rid = getattr(record, "id", None)
            replace = isinstance(record, Aim) or (rid is not None and p._find(_kind(record), rid) is not None)
            written = p._upsert(record, check=check, replace=replace)
            # a new ramp must exist before the cycle that refers to it
            self._write(pid, [*written[1:], written[0]])
        return written[0].copy()

    def remove(self, kind: str, record_id: str, *, project: str | None = None) -> None:
        """Remove a record; refused (with the reason) while other records refer to it.

        Parameters
        ----------
        kind : {"cycle", "measure", "driver", "change_idea", "ramp"}
            What to remove.
        record_id : str
            Its id.
        project : str, optional
            The project's id (may be left out when the store holds one project).
        """
        pid = self._resolve(project)
        kind = _norm_kind(kind)
        with self._transaction():
            p = self._read(pid)
            if p is None:
                raise QIValueError(f"Project {pid!r} is no longer in this store.")
            p.remove(kind, record_id)
            self._delete(pid, kind, record_id)

    def delete_project(self, project: str) -> None:
        """Delete a project and all its records (there is no undo: export it to JSON first)."""
        pid = self._resolve(project)
        with self._transaction():
            self._delete(pid, None, None)


# ---------------------------------------------------------------------------------------------
# In memory
# ---------------------------------------------------------------------------------------------
class MemoryStore(PDSAStore):
    """A store in memory: the same interface and checks as the SQLite file, nothing saved.

    Examples
    --------
    >>> import qitools as qi
    >>> store = qi.pdsa.MemoryStore()
    >>> store.new_project("Sepsis screening").id
    'sepsis-screening'
    """

    def __init__(self) -> None:
        self._projects: dict[str, Project] = {}
        self._lock = threading.RLock()
        self._pending: dict[str, Project] | None = None

    def project_ids(self) -> list[str]:
        return list((self._pending if self._pending is not None else self._projects).keys())

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            if self._pending is not None:  # nested: part of the outer transaction
                yield
                return
            self._pending = {k: v.copy() for k, v in self._projects.items()}
            try:
                yield
                self._projects = self._pending
            finally:
                self._pending = None

    def _current(self) -> dict[str, Project]:
        return self._pending if self._pending is not None else self._projects

    def _read(self, project_id: str) -> Project | None:
        p = self._current().get(project_id)
        return p.copy() if p is not None else None

    def _write(self, project_id: str, records: list[Any]) -> None:
        projects = self._current()
        for rec in records:
            if isinstance(rec, Project):
                old = projects.get(project_id)
                new = rec.copy()
                if old is not None:
                    for key in ("measures", "drivers", "change_ideas", "ramps", "cycles"):
                        setattr(new, key, getattr(old, key))
                    new.aim = old.aim
                else:
                    for key in ("measures", "drivers", "change_ideas", "ramps", "cycles"):
                        setattr(new, key, [])
                projects[project_id] = new
            elif isinstance(rec, Aim):
                projects[project_id].aim = rec.copy()
            else:
                coll = projects[project_id]._collection(_kind(rec))
                for i, old in enumerate(coll):
                    if old.id == rec.id:
                        coll[i] = rec.copy()
                        break
                else:
                    coll.append(rec.copy())

    def _delete(self, project_id: str, kind: str | None, record_id: str | None) -> None:
        projects = self._current()
        if kind is None:
            projects.pop(project_id, None)
            return
        coll = projects[project_id]._collection(kind)
        coll[:] = [r for r in coll if r.id != record_id]


# ---------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------
#: record type -> (table, [(field, column)]) for the simple tables
_COLUMNS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "measure": (
        "measures",
        [
            (f, f)
            for f in (
                "name",
                "kind",
                "definition",
                "y",
                "n",
                "x",
                "chart",
                "multiply",
                "improvement",
                "dataset",
                "unit",
                "subset",
            )
        ],
    ),
    "driver": ("drivers", [("text", "text"), ("level", "level"), ("parent", "parent")]),
    "change idea": ("change_ideas", [("text", "text"), ("description", "description")]),
    "ramp": ("ramps", [("change_idea", "change_idea"), ("title", "title")]),
    "cycle": (
        "cycles",
        [
            (f, {"who": "plan_who", "what": "plan_what", "when": "plan_when", "where": "plan_where"}.get(f, f))
            for f in (
                "title",
                "change_idea",
                "objective",
                "questions",
                "predictions",
                "who",
                "what",
                "when",
                "where",
                "data_to_collect",
                "scale",
                "scale_n",
                "plan_date",
                "start_date",
                "end_date",
                "what_happened",
                "observations",
                "problems",
                "study_date",
                "results",
                "learning",
                "prediction_held",
                "act",
                "act_date",
                "act_notes",
                "measure",
                "ramp",
                "previous",
            )
        ],
    ),
}
_JSON_FIELDS = {"questions", "predictions", "subset"}
_CLASSES = {"measure": Measure, "driver": Driver, "change idea": ChangeIdea, "ramp": Ramp, "cycle": PDSACycle}
_AIM_COLUMNS = [
    ("what", "aim_what"),
    ("how_much", "aim_how_much"),
    ("by_when", "aim_by_when"),
    ("for_whom", "aim_for_whom"),
    ("statement", "aim_statement"),
    ("measure", "aim_measure"),
    ("baseline", "aim_baseline"),
    ("target", "aim_target"),
]
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_WORDS = ("locked", "busy")


def _sql_error(exc: sqlite3.Error, path: str) -> QIValueError:
    text = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        return QIValueError(
            f"The PDSA file {path!r} refused the change ({text}): a record refers to one that is not there, or "
            "breaks a rule of the file. Nothing was saved; reload the project (another process may have changed "
            "it) and try again."
        )
    if any(w in text.lower() for w in _BUSY_WORDS):
        return QIValueError(
            f"The PDSA file {path!r} stayed locked by another program for too long ({text}). Nothing was saved. "
            "Close other programs using it (another notebook, the qitools command) and try again; open it with a "
            "longer timeout= if this happens often."
        )
    return QIValueError(f"Could not use the PDSA file {path!r}: {text}.")


class SQLiteStore(PDSAStore):
    """PDSA projects in one SQLite file (see the module docstring). Open one with :func:`qitools.pdsa.open`."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0, journal: str = "wal") -> None:
        self.path = str(path)
        self.timeout = float(timeout)
        self._in_tx = False
        memory = self.path == ":memory:"
        if not memory:
            _check_file(Path(self.path))
        try:
            self._conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise _sql_error(exc, self.path) from exc
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            if not memory:
                mode = {"wal": "WAL", "delete": "DELETE"}.get(journal)
                if mode is None:
                    raise QIValueError(f"`journal` must be 'wal' or 'delete'; got {journal!r}.")
                current = self._retry(lambda: self._conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0])
                if str(current).upper() != mode:
                    raise QIValueError(
                        f"Could not switch {self.path!r} to the {mode} journal (it stays {current}). If the file is "
                        "on a network drive, open it with journal='delete'."
                    )
            self._conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            if "not a database" in str(exc) or "malformed" in str(exc):
                raise QIValueError(_not_ours(self.path, "it is not an SQLite database")) from exc
            raise _sql_error(exc, self.path) from exc
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"<SQLiteStore {self.path!r} schema={self.schema_version} projects={len(self.project_ids())}>"

    @property
    def schema_version(self) -> int:
        """The schema version of the file (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection (the file stays consistent whether or not this is called)."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    # -- retries and transactions ---------------------------------------------------------------
    def _retry(self, fn: Any) -> Any:
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if not any(w in str(exc).lower() for w in _BUSY_WORDS) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._in_tx:
            yield
            return
        try:
            self._retry(lambda: self._conn.execute("BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            raise _sql_error(exc, self.path) from exc
        self._in_tx = True
        try:
            yield
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise _sql_error(exc, self.path) from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._in_tx = False

    # -- schema ---------------------------------------------------------------------------------
    def _migrate(self) -> None:
        conn = self._conn
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == LATEST:
            self._check_app_id()
            return
        if 0 < version < LATEST and self.path != ":memory:":
            self._backup(version)
        conn.execute("PRAGMA foreign_keys = OFF")  # table rebuilds; checked before commit
        try:
            with self._transaction():
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # another process may have done it
                if version == 0:
                    tables = conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    ).fetchall()
                    if tables:
                        raise QIValueError(_not_ours(self.path, "it is an SQLite database with other tables"))
                else:
                    self._check_app_id()
                if version > LATEST:
                    raise QIValueError(
                        f"{self.path!r} was written by a newer qitools (PDSA schema version {version}; this qitools "
                        f"knows up to {LATEST}). Upgrade qitools (pip install -U qitools) to open it; it has not "
                        "been changed."
                    )
                for migration in MIGRATIONS[version:]:
                    for statement in migration.STATEMENTS:
                        conn.execute(statement)
                    upgrade = getattr(migration, "upgrade", None)
                    if upgrade is not None:
                        upgrade(conn)
                    conn.execute(f"PRAGMA user_version = {int(migration.VERSION)}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise QIValueError(
                        f"Upgrading {self.path!r} to schema version {LATEST} found {len(broken)} broken links "
                        f"(first: {tuple(broken[0])}); the file has not been changed. Please report this."
                    )
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def _check_app_id(self) -> None:
        app = int(self._conn.execute("PRAGMA application_id").fetchone()[0])
        if app != APPLICATION_ID:
            raise QIValueError(_not_ours(self.path, "it is an SQLite database made by another program"))

    def _backup(self, version: int) -> None:
        target = Path(f"{self.path}.v{version}.bak")
        if target.exists():
            return
        dest = sqlite3.connect(str(target))
        try:
            self._conn.backup(dest)
        finally:
            dest.close()

    # -- primitives -----------------------------------------------------------------------------
    def project_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT id FROM projects ORDER BY rowid")]

    def _rows(self, table: str, project_id: str) -> list[dict[str, Any]]:
        cur = self._conn.execute(f"SELECT * FROM {table} WHERE project_id = ? ORDER BY position", (project_id,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def _read(self, project_id: str) -> Project | None:
        return self._retry(lambda: self._read_once(project_id))

    def _read_once(self, project_id: str) -> Project | None:
        own_tx = not self._in_tx
        if own_tx:
            self._conn.execute("BEGIN")  # one consistent snapshot of all the tables
        try:
            cur = self._conn.execute("SELECT * FROM projects WHERE id = ?", (project_id,))
            row = cur.fetchone()
            if row is None:
                return None
            head = dict(zip([d[0] for d in cur.description], row, strict=True))
            aim = Aim(**{f: head[c] for f, c in _AIM_COLUMNS})
            project = Project(
                title=head["title"],
                aim=aim,
                id=head["id"],
                team=head["team"],
                description=head["description"],
                created=head["created"],
            )
            for kind, (table, cols) in _COLUMNS.items():
                records = []
                for r in self._rows(table, project_id):
                    values = {f: r[c] for f, c in cols}
                    for f in _JSON_FIELDS & values.keys():
                        values[f] = json.loads(values[f])
                    if kind == "change idea":
                        values["drivers"] = [
                            d[0]
                            for d in self._conn.execute(
                                "SELECT driver FROM change_idea_drivers WHERE project_id = ? AND change_idea = ? "
                                "ORDER BY position",
                                (project_id, r["id"]),
                            )
                        ]
                    records.append(_CLASSES[kind](**values, id=r["id"]))
                setattr(project, _plural(kind), records)
            project.source = None if self.path == ":memory:" else self.path
            return project
        finally:
            if own_tx:
                self._conn.execute("COMMIT")

    def _write(self, project_id: str, records: list[Any]) -> None:
        conn = self._conn
        for rec in records:
            if isinstance(rec, Project):
                conn.execute(
                    "INSERT INTO projects (id, title, team, description, created) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET title = excluded.title, team = excluded.team, "
                    "description = excluded.description",
                    (project_id, rec.title, rec.team, rec.description, rec.created),
                )
            elif isinstance(rec, Aim):
                sets = ", ".join(f"{c} = ?" for _, c in _AIM_COLUMNS)
                conn.execute(
                    f"UPDATE projects SET {sets} WHERE id = ?",
                    [getattr(rec, f) for f, _ in _AIM_COLUMNS] + [project_id],
                )
            else:
                kind = _kind(rec)
                table, cols = _COLUMNS[kind]
                values = [json.dumps(getattr(rec, f)) if f in _JSON_FIELDS else getattr(rec, f) for f, _ in cols]
                names = ", ".join(c for _, c in cols)
                marks = ", ".join("?" for _ in cols)
                updates = ", ".join(f"{c} = excluded.{c}" for _, c in cols)
                conn.execute(
                    f"INSERT INTO {table} (project_id, id, position, {names}) VALUES (?, ?, "
                    f"(SELECT COALESCE(MAX(position) + 1, 0) FROM {table} WHERE project_id = ?), {marks}) "
                    f"ON CONFLICT (project_id, id) DO UPDATE SET {updates}",
                    [project_id, rec.id, project_id, *values],
                )
                if kind == "change idea":
                    conn.execute(
                        "DELETE FROM change_idea_drivers WHERE project_id = ? AND change_idea = ?", (project_id, rec.id)
                    )
                    conn.executemany(
                        "INSERT INTO change_idea_drivers (project_id, change_idea, driver, position) "
                        "VALUES (?, ?, ?, ?)",
                        [(project_id, rec.id, d, i) for i, d in enumerate(rec.drivers)],
                    )

    def _delete(self, project_id: str, kind: str | None, record_id: str | None) -> None:
        if kind is None:
            conn = self._conn
            # children first: the links between them have no cascade
            conn.execute("UPDATE cycles SET previous = NULL WHERE project_id = ?", (project_id,))
            for table in ("cycles", "ramps", "change_idea_drivers", "change_ideas", "measures"):
                conn.execute(f"DELETE FROM {table} WHERE project_id = ?", (project_id,))
            conn.execute("UPDATE drivers SET parent = NULL WHERE project_id = ?", (project_id,))
            conn.execute("DELETE FROM drivers WHERE project_id = ?", (project_id,))
            conn.execute("DELETE FROM projects WHERE id = ?", (project_id,))
            return
        table = _COLUMNS[kind][0]
        self._conn.execute(f"DELETE FROM {table} WHERE project_id = ? AND id = ?", (project_id, record_id))


def _plural(kind: str) -> str:
    return {"change idea": "change_ideas"}.get(kind, f"{kind}s")


def _not_ours(path: str, why: str) -> str:
    hint = ""
    if path.lower().endswith(".json"):
        hint = " To read a JSON export, use qi.pdsa.load_json(path), or `qitools pdsa import STORE FILE.json`."
    elif path.lower().endswith(".csv"):
        hint = " A CSV export cannot be opened as a store: read it with qi.pdsa.read_csv(path)."
    return (
        f"{path!r} is not a qitools PDSA file: {why}. It has not been changed. Open a file made by "
        f"qi.pdsa.open() (or `qitools pdsa new`), or give a new file name to start one.{hint}"
    )


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise QIValueError(f"{str(path)!r} is a folder. Give a file name for the PDSA store, e.g. 'team.pdsa'.")
    if not path.parent.exists():
        raise QIValueError(
            f"The folder {str(path.parent)!r} does not exist, so the PDSA file {path.name!r} cannot be created there. "
            "Create the folder first, or check the path."
        )
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head != _SQLITE_MAGIC:
            raise QIValueError(_not_ours(str(path), "it is not an SQLite database"))


def open_store(path: str | Path, *, timeout: float = 30.0, journal: str = "wal") -> SQLiteStore:
    """Open (or create) a PDSA store: an SQLite file holding one or more projects.

    Parameters
    ----------
    path : str or pathlib.Path
        The file, e.g. ``"team.pdsa"``; created when missing. ``":memory:"`` for a store that
        is not saved.
    timeout : float, default 30
        Seconds to wait while another process is writing before giving up.
    journal : {"wal", "delete"}, default "wal"
        SQLite's journal. WAL lets readers and a writer work at once; network drives do not
        support it, so use ``"delete"`` for a file on a shared drive.

    Returns
    -------
    SQLiteStore
        Its methods: ``new_project``, ``load``, ``put``, ``remove``, ``update_project``,
        ``add_project``, ``projects``, ``close``; usable in a ``with`` block.

    Raises
    ------
    QIValueError
        When the file is not a qitools PDSA file, was written by a newer qitools, or the folder
        does not exist.

    Notes
    -----
    Older files are upgraded to the current schema (version :data:`SCHEMA_VERSION`) on opening,
    in one transaction, after a copy of the file is saved as ``<path>.v<old version>.bak``.

    Examples
    --------
    >>> import qitools as qi
    >>> with qi.pdsa.open(":memory:") as store:
    ...     p = store.new_project("Fewer falls on Ward 7")
    ...     store.projects()[["id", "n_cycles"]]
                          id  n_cycles
    0  fewer-falls-on-ward-7         0
    """
    return SQLiteStore(path, timeout=timeout, journal=journal)

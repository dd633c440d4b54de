"""Where PDSA projects are kept: an SQLite file (the embedded default) behind one small interface.

:class:`PDSAStore` is the interface. Its public methods (``load``, ``put``, ``remove``,
``new_project``, ``history``...) are written once, in terms of a few primitives a back-end
provides: a write transaction, reading one project, writing records, deleting, and appending
to the change history. :class:`SQLiteStore` keeps them in one SQLite file; :class:`MemoryStore`
in memory (for tests and throw-away work). A server database would be a third subclass.

A team sharing one file
-----------------------
* **No lost updates.** Every record carries a version (:class:`~qitools.pdsa.model.Stamp`).
  A record read at version 3 can only replace version 3: when a colleague saved version 4 in
  the meantime, ``put`` raises :class:`QIConflictError`, naming what they changed, when and who,
  and nothing is written, so their change survives. Load the project again and redo the change.
  A record built from scratch (no version) replaces whatever is there, as before.
* **Who changed what.** Every change is kept in the file's history with who made it (the name
  set once with :meth:`PDSAStore.set_name`, else the computer login), when, and the old and new
  value of each field changed: :meth:`PDSAStore.history`, ``qitools pdsa history``. A removed
  record's last content stays in the history.
* **One file.** The measures' data can be kept in the file (:meth:`PDSAStore.put_data`; a
  measure whose ``dataset`` is a CSV file is copied in when the measure is saved), so a copied
  file still draws its charts.

The SQLite file
---------------
* Opening never changes a file. A store opened with ``readonly=True`` (the ``qitools pdsa``
  commands that only read: ``list``, ``show``, ``export``, ``report``, ``history``, ``overdue``,
  ``draw``) uses SQLite's read-only mode, works in a read-only folder, and reads files of older
  schema versions through a migrated copy in memory. A file made by another program is
  recognised from its header and left alone. Only a qitools file is ever migrated or switched to
  another journal, and only when something is written to it.
* WAL journal and a busy timeout, so that several processes (two notebooks, a notebook and the
  ``qitools pdsa`` command) can read and write at once; every change is one ``BEGIN IMMEDIATE``
  transaction that reads the project, checks the change against it and writes it.
* WAL needs shared memory, which network drives do not offer: keep a file on a shared drive in
  the rollback ("delete") journal with ``journal="delete"`` (``--journal delete``). By default a
  file keeps the journal it has (a new file gets WAL).
* Foreign keys on; every record also passes :mod:`qitools.pdsa.validate` before it is written.
* A process killed mid-write leaves the file as it was before that transaction (SQLite's atomic
  commit); ``synchronous=FULL`` so that a committed change survives a power cut too.
* The schema version is ``PRAGMA user_version``; older files are migrated forward at the first
  write (a copy of the old file is kept as ``<file>.v<k>.bak``); a file from a newer qitools is
  refused. A new file is created at the first write, and removed again if that write fails.
"""

from __future__ import annotations

import abc
import contextlib
import getpass
import json
import sqlite3
import threading
import time
import urllib.parse
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..spc.errors import QIValueError
from ._voice import say, words
from .migrations import LATEST, MIGRATIONS
from .model import (
    _KINDS,
    Aim,
    CauseEffect,
    ChangeIdea,
    Driver,
    Measure,
    PDSACycle,
    ProcessMap,
    Project,
    Ramp,
    Stamp,
    _kind,
    _norm_kind,
    _plural,
    data_as_csv,
    when_text,
)
from .validate import aim_change_problems, check_project, raise_or_warn

__all__ = [
    "PDSAStore",
    "SQLiteStore",
    "MemoryStore",
    "open_store",
    "QIConflictError",
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "HISTORY_COLUMNS",
]

#: ``PRAGMA application_id`` of a qitools PDSA file ("QIPD")
APPLICATION_ID = 0x51495044
#: the schema version this qitools writes
SCHEMA_VERSION = LATEST
#: the columns of :meth:`PDSAStore.history`
HISTORY_COLUMNS = ["when", "who", "kind", "record", "action", "version", "fields", "changes"]


class QIConflictError(QIValueError):
    """A save based on an old copy of a record: someone else changed (or removed) it since it was read.

    Nothing was written. Attributes: ``record`` (its label, ``"cycle 'C3'"``), ``current`` (the
    record as it is now in the store, or None when it was removed), ``changes`` (the history
    entries since the copy was read).
    """

    def __init__(self, message: str, *, record: str = "", current: Any = None, changes: Any = None) -> None:
        super().__init__(message)
        self.record = record
        self.current = current
        self.changes = list(changes or [])


def _now() -> str:
    import datetime as _dt

    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _login() -> str:
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # noqa: BLE001 - no login name on this machine (containers, services)
        return "unknown"


def _content(rec: Any) -> dict[str, Any]:
    """A record's fields as flat plain values (what the history compares)."""
    if isinstance(rec, PDSACycle):
        flat = rec.to_flat_dict()
    elif isinstance(rec, Project):
        flat = {k: getattr(rec, k) for k in ("title", "team", "description", "created")}
    else:
        flat = rec.to_dict()
    flat.pop("id", None)
    return flat


def _diff(old: Any, new: Any) -> dict[str, list[Any]]:
    """``{field: [old value, new value]}`` for the fields that differ (all non-empty ones when one side is None)."""
    a = _content(old) if old is not None else {}
    b = _content(new) if new is not None else {}
    out = {}
    for key in dict.fromkeys([*a, *b]):
        va, vb = a.get(key), b.get(key)
        if va != vb and not (_empty(va) and _empty(vb)):
            out[key] = [va, vb]
    return out


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _record_kind(rec: Any) -> str:
    if isinstance(rec, Aim):
        return "aim"
    if isinstance(rec, Project):
        return "project"
    return _kind(rec)


def _record_id(rec: Any, project_id: str) -> str:
    if isinstance(rec, Aim):
        return "aim"
    if isinstance(rec, Project):
        return project_id
    return str(rec.id)


class PDSAStore(abc.ABC):
    """The interface of a PDSA store: projects in, projects out, one checked change at a time.

    Every change runs in one write transaction: the project is read, the change is checked
    against it (:mod:`qitools.pdsa.validate`) and against the version the caller read (see the
    module docstring), written, and recorded in the history, so concurrent writers cannot lose
    each other's changes.
    """

    readonly: bool = False
    _user: str | None = None

    # -- primitives a back-end provides ----------------------------------------------------------
    @abc.abstractmethod
    def project_ids(self) -> list[str]:
        """The ids of the projects in the store, in the order they were added."""

    @abc.abstractmethod
    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction: everything inside commits together or not at all."""

    @abc.abstractmethod
    def _read(self, project_id: str) -> Project | None:
        """The project with its records and their stamps (None when there is none with that id)."""

    @abc.abstractmethod
    def _write(self, project_id: str, records: list[Any]) -> None:
        """Insert or update records (a Project header, an Aim, or child records) with their stamps."""

    @abc.abstractmethod
    def _delete(self, project_id: str, kind: str | None, record_id: str | None) -> None:
        """Delete one record, or (``kind`` None) the whole project with its data and history."""

    @abc.abstractmethod
    def _write_data(self, project_id: str, name: str, text: str | None, rows: int, stamp: Stamp | None) -> None:
        """Keep a dataset's CSV text with the project (``text`` None: remove it)."""

    @abc.abstractmethod
    def _log(self, project_id: str, entries: list[dict[str, Any]]) -> None:
        """Append entries to the project's change history."""

    @abc.abstractmethod
    def _history(self, project_id: str, kind: str | None = None, record: str | None = None) -> list[dict[str, Any]]:
        """The project's change history, oldest first (optionally of one record)."""

    @abc.abstractmethod
    def _name_of(self, login: str) -> str | None:
        """The name a login set for this store (None when none was set)."""

    @abc.abstractmethod
    def _set_name_of(self, login: str, name: str) -> None:
        """Remember the name of a login."""

    def close(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Release the store (nothing to do for stores without a connection)."""

    def __enter__(self) -> PDSAStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- who -------------------------------------------------------------------------------------
    @property
    def user(self) -> str:
        """Who the history records for changes made through this store.

        The name given when the store was opened (``user=``), else the name this computer login
        set with :meth:`set_name`, else the login.
        """
        if self._user:
            return self._user
        login = _login()
        return self._name_of(login) or login

    def set_name(self, name: str) -> None:
        """Record changes made from this computer login under ``name`` ("Sam Patel, ward manager").

        Set once per store: the file remembers it for this login.
        """
        if not isinstance(name, str) or not name.strip() or len(name) > 80 or any(ord(ch) < 32 for ch in name):
            raise QIValueError(
                f"A name for the change history must be short text on one line (at most 80 characters); got {name!r}."
            )
        with self._transaction():
            self._set_name_of(_login(), name.strip())

    # -- the public interface --------------------------------------------------------------------
    def _resolve(self, project: str | None) -> str:
        ids = self.project_ids()
        if project is None:
            if len(ids) == 1:
                return ids[0]
            if not ids:
                raise QIValueError(
                    "This store has no projects yet. Create one first: "
                    + say(
                        "store.new_project('Fewer falls on Ward 7').",
                        "qitools pdsa new {file} --title 'Fewer falls on Ward 7'.",
                    )
                )
            raise QIValueError(
                f"This store has {len(ids)} projects ({', '.join(repr(i) for i in ids)}); say which one with "
                + say("project=.", "--project ID.")
            )
        if project not in ids:
            import difflib

            close = difflib.get_close_matches(str(project), ids, n=1, cutoff=0.5)
            tip = f" Did you mean {close[0]!r}?" if close else ""
            have = f"It has {', '.join(repr(i) for i in ids)}." if ids else "It has no projects yet."
            raise QIValueError(f"This store has no project {project!r}.{tip} {have}")
        return project

    def load(self, project: str | None = None) -> Project:
        """Read a project with all its records, their versions, its data and its change history.

        Parameters
        ----------
        project : str, optional
            The project's id; may be left out when the store holds one project.

        Returns
        -------
        Project
            A snapshot: changing it does not change the store (use :meth:`put`). Each record's
            ``version`` is what :meth:`put` checks.
        """
        pid = self._resolve(project)
        loaded = self._read(pid)
        if loaded is None:  # removed by another process since project_ids()
            raise QIValueError(f"Project {pid!r} is no longer in this store.")
        loaded.history = self._history(pid)
        return loaded

    def projects(self) -> pd.DataFrame:
        """One row per project: ``id``, ``title``, ``n_cycles``, ``aim``."""
        rows = []
        for pid in self.project_ids():
            p = self._read(pid)
            if p is not None:
                rows.append({"id": p.id, "title": p.title, "n_cycles": len(p.cycles), "aim": p.aim.text()})
        return pd.DataFrame(rows, columns=["id", "title", "n_cycles", "aim"])

    def history(self, project: str | None = None, record: str | None = None) -> pd.DataFrame:
        """Who changed what, when: the project's change history, oldest first.

        Parameters
        ----------
        project : str, optional
            The project's id (may be left out when the store holds one project).
        record : str, optional
            Only this record's changes: its id (``"C3"``, ``"M1"``), ``"aim"``, or a dataset name.

        Returns
        -------
        pandas.DataFrame
            Columns ``when`` (ISO-8601 local time), ``who``, ``kind`` (``"cycle"``, ``"aim"``,
            ``"project"``, ``"data"``...), ``record`` (its id), ``action`` (``"added"``,
            ``"changed"``, ``"removed"``, ``"imported"``), ``version`` (after the change),
            ``fields`` (the fields changed, joined with ", "), ``changes`` (field -> [old, new]).

        Examples
        --------
        >>> import qitools as qi
        >>> store = qi.pdsa.open(":memory:", user="Sam")
        >>> _ = store.new_project("Fewer falls", aim="Reduce falls by 30% by March 2026.")
        >>> idea = store.put(qi.pdsa.ChangeIdea("Bay tagging"))
        >>> store.history()[["who", "kind", "record", "action", "version"]]
           who         kind       record action  version
        0  Sam      project  fewer-falls  added        1
        1  Sam  change idea          CI1  added        1
        """
        pid = self._resolve(project)
        entries = self._history(pid)
        if record is not None:
            entries = [e for e in entries if e.get("record") == record]
        rows = [
            {
                "when": e.get("changed_at"),
                "who": e.get("changed_by"),
                "kind": e.get("kind"),
                "record": e.get("record"),
                "action": e.get("action"),
                "version": e.get("version"),
                "fields": ", ".join((e.get("changes") or {}).keys()) if e.get("action") == "changed" else "",
                "changes": e.get("changes") or {},
            }
            for e in entries
        ]
        table = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
        table["version"] = table["version"].astype("Int64")
        return table

    def overdue(self, project: str | None = None, today: Any = None) -> pd.DataFrame:
        """The late cycles of a project (see :meth:`qitools.pdsa.Project.overdue`)."""
        return self.load(project).overdue(today)

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
            Short id for the project; made from the title when empty (accents transliterated:
            "Rhôp Dics" gives ``rhop-dics``).
        team, description : str
            Who is in the team; background.

        Returns
        -------
        Project

        Raises
        ------
        QIValueError
            When the store already has a project with that id (running ``new`` twice by mistake
            would otherwise make a second, empty project): open that one, or give another id.
        """
        project = Project(title=title, aim=aim, id=id, team=team, description=description)  # type: ignore[arg-type]
        if not str(project.title).strip():
            raise QIValueError(
                "A project needs a title, e.g. 'Fewer falls on Ward 7'. "
                + say("Pass it as new_project('...').", "Give it with --title.")
            )
        raise_or_warn(aim_change_problems(None, project.aim), project.aim, stacklevel=3)
        with warnings.catch_warnings():  # an empty aim is usually written next: check() and list say so later
            warnings.filterwarnings("ignore", message="The project has no aim yet", category=_note())
            return self.add_project(project)

    def add_project(self, project: Project, *, replace: bool = False) -> Project:
        """Store a whole project (an import): every record is checked, all are written in one transaction.

        Parameters
        ----------
        project : Project
            The project (its ``history``, when it has one, is kept and the import added to it).
        replace : bool, default False
            Replace a project with the same id, with its data and history (otherwise that is an error).

        Returns
        -------
        Project
            The project as stored.
        """
        if not isinstance(project, Project):
            raise QIValueError(f"add_project() takes a qitools.pdsa.Project; got {type(project).__name__}.")
        raise_or_warn(check_project(project), project)
        pid = str(project.id)
        with self._transaction():
            existing = self._read(pid)
            if existing is not None:
                if not replace:
                    raise QIValueError(
                        f"This store already has a project {pid!r} ({existing.title}). "
                        + say(
                            "Open it with store.load(), pass replace=True to overwrite it, or give the new project "
                            "another id (id='...').",
                            "Work on it with --project, import with --replace to overwrite it, or give the new "
                            "project another id (--id).",
                        )
                    )
                self._delete(pid, None, None)
            now, who = _now(), self.user
            past = list(project.history or [])
            latest: dict[tuple[Any, Any], int] = {}
            for e in past:
                key = (e.get("kind"), e.get("record"))
                if isinstance(e.get("version"), int):
                    latest[key] = max(latest.get(key, 0), e["version"])
            records: list[Any] = [project, project.aim]
            for kind in _KINDS:
                records.extend(project._collection(kind))  # links between records are checked at commit
            stamped = []
            for rec in records:
                copy = rec.copy() if not isinstance(rec, Project) else _header(rec)
                kind = _record_kind(copy)
                version = latest.get((kind, _record_id(copy, pid)), 0) + 1
                copy.stamp = Stamp(version, now, who)
                stamped.append(copy)
            self._write(pid, stamped)
            for name, text in project.data.items():
                self._write_data(pid, name, text, _rows(text), Stamp(1, now, who))
            folder = Path(project.source).resolve().parent if project.source else self._folder()
            kept = dict(project.data)
            extra = []
            for m in project.measures:  # data files next to an imported JSON file come into the store too
                if m.dataset and m.dataset not in kept and (path := _find_file(m.dataset, folder)) is not None:
                    with contextlib.suppress(QIValueError):
                        name, text, rows = data_as_csv(m.dataset, path)
                        self._write_data(pid, name, text, rows, Stamp(1, now, who))
                        kept[name] = text
                        extra.append(
                            _entry(
                                "data", name, "added", 1, now, who, {"rows": [None, rows], "from": [None, str(path)]}
                            )
                        )
            action = "imported" if past or project.source or project.cycles else "added"
            summary = {"records": [None, sum(len(project._collection(k)) for k in _KINDS)]}
            if project.source:
                summary["from"] = [None, str(project.source)]
            self._log(
                pid,
                [*past, _entry("project", pid, action, latest.get(("project", pid), 0) + 1, now, who, summary), *extra],
            )
        return self.load(pid)

    def update_project(
        self,
        project: str | None = None,
        *,
        title: str | None = None,
        team: str | None = None,
        description: str | None = None,
        aim: Aim | None = None,
        version: int | None = None,
    ) -> Project:
        """Change the project's title, team, description or aim.

        Parameters
        ----------
        project : str, optional
            The project's id (may be left out when the store holds one project).
        title, team, description : str, optional
            New values (None leaves a value as it is).
        aim : Aim, optional
            A new aim statement (checked against its version like :meth:`put`).
        version : int, optional
            The project's version you read (``project.version``): the change is refused when
            someone changed the title, team or description since.

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
            header = _header(p)
            if version is not None and p.version is not None and version != p.version:
                raise self._conflict(pid, "project", pid, f"project {pid!r}", version, p)
            for name, value in (("title", title), ("team", team), ("description", description)):
                if value is not None:
                    setattr(header, name, str(value))
            if not header.title.strip():
                raise QIValueError("A project needs a title; it cannot be made empty.")
            changes = _diff(_header(p), header)
            if changes:
                now, who = _now(), self.user
                header.stamp = Stamp((p.version or 0) + 1, now, who)
                self._write(pid, [header])
                self._log(pid, [_entry("project", pid, "changed", header.stamp.version, now, who, changes)])
            if aim is not None:
                self._put_locked(pid, p, aim, check=True)
        return self.load(pid)

    def put(self, record: Any, *, project: str | None = None, check: bool = True) -> Any:
        """Add a record, or replace the one with the same id; return it as stored.

        Parameters
        ----------
        record : PDSACycle, Measure, Driver, ChangeIdea, Ramp, CauseEffect, ProcessMap or Aim
            The record. Without an id it is added and numbered (``C4``); with the id of an
            existing record it replaces it (to record the Do, Study and Act of a cycle). A record
            read from the store carries its version: it replaces only that version.
        project : str, optional
            The project's id (may be left out when the store holds one project).
        check : bool, default True
            Check the record against the project first: errors raise, warnings warn.

        Returns
        -------
        The record as stored (with its id and new version, and for a cycle its ramp).

        Raises
        ------
        QIConflictError
            When the record was read at an older version than the store holds (someone else
            changed it since) or was removed since: nothing is written, so their change stays.
            The message names what changed, when and by whom.
        QIValueError
            When the record breaks a rule (nothing is written).

        Examples
        --------
        >>> import qitools as qi
        >>> store = qi.pdsa.open(":memory:")
        >>> p = store.new_project("Fewer falls", aim="Reduce falls on Ward 7 by 30% by March 2026.")
        >>> idea = store.put(qi.pdsa.ChangeIdea("Bay tagging"))
        >>> c = store.put(qi.pdsa.PDSACycle(change_idea=idea.id, objective="Tag one bay for a night",
        ...                                 predictions=["No unwitnessed falls in that bay"], scale_n=6))
        >>> c.id, c.version, len(store.load().cycles)
        ('C1', 1, 1)
        """
        pid = self._resolve(project)
        if not isinstance(record, Aim):
            _kind(record)  # a clear error for the wrong type
        with self._transaction():
            p = self._read(pid)
            if p is None:
                raise QIValueError(f"Project {pid!r} is no longer in this store.")
            return self._put_locked(pid, p, record, check=check)

    def _put_locked(self, pid: str, p: Project, record: Any, *, check: bool) -> Any:
        kind = _record_kind(record)
        rid = getattr(record, "id", None)
        existing = p.aim if kind == "aim" else (p._find(kind, rid) if rid is not None else None)
        if existing is not None and existing == record:
            return existing.copy()  # nothing changed: no new version, nothing to refuse
        if record.version is not None:
            if existing is None and kind != "aim":
                removed = [e for e in self._history(pid, kind, rid) if e.get("action") == "removed"]
                if removed:
                    raise self._conflict(pid, kind, str(rid), record.label, record.version, None, removed[-1:])
            elif existing is not None and existing.version is not None and existing.version != record.version:
                raise self._conflict(pid, kind, _record_id(existing, pid), existing.label, record.version, existing)
        replace = kind == "aim" or existing is not None
        written = p._upsert(record, check=check, replace=replace)
        now, who = _now(), self.user
        entries = []
        olds = [existing] + [None] * (len(written) - 1)
        for rec, old in zip(written, olds, strict=True):
            version = (old.version or 0) + 1 if old is not None else 1
            rec.stamp = Stamp(version, now, who)
            rk = _record_kind(rec)
            entries.append(
                _entry(
                    rk,
                    _record_id(rec, pid),
                    "changed" if old is not None else "added",
                    version,
                    now,
                    who,
                    _diff(old, rec),
                )
            )
        # a new ramp must exist before the cycle that refers to it
        self._write(pid, [*written[1:], written[0]])
        if isinstance(written[0], Measure):
            entries += self._keep_data(pid, p, written[0], now, who)
        self._log(pid, entries)
        return written[0].copy()

    def _keep_data(self, pid: str, p: Project, m: Measure, now: str, who: str) -> list[dict[str, Any]]:
        """Copy a measure's dataset file into the store when it is a file not kept yet."""
        if not m.dataset or m.dataset in p.data:
            return []
        path = _find_file(m.dataset, self._folder())
        if path is None:
            return []
        try:
            name, text, rows = data_as_csv(m.dataset, path)
        except QIValueError as exc:
            warnings.warn(f"The data of measure {m.id!r} was not kept in the store: {exc}", _note(), stacklevel=4)
            return []
        self._write_data(pid, name, text, rows, Stamp(1, now, who))
        p.data[name] = text
        return [_entry("data", name, "added", 1, now, who, {"rows": [None, rows], "from": [None, str(path)]})]

    def _folder(self) -> Path | None:
        return None

    def put_data(self, name: str, data: Any, *, project: str | None = None) -> int:
        """Keep (or replace) a dataset in the store, so the measures that name it travel with the file.

        Parameters
        ----------
        name : str
            The dataset name the measures use (their ``dataset``), e.g. ``"falls.csv"``.
        data : pandas.DataFrame, str or pathlib.Path
            The table, or a CSV / Excel file.
        project : str, optional
            The project's id (may be left out when the store holds one project).

        Returns
        -------
        int
            The number of rows kept.
        """
        pid = self._resolve(project)
        name, text, rows = data_as_csv(name, data)
        with self._transaction():
            p = self._read(pid)
            if p is None:
                raise QIValueError(f"Project {pid!r} is no longer in this store.")
            old = p.data.get(name)
            if old == text:
                return rows
            now, who = _now(), self.user
            version = self._data_version(pid, name) + 1
            self._write_data(pid, name, text, rows, Stamp(version, now, who))
            changes = {"rows": [_rows(old) if old is not None else None, rows]}
            if isinstance(data, (str, Path)):
                changes["from"] = [None, str(data)]
            self._log(
                pid, [_entry("data", name, "changed" if old is not None else "added", version, now, who, changes)]
            )
        return rows

    def _data_version(self, pid: str, name: str) -> int:
        versions = [e.get("version") or 0 for e in self._history(pid, "data", name)]
        return max(versions, default=0)

    def remove(self, kind: str, record_id: str, *, project: str | None = None, version: int | None = None) -> None:
        """Remove a record; refused (with the reason) while other records refer to it.

        Parameters
        ----------
        kind : {"cycle", "measure", "driver", "change_idea", "ramp", "fishbone", "process_map", "data"}
            What to remove.
        record_id : str
            Its id (for ``"data"``, the dataset name).
        project : str, optional
            The project's id (may be left out when the store holds one project).
        version : int, optional
            The version you read: the removal is refused when someone changed the record since.

        Notes
        -----
        The removed record's content stays in the change history (:meth:`history`).
        """
        pid = self._resolve(project)
        with self._transaction():
            p = self._read(pid)
            if p is None:
                raise QIValueError(f"Project {pid!r} is no longer in this store.")
            now, who = _now(), self.user
            if isinstance(kind, str) and kind.strip().lower() in ("data", "dataset"):
                if record_id not in p.data:
                    have = ", ".join(repr(n) for n in p.data) or "none"
                    raise QIValueError(f"Project {pid!r} keeps no dataset {record_id!r} (it keeps: {have}).")
                users = [m.label for m in p.measures if m.dataset == record_id]
                if users:
                    raise QIValueError(
                        f"Cannot remove the data {record_id!r}: {', '.join(users)} chart it. Change their dataset first."
                    )
                self._write_data(pid, record_id, None, 0, None)
                v = self._data_version(pid, record_id) + 1
                self._log(
                    pid, [_entry("data", record_id, "removed", v, now, who, {"rows": [_rows(p.data[record_id]), None]})]
                )
                return
            kind = _norm_kind(kind)
            rec = p._get(kind, record_id)
            if version is not None and rec.version is not None and version != rec.version:
                raise self._conflict(pid, kind, record_id, rec.label, version, rec)
            p.remove(kind, record_id)
            self._delete(pid, kind, record_id)
            self._log(pid, [_entry(kind, record_id, "removed", (rec.version or 0) + 1, now, who, _diff(rec, None))])

    def delete_project(self, project: str) -> None:
        """Delete a project with all its records, data and history (no undo: export it to JSON first)."""
        pid = self._resolve(project)
        with self._transaction():
            self._delete(pid, None, None)

    # -- conflicts -------------------------------------------------------------------------------
    def _conflict(
        self,
        pid: str,
        kind: str,
        rid: str,
        label: str,
        read_version: int,
        current: Any,
        entries: list[dict[str, Any]] | None = None,
    ) -> QIConflictError:
        if entries is None:
            entries = [e for e in self._history(pid, kind, rid) if (e.get("version") or 0) > read_version]
        who = sorted({str(e.get("changed_by") or "someone") for e in entries}) or (
            [current.stamp.changed_by] if current is not None and current.stamp and current.stamp.changed_by else []
        )
        last = entries[-1] if entries else None
        when = when_text(
            last.get("changed_at")
            if last
            else (current.stamp.changed_at if current is not None and current.stamp else "")
        )
        fields = list(dict.fromkeys(words(k) for e in entries for k in (e.get("changes") or {})))
        label_cap = label[:1].upper() + label[1:]
        by = " and ".join(who) if who else "someone else"
        if current is None:
            what = f"{label_cap} was removed by {by} {when} after you read it".replace("  ", " ")
            fix = say(
                "Nothing was saved. Load the project again (store.load()) to see it as it is now; the removed "
                "record's content is in store.history().",
                "Nothing was saved. See the project as it is now with `qitools pdsa list {file}`; the removed "
                "record's content is in `qitools pdsa history {file}`.",
                "Nothing was saved. Press Reload to see the project as it is now; the removed record's content "
                "is in its change history.",
            )
        else:
            changed = f" ({', '.join(fields)})" if fields else ""
            what = (
                f"{label_cap} was changed by {by} {when}{changed} after you read it: your copy is version "
                f"{read_version}, the file has version {current.version}"
            ).replace("  ", " ")
            fix = say(
                "Nothing was saved, so their change is kept. Load it again (store.load()), make your change to the "
                "new version and save again.",
                f"Nothing was saved, so their change is kept. See the latest with `qitools pdsa show {{file}} {rid}` "
                "and run your command again (with --expect-version " + str(current.version) + ").",
                "Nothing was saved, so their change is kept. Press Reload to see their version, make your change "
                "to it and save again.",
            )
        return QIConflictError(f"{what}. {fix}", record=label, current=current, changes=entries)


def _entry(
    kind: str, record: str, action: str, version: int, when: str, who: str, changes: dict[str, Any]
) -> dict[str, Any]:
    return {
        "kind": kind,
        "record": record,
        "action": action,
        "version": version,
        "changed_at": when,
        "changed_by": who,
        "changes": json.loads(json.dumps(changes, default=str)),
    }


def _header(p: Project) -> Project:
    """The project's own fields (no records), with its stamp."""
    h = Project(title=p.title, id=p.id, team=p.team, description=p.description, created=p.created)
    h.stamp = p.stamp
    return h


def _rows(text: str | None) -> int:
    if not text:
        return 0
    import io

    return len(pd.read_csv(io.StringIO(text)))


def _note() -> type:
    from .validate import PDSAWarning

    return PDSAWarning


def _find_file(name: str, folder: Path | None) -> Path | None:
    """A dataset file: absolute, relative to the store's folder (also its bare name), or to the working folder."""
    candidates = [Path(name)]
    if folder is not None:
        candidates += [folder / name, folder / Path(name).name]
    for path in candidates:
        if path.suffix.lower() in (".csv", ".txt", ".xlsx", ".xlsm", ".xls") and path.is_file():
            return path
    return None


# ---------------------------------------------------------------------------------------------
# In memory
# ---------------------------------------------------------------------------------------------
class MemoryStore(PDSAStore):
    """A store in memory: the same interface, checks, versions and history as the SQLite file, nothing saved.

    Parameters
    ----------
    user : str, optional
        Who the history records (default: the computer login).

    Examples
    --------
    >>> import qitools as qi
    >>> store = qi.pdsa.MemoryStore()
    >>> store.new_project("Sepsis screening", aim="Antibiotics within 1 hour for 90% of patients by 2026.").id
    'sepsis-screening'
    """

    def __init__(self, *, user: str | None = None) -> None:
        self._projects: dict[str, Project] = {}
        self._logs: dict[str, list[dict[str, Any]]] = {}
        self._people: dict[str, str] = {}
        self._lock = threading.RLock()
        self._pending: tuple[dict[str, Project], dict[str, list[dict[str, Any]]], dict[str, str]] | None = None
        self._user = user

    def project_ids(self) -> list[str]:
        return list(self._current()[0].keys())

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            if self._pending is not None:  # nested: part of the outer transaction
                yield
                return
            self._pending = (
                {k: v.copy() for k, v in self._projects.items()},
                {k: [dict(e) for e in v] for k, v in self._logs.items()},
                dict(self._people),
            )
            try:
                yield
                self._projects, self._logs, self._people = self._pending
            finally:
                self._pending = None

    def _current(self) -> tuple[dict[str, Project], dict[str, list[dict[str, Any]]], dict[str, str]]:
        return self._pending if self._pending is not None else (self._projects, self._logs, self._people)

    def _read(self, project_id: str) -> Project | None:
        p = self._current()[0].get(project_id)
        return p.copy() if p is not None else None

    def _write(self, project_id: str, records: list[Any]) -> None:
        projects = self._current()[0]
        for rec in records:
            if isinstance(rec, Project):
                old = projects.get(project_id)
                new = rec.copy()
                if old is not None:
                    for kind in _KINDS:
                        setattr(new, _plural(kind), old._collection(kind))
                    new.aim, new.data = old.aim, old.data
                else:
                    for kind in _KINDS:
                        setattr(new, _plural(kind), [])
                    new.data = {}
                new.history = None
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
        projects, logs, _ = self._current()
        if kind is None:
            projects.pop(project_id, None)
            logs.pop(project_id, None)
            return
        coll = projects[project_id]._collection(kind)
        coll[:] = [r for r in coll if r.id != record_id]

    def _write_data(self, project_id: str, name: str, text: str | None, rows: int, stamp: Stamp | None) -> None:
        data = self._current()[0][project_id].data
        if text is None:
            data.pop(name, None)
        else:
            data[name] = text

    def _log(self, project_id: str, entries: list[dict[str, Any]]) -> None:
        self._current()[1].setdefault(project_id, []).extend(json.loads(json.dumps(entries)))

    def _history(self, project_id: str, kind: str | None = None, record: str | None = None) -> list[dict[str, Any]]:
        out = [dict(e) for e in self._current()[1].get(project_id, [])]
        if kind is not None:
            out = [e for e in out if e["kind"] == kind and (record is None or e["record"] == record)]
        return out

    def _name_of(self, login: str) -> str | None:
        return self._current()[2].get(login)

    def _set_name_of(self, login: str, name: str) -> None:
        self._current()[2][login] = name


# ---------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------
_STAMP_COLUMNS = ("version", "changed_at", "changed_by")
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
                "data_source",
                "collected_by",
                "frequency",
                "sampling",
                "missing",
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
                "due_date",
            )
        ],
    ),
    "cause and effect diagram": (
        "cause_effects",
        [("title", "title"), ("effect", "effect"), ("categories", "categories")],
    ),
    "process map": ("process_maps", [("title", "title"), ("steps", "steps")]),
}
_JSON_FIELDS = {"questions", "predictions", "subset", "categories", "steps"}
_CLASSES = {
    "measure": Measure,
    "driver": Driver,
    "change idea": ChangeIdea,
    "ramp": Ramp,
    "cycle": PDSACycle,
    "cause and effect diagram": CauseEffect,
    "process map": ProcessMap,
}
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
_READONLY_WORDS = ("readonly", "read-only", "unable to open", "permission denied", "disk i/o error")


def _sql_error(exc: sqlite3.Error, path: str, *, writing: bool = False) -> QIValueError:
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
    if writing and any(w in text.lower() for w in _READONLY_WORDS):
        return _cannot_write(path, text)
    return QIValueError(f"Could not use the PDSA file {path!r}: {text}.")


def _cannot_write(path: str, why: str) -> QIValueError:
    return QIValueError(
        f"Could not write {path!r}: the file or its folder is read-only ({why}). Nothing was changed. Reading "
        "still works (list, show, report, export); to make changes, copy the file to a folder you can write to, "
        "or ask for write access."
    )


def _header_facts(path: Path) -> dict[str, int]:
    """The facts in the first 100 bytes of an SQLite file (https://www.sqlite.org/fileformat.html)."""
    with path.open("rb") as fh:
        head = fh.read(100)
    if len(head) < 100:
        return {"size": len(head)}
    return {
        "size": len(head),
        "wal": int(head[18] == 2),
        "pages": int.from_bytes(head[28:32], "big"),
        "user_version": int.from_bytes(head[60:64], "big"),
        "application_id": int.from_bytes(head[68:72], "big"),
    }


def _siblings(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


class SQLiteStore(PDSAStore):
    """PDSA projects in one SQLite file (see the module docstring). Open one with :func:`qitools.pdsa.open`."""

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float = 30.0,
        journal: str | None = None,
        readonly: bool = False,
        user: str | None = None,
    ) -> None:
        self.path = str(path)
        self.timeout = float(timeout)
        self.readonly = bool(readonly)
        self._user = user.strip() if isinstance(user, str) and user.strip() else None
        self._in_tx = False
        self._conn: sqlite3.Connection | None = None
        self._created = False
        self._prepared = False
        self._version = 0
        self._tidy: list[Path] = []
        self._write_blocked: str | None = None
        if journal is not None and journal not in ("wal", "delete"):
            raise QIValueError(
                f"`journal` must be 'wal' or 'delete' (or left out to keep the file's own); got {journal!r}. "
                "'delete' is the one for a file on a shared (network) drive."
            )
        self.journal = journal
        memory = self.path == ":memory:"
        if memory:
            if self.readonly:
                raise QIValueError("A store in memory (':memory:') cannot be read-only: it starts empty.")
            self._conn = self._connect(self.path)
            self._prepare_for_writing()
            return
        p = Path(self.path)
        _check_file(p, must_exist=self.readonly)
        if p.exists() and p.stat().st_size > 0:
            self._open_existing(p)

    # -- opening -------------------------------------------------------------------------------
    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn = sqlite3.connect(target, timeout=self.timeout, isolation_level=None, uri=uri, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return conn

    def _open_existing(self, p: Path) -> None:
        facts = _header_facts(p)
        wal_file = Path(f"{p}-wal")
        live_wal = wal_file.exists() and wal_file.stat().st_size > 0
        if not live_wal and facts.get("application_id") != APPLICATION_ID:
            empty = facts.get("user_version") == 0 and facts.get("application_id") == 0 and facts.get("pages", 2) <= 1
            if not empty:
                why = "it is an SQLite database made by another program"
                raise QIValueError(_not_ours(self.path, why))
        existed = {s for s in _siblings(p) if s.exists()}
        base = "file:" + urllib.parse.quote(str(p.resolve()))
        conn = None
        if not self.readonly:
            try:
                conn = self._connect(base + "?mode=rw", uri=True)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error as exc:
                if not any(w in str(exc).lower() for w in _READONLY_WORDS):
                    raise _sql_error(exc, self.path) from exc
                with contextlib.suppress(sqlite3.Error):
                    conn.close()  # type: ignore[union-attr]
                conn = None
                self._write_blocked = str(exc)  # a read-only folder or file: reading still works
        if conn is None:
            try:
                conn = self._connect(base + "?mode=ro", uri=True)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error:
                # a WAL file in a read-only folder without its -shm: read the file as it is
                conn = self._connect(base + "?mode=ro&immutable=1", uri=True)
                if live_wal:
                    warnings.warn(
                        f"{self.path!r} has changes in {wal_file.name!r} that cannot be read without write access to "
                        "its folder; they are not shown. Open it where the folder can be written to see them.",
                        _note(),
                        stacklevel=4,
                    )
            self._tidy = [s for s in _siblings(p) if s not in existed]
        self._conn = conn
        try:
            self._identify()
        except BaseException:
            self.close()
            raise
        conn.execute("PRAGMA foreign_keys = ON")
        if not self.readonly:
            conn.execute("PRAGMA synchronous = FULL")

    def _identify(self) -> None:
        """Check the file is a qitools store (no writes): its schema version, or an empty database."""
        conn = self._conn
        assert conn is not None
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            app = int(conn.execute("PRAGMA application_id").fetchone()[0])
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "malformed" in str(exc):
                raise QIValueError(_not_ours(self.path, "it is not an SQLite database")) from exc
            raise _sql_error(exc, self.path) from exc
        if version == 0 and tables == 0 and app in (0, APPLICATION_ID):
            self._version = 0  # an empty database: becomes a store at the first write
            return
        if app != APPLICATION_ID:
            why = (
                "it is an SQLite database with other tables"
                if version == 0
                else "it is an SQLite database made by another program"
            )
            raise QIValueError(_not_ours(self.path, why))
        if version > LATEST:
            raise QIValueError(
                f"{self.path!r} was written by a newer qitools (PDSA schema version {version}; this qitools "
                f"knows up to {LATEST}). Upgrade qitools (pip install -U qitools) to open it; it has not "
                "been changed."
            )
        self._version = version

    def __repr__(self) -> str:
        mode = " read-only" if self.readonly else ""
        return f"<SQLiteStore {self.path!r}{mode} schema={self.schema_version} projects={len(self.project_ids())}>"

    @property
    def schema_version(self) -> int:
        """The schema version of the file (``PRAGMA user_version``; 0 for a file not written yet)."""
        if self._conn is None:
            return 0
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection (the file stays consistent whether or not this is called)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._tidy_siblings()

    def _tidy_siblings(self) -> None:
        """Remove the -wal and -shm files a read-only reader of a WAL file left behind.

        A read-only connection cannot delete them itself; a read-write connection that is the
        last one to close does, without writing to the database file (an empty WAL has nothing to
        copy back). When another program still has the file open, SQLite keeps them.
        """
        tidy, self._tidy = self._tidy, []
        if not tidy or not any(s.exists() for s in tidy):
            return
        with contextlib.suppress(sqlite3.Error, OSError):
            uri = "file:" + urllib.parse.quote(str(Path(self.path).resolve())) + "?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=0.5, isolation_level=None)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()

    def _folder(self) -> Path | None:
        return None if self.path == ":memory:" else Path(self.path).resolve().parent

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

    def _prepare_for_writing(self) -> None:
        """Before the first write: create the file, switch its journal if asked, migrate an old schema."""
        if self._prepared:
            return
        if self.readonly:
            raise QIValueError(
                f"{self.path!r} was opened read-only, so nothing can be changed. "
                + say(
                    "Open it without readonly=True to make changes.",
                    "Use a command that changes it (add-..., update-..., remove).",
                )
            )
        if self._write_blocked is not None:
            raise _cannot_write(self.path, self._write_blocked)
        memory = self.path == ":memory:"
        if self._conn is None:
            p = Path(self.path)
            _check_file(p, must_exist=False)
            fresh = not p.exists()
            try:
                self._conn = self._connect(self.path)
                self._conn.execute("PRAGMA foreign_keys = ON")
                self._conn.execute("PRAGMA synchronous = FULL")
                self._identify()
            except sqlite3.Error as exc:
                self._conn = None
                raise _sql_error(exc, self.path, writing=True) from exc
            self._created = fresh
        conn = self._conn
        try:
            if not memory:
                current = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
                wanted = self.journal or ("wal" if self._version == 0 else None)
                if wanted is not None and current != wanted:
                    got = self._retry(lambda: conn.execute(f"PRAGMA journal_mode = {wanted.upper()}").fetchone()[0])
                    if str(got).lower() != wanted:
                        raise QIValueError(
                            f"Could not switch {self.path!r} to the {wanted.upper()} journal (it stays {got}). If the "
                            "file is on a network drive, use journal='delete' (--journal delete)."
                        )
            self._migrate()
        except sqlite3.Error as exc:
            self._discard_new_file()
            raise _sql_error(exc, self.path, writing=True) from exc
        except BaseException:
            self._discard_new_file()
            raise
        self._prepared = True

    def _discard_new_file(self) -> None:
        """Remove a file this store created when its first write failed (no empty store left behind)."""
        if not self._created or self.path == ":memory:":
            return
        try:
            if self._conn is not None and self._version and self.project_ids():
                return  # another process wrote to it meanwhile
        except sqlite3.Error:
            pass
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        # the last connection to close a WAL file removes its -wal and -shm: if they are still there,
        # another process has the file open, and it is left for that process
        if not any(f.exists() for f in _siblings(Path(self.path))):
            with contextlib.suppress(OSError):
                Path(self.path).unlink()
        self._created = False
        self._prepared = False
        self._version = 0

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._in_tx:
            yield
            return
        self._prepare_for_writing()
        conn = self._conn
        assert conn is not None
        try:
            self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            self._discard_new_file()
            raise _sql_error(exc, self.path, writing=True) from exc
        self._in_tx = True
        try:
            yield
            conn.execute("COMMIT")
            self._created = False  # something was saved: the file stays
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            self._in_tx = False
            self._discard_new_file()
            raise _sql_error(exc, self.path, writing=True) from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            self._in_tx = False
            self._discard_new_file()
            raise
        finally:
            self._in_tx = False

    # -- schema ---------------------------------------------------------------------------------
    def _migrate(self) -> None:
        conn = self._conn
        assert conn is not None
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == LATEST:
            self._version = version
            return
        if 0 < version < LATEST and self.path != ":memory:":
            self._backup(version)
        conn.execute("PRAGMA foreign_keys = OFF")  # table rebuilds; checked before commit
        try:
            self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
            try:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # another process may have done it
                _upgrade(conn, version, self.path)
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
        self._version = LATEST

    def _backup(self, version: int) -> None:
        target = Path(f"{self.path}.v{version}.bak")
        if target.exists():
            return
        dest = sqlite3.connect(str(target))
        try:
            assert self._conn is not None
            self._conn.backup(dest)
        finally:
            dest.close()

    @contextlib.contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection | None]:
        """A connection with the current schema: the file, or a migrated copy in memory of an older file."""
        conn = self._conn
        if conn is None:
            yield None
            return
        version = (
            self._version if self._in_tx or self._prepared else int(conn.execute("PRAGMA user_version").fetchone()[0])
        )
        if version == LATEST:
            yield conn
            return
        mem = sqlite3.connect(":memory:", isolation_level=None)
        try:
            try:
                if version > 0:
                    conn.backup(mem)
                mem.execute("PRAGMA foreign_keys = OFF")
                mem.execute("BEGIN")
                _upgrade(mem, int(mem.execute("PRAGMA user_version").fetchone()[0]), self.path)
                mem.execute("COMMIT")
            except sqlite3.Error as exc:
                raise QIValueError(
                    f"Could not read {self.path!r} (schema version {version}) with this qitools: {exc}. The file has "
                    "not been changed. Please report this."
                ) from exc
            yield mem
        finally:
            mem.close()

    # -- primitives -----------------------------------------------------------------------------
    def project_ids(self) -> list[str]:
        with self._reader() as conn:
            if conn is None:
                return []
            return self._retry(lambda: [r[0] for r in conn.execute("SELECT id FROM projects ORDER BY rowid")])

    def _read(self, project_id: str) -> Project | None:
        with self._reader() as conn:
            if conn is None:
                return None
            return self._retry(lambda: self._read_once(conn, project_id))

    def _read_once(self, conn: sqlite3.Connection, project_id: str) -> Project | None:
        own_tx = not (self._in_tx and conn is self._conn)
        if own_tx:
            conn.execute("BEGIN")  # one consistent snapshot of all the tables
        try:
            cur = conn.execute("SELECT * FROM projects WHERE id = ?", (project_id,))
            row = cur.fetchone()
            if row is None:
                return None
            head = dict(zip([d[0] for d in cur.description], row, strict=True))
            aim = Aim(**{f: head[c] for f, c in _AIM_COLUMNS})
            aim.stamp = Stamp(head["aim_version"], head["aim_changed_at"], head["aim_changed_by"])
            project = Project(
                title=head["title"],
                aim=aim,
                id=head["id"],
                team=head["team"],
                description=head["description"],
                created=head["created"],
            )
            project.stamp = Stamp(head["version"], head["changed_at"], head["changed_by"])
            for kind, (table, cols) in _COLUMNS.items():
                records = []
                for r in _rows_of(conn, table, project_id):
                    values = {f: r[c] for f, c in cols}
                    for f in _JSON_FIELDS & values.keys():
                        values[f] = json.loads(values[f])
                    if kind == "change idea":
                        values["drivers"] = [
                            d[0]
                            for d in conn.execute(
                                "SELECT driver FROM change_idea_drivers WHERE project_id = ? AND change_idea = ? "
                                "ORDER BY position",
                                (project_id, r["id"]),
                            )
                        ]
                    rec = _CLASSES[kind](**values, id=r["id"])
                    rec.stamp = Stamp(r["version"], r["changed_at"], r["changed_by"])
                    records.append(rec)
                setattr(project, _plural(kind), records)
            project.data = {
                name: content
                for name, content in conn.execute(
                    "SELECT name, content FROM datasets WHERE project_id = ? ORDER BY position", (project_id,)
                )
            }
            project.source = None if self.path == ":memory:" else self.path
            return project
        finally:
            if own_tx:
                conn.execute("COMMIT")

    def _write(self, project_id: str, records: list[Any]) -> None:
        conn = self._conn
        assert conn is not None
        for rec in records:
            stamp = rec.stamp or Stamp(1)
            if isinstance(rec, Project):
                conn.execute(
                    "INSERT INTO projects (id, title, team, description, created, version, changed_at, changed_by) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET title = excluded.title, team = excluded.team, "
                    "description = excluded.description, version = excluded.version, "
                    "changed_at = excluded.changed_at, changed_by = excluded.changed_by",
                    (project_id, rec.title, rec.team, rec.description, rec.created, *_stamp_values(stamp)),
                )
            elif isinstance(rec, Aim):
                sets = ", ".join(f"{c} = ?" for _, c in _AIM_COLUMNS)
                conn.execute(
                    f"UPDATE projects SET {sets}, aim_version = ?, aim_changed_at = ?, aim_changed_by = ? WHERE id = ?",
                    [getattr(rec, f) for f, _ in _AIM_COLUMNS] + [*_stamp_values(stamp), project_id],
                )
            else:
                kind = _kind(rec)
                table, cols = _COLUMNS[kind]
                values = [json.dumps(getattr(rec, f)) if f in _JSON_FIELDS else getattr(rec, f) for f, _ in cols]
                names = ", ".join([*(c for _, c in cols), *_STAMP_COLUMNS])
                marks = ", ".join("?" for _ in range(len(cols) + 3))
                updates = ", ".join(f"{c} = excluded.{c}" for c in [*(c for _, c in cols), *_STAMP_COLUMNS])
                conn.execute(
                    f"INSERT INTO {table} (project_id, id, position, {names}) VALUES (?, ?, "
                    f"(SELECT COALESCE(MAX(position) + 1, 0) FROM {table} WHERE project_id = ?), {marks}) "
                    f"ON CONFLICT (project_id, id) DO UPDATE SET {updates}",
                    [project_id, rec.id, project_id, *values, *_stamp_values(stamp)],
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

    def _write_data(self, project_id: str, name: str, text: str | None, rows: int, stamp: Stamp | None) -> None:
        conn = self._conn
        assert conn is not None
        if text is None:
            conn.execute("DELETE FROM datasets WHERE project_id = ? AND name = ?", (project_id, name))
            return
        conn.execute(
            "INSERT INTO datasets (project_id, name, position, content, n_rows, version, changed_at, changed_by) "
            "VALUES (?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM datasets WHERE project_id = ?), ?, ?, ?, ?, ?) "
            "ON CONFLICT (project_id, name) DO UPDATE SET content = excluded.content, n_rows = excluded.n_rows, "
            "version = excluded.version, changed_at = excluded.changed_at, changed_by = excluded.changed_by",
            (project_id, name, project_id, text, rows, *_stamp_values(stamp or Stamp(1))),
        )

    def _log(self, project_id: str, entries: list[dict[str, Any]]) -> None:
        assert self._conn is not None
        self._conn.executemany(
            "INSERT INTO history (project_id, kind, record, action, version, changed_at, changed_by, changes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    project_id,
                    e.get("kind") or "",
                    e.get("record"),
                    e.get("action") or "",
                    e.get("version"),
                    e.get("changed_at") or "",
                    e.get("changed_by") or "",
                    json.dumps(e.get("changes") or {}, ensure_ascii=False, default=str),
                )
                for e in entries
            ],
        )

    def _history(self, project_id: str, kind: str | None = None, record: str | None = None) -> list[dict[str, Any]]:
        with self._reader() as conn:
            if conn is None:
                return []
            sql = "SELECT kind, record, action, version, changed_at, changed_by, changes FROM history WHERE project_id = ?"
            args: list[Any] = [project_id]
            if kind is not None:
                sql += " AND kind = ?"
                args.append(kind)
                if record is not None:
                    sql += " AND record = ?"
                    args.append(record)
            rows = self._retry(lambda: conn.execute(sql + " ORDER BY seq", args).fetchall())
        return [
            {
                "kind": k,
                "record": r,
                "action": a,
                "version": v,
                "changed_at": at,
                "changed_by": by,
                "changes": json.loads(ch or "{}"),
            }
            for k, r, a, v, at, by, ch in rows
        ]

    def _name_of(self, login: str) -> str | None:
        with self._reader() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT name FROM people WHERE login = ?", (login,)).fetchone()
        return row[0] if row else None

    def _set_name_of(self, login: str, name: str) -> None:
        assert self._conn is not None
        self._conn.execute(
            "INSERT INTO people (login, name) VALUES (?, ?) ON CONFLICT (login) DO UPDATE SET name = excluded.name",
            (login, name),
        )

    def _delete(self, project_id: str, kind: str | None, record_id: str | None) -> None:
        conn = self._conn
        assert conn is not None
        if kind is None:
            # children first: the links between them have no cascade
            conn.execute("UPDATE cycles SET previous = NULL WHERE project_id = ?", (project_id,))
            for table in ("cycles", "ramps", "change_idea_drivers", "change_ideas", "measures", "cause_effects",
                          "process_maps", "datasets", "history"):  # fmt: skip
                conn.execute(f"DELETE FROM {table} WHERE project_id = ?", (project_id,))
            conn.execute("UPDATE drivers SET parent = NULL WHERE project_id = ?", (project_id,))
            conn.execute("DELETE FROM drivers WHERE project_id = ?", (project_id,))
            conn.execute("DELETE FROM projects WHERE id = ?", (project_id,))
            return
        table = _COLUMNS[kind][0]
        conn.execute(f"DELETE FROM {table} WHERE project_id = ? AND id = ?", (project_id, record_id))


def _stamp_values(stamp: Stamp) -> tuple[int, str, str]:
    return int(stamp.version), stamp.changed_at or "", stamp.changed_by or ""


def _rows_of(conn: sqlite3.Connection, table: str, project_id: str) -> list[dict[str, Any]]:
    cur = conn.execute(f"SELECT * FROM {table} WHERE project_id = ? ORDER BY position", (project_id,))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _upgrade(conn: sqlite3.Connection, version: int, path: str) -> None:
    """Run the migrations after ``version`` inside the caller's transaction (foreign keys off)."""
    if version == 0:
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        if tables:
            raise QIValueError(_not_ours(path, "it is an SQLite database with other tables"))
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
            f"Upgrading {path!r} to schema version {LATEST} found {len(broken)} broken links "
            f"(first: {tuple(broken[0])}); the file has not been changed. Please report this."
        )


def _not_ours(path: str, why: str) -> str:
    hint = ""
    if path.lower().endswith(".json"):
        hint = say(
            " To read a JSON export, use qi.pdsa.load_json(path), or `qitools pdsa import STORE FILE.json`.",
            " To add the project of a JSON export to a PDSA file: `qitools pdsa import team.pdsa FILE.json`.",
        )
    elif path.lower().endswith(".csv"):
        hint = say(
            " A CSV export cannot be opened as a store: read it with qi.pdsa.read_csv(path).",
            " A CSV export of cycles is not a PDSA file: open it in Excel, or give the PDSA file it came from.",
        )
    return f"{path!r} is not a qitools PDSA file: {why}. It has not been changed. " + say(
        "Open a file made by qi.pdsa.open() (or `qitools pdsa new`), or give a new file name to start one.",
        "Give a file made by `qitools pdsa new`, or a new file name to start one.",
    ) + hint


def _check_file(path: Path, *, must_exist: bool) -> None:
    if path.is_dir():
        raise QIValueError(f"{str(path)!r} is a folder. Give a file name for the PDSA store, e.g. 'team.pdsa'.")
    if not path.parent.exists():
        raise QIValueError(
            f"The folder {str(path.parent)!r} does not exist, so the PDSA file {path.name!r} cannot be created there. "
            "Create the folder first, or check the path."
        )
    if must_exist and not path.exists():
        raise QIValueError(
            f"No PDSA file at {str(path)!r}. "
            + say(
                "Check the name and the folder (qi.pdsa.open() creates a file when it is not read-only).",
                "Create it first with `qitools pdsa new {file} --title ...`, or check the name and the folder.",
            )
        )
    if path.exists() and path.stat().st_size > 0:
        try:
            with path.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise QIValueError(f"Could not read {str(path)!r}: {exc.strerror or exc}.") from exc
        if head != _SQLITE_MAGIC:
            raise QIValueError(_not_ours(str(path), "it is not an SQLite database"))


def open_store(
    path: str | Path,
    *,
    timeout: float = 30.0,
    journal: str | None = None,
    readonly: bool = False,
    user: str | None = None,
) -> SQLiteStore:
    """Open (or create) a PDSA store: an SQLite file holding one or more projects.

    Parameters
    ----------
    path : str or pathlib.Path
        The file, e.g. ``"team.pdsa"``; created at the first change when missing. ``":memory:"``
        for a store that is not saved.
    timeout : float, default 30
        Seconds to wait while another process is writing before giving up.
    journal : {"wal", "delete"}, optional
        SQLite's journal, set at the next write. WAL lets readers and a writer work at once;
        network drives do not support it, so use ``"delete"`` for a file on a shared drive. By
        default a file keeps the journal it has (a new file gets WAL).
    readonly : bool, default False
        Open for reading only: nothing can change the file (not even an upgrade of an older
        schema; it is read through a copy in memory), and it works in a read-only folder.
    user : str, optional
        Who the change history records for changes made through this store (default: the name
        this login set with ``store.set_name()``, else the computer login).

    Returns
    -------
    SQLiteStore
        Its methods: ``new_project``, ``load``, ``put``, ``remove``, ``update_project``,
        ``add_project``, ``put_data``, ``history``, ``overdue``, ``projects``, ``set_name``,
        ``close``; usable in a ``with`` block.

    Raises
    ------
    QIValueError
        When the file is not a qitools PDSA file (it is left as it was), was written by a newer
        qitools, or the folder does not exist.

    Notes
    -----
    Opening never writes. Older files are upgraded to the current schema (version
    :data:`SCHEMA_VERSION`) at the first change, in one transaction, after a copy of the file is
    saved as ``<path>.v<old version>.bak``.

    Examples
    --------
    >>> import qitools as qi
    >>> with qi.pdsa.open(":memory:") as store:
    ...     p = store.new_project("Fewer falls on Ward 7", aim="Halve falls on Ward 7 by March 2026.")
    ...     store.projects()[["id", "n_cycles"]]
                          id  n_cycles
    0  fewer-falls-on-ward-7         0
    """
    return SQLiteStore(path, timeout=timeout, journal=journal, readonly=readonly, user=user)

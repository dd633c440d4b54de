"""Schema version 4: sharing one file safely, the measurement plan, and the project in one place.

* Every record gets a version and a change stamp (``version``, ``changed_at``, ``changed_by``;
  the aim has its own ``aim_*`` stamp in ``projects``), so that a save based on an old copy of a
  record is refused instead of overwriting a colleague's change.
* ``history``: who changed what, when (one row per change, with the old and new values).
* ``people``: the name each computer login wants recorded in the history.
* ``measures`` gains the measurement plan: ``data_source``, ``collected_by``, ``frequency``,
  ``sampling``, ``missing``; ``cycles`` gains ``due_date``.
* ``datasets``: the measures' data kept in the file (CSV text), so that a copied file still
  draws its charts.
* ``cause_effects`` and ``process_maps``: fishbone diagrams and process maps as data.

Existing records start at version 1 with an empty stamp (who and when are not known).
"""

VERSION = 4
DESCRIPTION = "versions and change history; measurement plan; due dates; data, fishbones and process maps in the file"

_STAMP = [
    "version INTEGER NOT NULL DEFAULT 1",
    "changed_at TEXT NOT NULL DEFAULT ''",
    "changed_by TEXT NOT NULL DEFAULT ''",
]

STATEMENTS = [
    *(
        f"ALTER TABLE {table} ADD COLUMN {column}"
        for table in ("projects", "measures", "drivers", "change_ideas", "ramps", "cycles")
        for column in _STAMP
    ),
    "ALTER TABLE projects ADD COLUMN aim_version INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE projects ADD COLUMN aim_changed_at TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE projects ADD COLUMN aim_changed_by TEXT NOT NULL DEFAULT ''",
    *(
        f"ALTER TABLE measures ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
        for column in ("data_source", "collected_by", "frequency", "sampling", "missing")
    ),
    "ALTER TABLE cycles ADD COLUMN due_date TEXT",
    """
    CREATE TABLE cause_effects (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        effect TEXT NOT NULL,
        categories TEXT NOT NULL DEFAULT '{}',
        version INTEGER NOT NULL DEFAULT 1,
        changed_at TEXT NOT NULL DEFAULT '',
        changed_by TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, id)
    )
    """,
    """
    CREATE TABLE process_maps (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        steps TEXT NOT NULL DEFAULT '[]',
        version INTEGER NOT NULL DEFAULT 1,
        changed_at TEXT NOT NULL DEFAULT '',
        changed_by TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, id)
    )
    """,
    """
    CREATE TABLE datasets (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        position INTEGER NOT NULL,
        content TEXT NOT NULL,
        n_rows INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        changed_at TEXT NOT NULL DEFAULT '',
        changed_by TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, name)
    )
    """,
    """
    CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        record TEXT,
        action TEXT NOT NULL,
        version INTEGER,
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '{}'
    )
    """,
    "CREATE INDEX history_record ON history (project_id, kind, record)",
    """
    CREATE TABLE people (
        login TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL
    )
    """,
]

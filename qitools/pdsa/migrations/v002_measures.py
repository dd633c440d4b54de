"""Schema version 2: the family of measures, the measure each cycle is meant to move, the aim's numbers.

``cycles`` gains a ``measure`` column with a foreign key to ``measures``; SQLite cannot add a
table-level (two-column) foreign key with ALTER TABLE, so the table is rebuilt (the 12-step
procedure of https://www.sqlite.org/lang_altertable.html, with foreign keys off and checked after).
"""

VERSION = 2
DESCRIPTION = "measures; cycles.measure; aim measure, baseline and target"

_CYCLE_COLUMNS = (
    "project_id, id, position, title, change_idea, objective, questions, predictions, plan_who, plan_what, "
    "plan_when, plan_where, data_to_collect, scale, scale_n, plan_date, start_date, end_date, what_happened, "
    "observations, problems, study_date, results, learning, prediction_held, act, act_date, act_notes"
)

STATEMENTS = [
    """
    CREATE TABLE measures (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('outcome', 'process', 'balancing')),
        definition TEXT NOT NULL DEFAULT '',
        y TEXT,
        n TEXT,
        x TEXT,
        chart TEXT NOT NULL DEFAULT 'run',
        multiply REAL NOT NULL DEFAULT 1.0,
        improvement TEXT CHECK (improvement IS NULL OR improvement IN ('increase', 'decrease')),
        dataset TEXT,
        unit TEXT NOT NULL DEFAULT '',
        subset TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (project_id, id)
    )
    """,
    "ALTER TABLE projects ADD COLUMN aim_measure TEXT",
    "ALTER TABLE projects ADD COLUMN aim_baseline REAL",
    "ALTER TABLE projects ADD COLUMN aim_target REAL",
    """
    CREATE TABLE cycles_new (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        change_idea TEXT NOT NULL,
        objective TEXT NOT NULL DEFAULT '',
        questions TEXT NOT NULL DEFAULT '[]',
        predictions TEXT NOT NULL DEFAULT '[]',
        plan_who TEXT NOT NULL DEFAULT '',
        plan_what TEXT NOT NULL DEFAULT '',
        plan_when TEXT NOT NULL DEFAULT '',
        plan_where TEXT NOT NULL DEFAULT '',
        data_to_collect TEXT NOT NULL DEFAULT '',
        scale TEXT NOT NULL DEFAULT '',
        scale_n INTEGER CHECK (scale_n IS NULL OR scale_n >= 1),
        plan_date TEXT,
        start_date TEXT,
        end_date TEXT,
        what_happened TEXT NOT NULL DEFAULT '',
        observations TEXT NOT NULL DEFAULT '',
        problems TEXT NOT NULL DEFAULT '',
        study_date TEXT,
        results TEXT NOT NULL DEFAULT '',
        learning TEXT NOT NULL DEFAULT '',
        prediction_held TEXT CHECK (prediction_held IS NULL OR prediction_held IN ('yes', 'partly', 'no')),
        act TEXT CHECK (act IS NULL OR act IN ('adopt', 'adapt', 'abandon')),
        act_date TEXT,
        act_notes TEXT NOT NULL DEFAULT '',
        measure TEXT,
        PRIMARY KEY (project_id, id),
        FOREIGN KEY (project_id, change_idea) REFERENCES change_ideas (project_id, id),
        FOREIGN KEY (project_id, measure) REFERENCES measures (project_id, id)
    )
    """,
    f"INSERT INTO cycles_new ({_CYCLE_COLUMNS}) SELECT {_CYCLE_COLUMNS} FROM cycles",
    "DROP TABLE cycles",
    "ALTER TABLE cycles_new RENAME TO cycles",
]

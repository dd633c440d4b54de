"""Schema version 3: ramps (series of cycles testing one change idea) and links between cycles.

``cycles`` gains ``ramp`` (foreign key to ``ramps``) and ``previous`` (the cycle it builds on,
a foreign key to ``cycles``); the table is rebuilt as in version 2. Cycles of older files are put
in one ramp per change idea (``R1``, ``R2``... in the order of the change ideas), which is what
qitools does for a new cycle that names no ramp; ``previous`` stays empty (older files never
recorded it).
"""

VERSION = 3
DESCRIPTION = "ramps; cycles.ramp and cycles.previous"

_CYCLE_COLUMNS = (
    "project_id, id, position, title, change_idea, objective, questions, predictions, plan_who, plan_what, "
    "plan_when, plan_where, data_to_collect, scale, scale_n, plan_date, start_date, end_date, what_happened, "
    "observations, problems, study_date, results, learning, prediction_held, act, act_date, act_notes, measure"
)

STATEMENTS = [
    """
    CREATE TABLE ramps (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        change_idea TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, id),
        FOREIGN KEY (project_id, change_idea) REFERENCES change_ideas (project_id, id)
    )
    """,
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
        ramp TEXT,
        previous TEXT,
        PRIMARY KEY (project_id, id),
        FOREIGN KEY (project_id, change_idea) REFERENCES change_ideas (project_id, id),
        FOREIGN KEY (project_id, measure) REFERENCES measures (project_id, id),
        FOREIGN KEY (project_id, ramp) REFERENCES ramps (project_id, id),
        FOREIGN KEY (project_id, previous) REFERENCES cycles (project_id, id) DEFERRABLE INITIALLY DEFERRED
    )
    """,
    f"INSERT INTO cycles_new ({_CYCLE_COLUMNS}) SELECT {_CYCLE_COLUMNS} FROM cycles",
    "DROP TABLE cycles",
    "ALTER TABLE cycles_new RENAME TO cycles",
]


def upgrade(conn):  # type: ignore[no-untyped-def]
    """One ramp per change idea that has cycles; its cycles join it."""
    ideas = conn.execute(
        "SELECT DISTINCT ci.project_id, ci.id, ci.position FROM change_ideas ci "
        "JOIN cycles c ON c.project_id = ci.project_id AND c.change_idea = ci.id "
        "ORDER BY ci.project_id, ci.position"
    ).fetchall()
    counters: dict[str, int] = {}
    for project_id, idea, _ in ideas:
        k = counters.get(project_id, 0) + 1
        counters[project_id] = k
        ramp = f"R{k}"
        conn.execute(
            "INSERT INTO ramps (project_id, id, position, change_idea, title) VALUES (?, ?, ?, ?, '')",
            (project_id, ramp, k - 1, idea),
        )
        conn.execute("UPDATE cycles SET ramp = ? WHERE project_id = ? AND change_idea = ?", (ramp, project_id, idea))

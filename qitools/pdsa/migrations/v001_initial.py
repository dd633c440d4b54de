"""Schema version 1: projects with their aim, the driver diagram, change ideas and PDSA cycles."""

VERSION = 1
DESCRIPTION = "projects, drivers, change ideas and PDSA cycles"

STATEMENTS = [
    """
    CREATE TABLE projects (
        id TEXT PRIMARY KEY NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        team TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        aim_what TEXT NOT NULL DEFAULT '',
        aim_how_much TEXT NOT NULL DEFAULT '',
        aim_by_when TEXT,
        aim_for_whom TEXT NOT NULL DEFAULT '',
        aim_statement TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE drivers (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('primary', 'secondary')),
        parent TEXT,
        PRIMARY KEY (project_id, id),
        FOREIGN KEY (project_id, parent) REFERENCES drivers (project_id, id) DEFERRABLE INITIALLY DEFERRED
    )
    """,
    """
    CREATE TABLE change_ideas (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, id)
    )
    """,
    """
    CREATE TABLE change_idea_drivers (
        project_id TEXT NOT NULL,
        change_idea TEXT NOT NULL,
        driver TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (project_id, change_idea, driver),
        FOREIGN KEY (project_id, change_idea) REFERENCES change_ideas (project_id, id) ON DELETE CASCADE,
        FOREIGN KEY (project_id, driver) REFERENCES drivers (project_id, id)
    )
    """,
    """
    CREATE TABLE cycles (
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
        PRIMARY KEY (project_id, id),
        FOREIGN KEY (project_id, change_idea) REFERENCES change_ideas (project_id, id)
    )
    """,
]

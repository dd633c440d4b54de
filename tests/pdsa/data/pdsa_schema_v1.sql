-- A qitools PDSA store at schema version 1 (qitools/pdsa/migrations/v001_initial.py), with data.
-- Frozen test fixture: never regenerate it from the current code. Made with sqlite3's iterdump().
-- tests/pdsa/test_pdsa_migrations.py loads it with executescript() and opens it with the current code.
BEGIN TRANSACTION;
CREATE TABLE change_idea_drivers (
        project_id TEXT NOT NULL,
        change_idea TEXT NOT NULL,
        driver TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (project_id, change_idea, driver),
        FOREIGN KEY (project_id, change_idea) REFERENCES change_ideas (project_id, id) ON DELETE CASCADE,
        FOREIGN KEY (project_id, driver) REFERENCES drivers (project_id, id)
    );
INSERT INTO "change_idea_drivers" VALUES('sepsis','CI1','S1',0);
INSERT INTO "change_idea_drivers" VALUES('sepsis','CI2','P2',0);
INSERT INTO "change_idea_drivers" VALUES('sepsis','CI3','S1',0);
INSERT INTO "change_idea_drivers" VALUES('sepsis','CI3','P1',1);
CREATE TABLE change_ideas (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, id)
    );
INSERT INTO "change_ideas" VALUES('sepsis','CI1',0,'Sepsis screening tool at triage','');
INSERT INTO "change_ideas" VALUES('sepsis','CI2',1,'Antibiotic grab bags','Pre-packed first doses in resus');
INSERT INTO "change_ideas" VALUES('sepsis','CI3',2,'Sepsis champion on each shift','');
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
    );
INSERT INTO "cycles" VALUES('sepsis','C1',0,'','CI1','Can one triage nurse use the tool on 5 patients?','["How long does screening take?"]','["Under 2 minutes per patient", "All 5 screened"]','Triage nurse A','Screen with the tool','One morning','AMU triage','Time per screen; patients screened','1 nurse, 5 patients',5,'2023-06-01','2023-06-05','2023-06-05','Screened 5 patients','Took 3 minutes each','Tool printed too small','2023-06-06','5 of 5 screened; 3 min each (prediction partly met)','Bigger print needed','partly','adapt','2023-06-06','Larger print; whole shift');
INSERT INTO "cycles" VALUES('sepsis','C2',1,'Tool, whole shift','CI1','Does the larger tool work for a whole shift?','[]','["All patients with NEWS >= 5 screened"]','','','','','','1 nurse, 1 shift',20,'2023-06-10','2023-06-12','2023-06-12','','Screened 18 of 20','','2023-06-13','18 of 20 screened','Night handover missed two','partly','adopt','2023-06-13','Spread to all triage nurses');
INSERT INTO "cycles" VALUES('sepsis','C3',2,'','CI2','Do grab bags cut time to antibiotics?','[]','["Median door-to-antibiotic under 60 minutes"]','','','','','','Resus, 1 week',NULL,'2023-07-01','2023-07-03',NULL,'','','',NULL,'','',NULL,NULL,NULL,'');
INSERT INTO "cycles" VALUES('sepsis','C4',3,'','CI3','Is a named champion on every shift possible?','[]','[]','','','','','','1 week',NULL,'2023-07-20',NULL,NULL,'','','',NULL,'','',NULL,NULL,NULL,'');
CREATE TABLE drivers (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('primary', 'secondary')),
        parent TEXT,
        PRIMARY KEY (project_id, id),
        FOREIGN KEY (project_id, parent) REFERENCES drivers (project_id, id) DEFERRABLE INITIALLY DEFERRED
    );
INSERT INTO "drivers" VALUES('sepsis','P1',0,'Sepsis is recognised early','primary',NULL);
INSERT INTO "drivers" VALUES('sepsis','S1',1,'Screening tool used at triage','secondary','P1');
INSERT INTO "drivers" VALUES('sepsis','P2',2,'Antibiotics are to hand','primary',NULL);
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
    );
INSERT INTO "projects" VALUES('sepsis','Sepsis screening on AMU','AMU sepsis group','Made with schema version 1.','2023-05-02','Give antibiotics within 1 hour','from 60% to 90%','2024-03-31','adults with red-flag sepsis on AMU','');
INSERT INTO "projects" VALUES('empty','A project with nothing in it','','','2023-06-01','','',NULL,'','');
COMMIT;
PRAGMA user_version = 1;
PRAGMA application_id = 1363759172;

"""Forward migrations of the PDSA store's SQLite schema: one module per schema version.

Each module has ``VERSION`` (its number), ``DESCRIPTION``, ``STATEMENTS`` (SQL run in order, in
one transaction with the others) and optionally ``upgrade(conn)`` for data changes that need
Python. A file at version *k* is brought to :data:`LATEST` by running the modules after *k*.

Never edit a migration once it has been released: files in the field were made by it. Change
the schema by adding the next module (``v004_...``) and appending it to :data:`MIGRATIONS`.
"""

from __future__ import annotations

from . import v001_initial, v002_measures, v003_ramps, v004_sharing

__all__ = ["MIGRATIONS", "LATEST"]

#: the migrations in order; ``MIGRATIONS[k - 1].VERSION == k``
MIGRATIONS = (v001_initial, v002_measures, v003_ramps, v004_sharing)
#: the schema version this qitools writes
LATEST = len(MIGRATIONS)

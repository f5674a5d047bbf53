"""The scan's embedded SQLite store (``OUT/scan.sqlite``): results and progress.

Crash safety: the store is in WAL mode and a batch of results — every document row with
all of its findings — is written in ONE transaction, so a kill (even ``kill -9``) leaves
either the whole document or none of it. Resuming skips what is already stored: documents
by id, unusable records/files by location. ``synchronous=NORMAL`` survives the process
being killed; only a power failure could lose the last committed batches (which a resume
then simply redoes).

Tables: ``documents`` (id PRIMARY KEY), ``findings`` ((doc_id, idx) PRIMARY KEY), ``errors``
(location PRIMARY KEY), ``texts`` (the checked text of documents that have findings, for
the report), ``items`` (ids seen in the current run, to detect duplicate ids) and ``meta``.

Schema versions (``meta.schema_version``): 1, the first; 2 adds ``documents.title``,
``documents.date_source`` and ``errors.reason_zh``. A version-1 store is migrated in place
when it is opened (one transaction): its documents get ``date_source`` ``given`` (a
``--date-field`` date) or ``none`` (version 1 inferred no dates) and no title, its
reasons their Chinese, and its settings the new options' defaults, so ``errcheck report``
reads it and ``--resume`` continues it. A store from a newer version is refused.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .reasons import zh

STORE_NAME = "scan.sqlite"
SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, run INTEGER NOT NULL, location TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, grp TEXT NOT NULL, date TEXT, kind TEXT NOT NULL,
    source_path TEXT NOT NULL, location TEXT NOT NULL, length INTEGER NOT NULL,
    verdict TEXT NOT NULL, score INTEGER NOT NULL, serious INTEGER NOT NULL,
    error INTEGER NOT NULL, warning INTEGER NOT NULL, findings INTEGER NOT NULL,
    title TEXT, date_source TEXT
);
CREATE TABLE IF NOT EXISTS findings (
    doc_id TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    line INTEGER NOT NULL, col INTEGER NOT NULL, text TEXT NOT NULL, suggestions TEXT NOT NULL,
    code TEXT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
    context TEXT NOT NULL, kind TEXT NOT NULL, source_start INTEGER, source_end INTEGER,
    paragraph INTEGER, paragraph_offset INTEGER,
    PRIMARY KEY (doc_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS errors (
    location TEXT PRIMARY KEY, id TEXT NOT NULL, source_path TEXT NOT NULL, reason TEXT NOT NULL,
    reason_zh TEXT
);
CREATE TABLE IF NOT EXISTS texts (doc_id TEXT PRIMARY KEY, text TEXT NOT NULL);
"""

DOCUMENT_FIELDS = ("id, grp, date, kind, source_path, location, length, verdict, score, serious, error, warning, "
                   "findings, title, date_source")

FINDING_COLUMNS = (
    "start", "end", "line", "column", "text", "suggestions", "code", "category", "severity",
    "message", "context", "kind", "source_start", "source_end", "paragraph", "paragraph_offset",
)


#: informative config entries that a resume may see change
INFORMATIVE = {"ruleset_version"}


def _key(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in INFORMATIVE}


class StoreError(Exception):
    """The output directory holds a store that cannot be used as asked."""


#: options added to SourceOptions since schema 1, with the value a version-1 scan had
V2_OPTIONS = {"title_field": None}


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    from .reasons import zh

    conn.create_function("reason_zh", 1, zh, deterministic=True)
    conn.execute("ALTER TABLE documents ADD COLUMN title TEXT")
    conn.execute("ALTER TABLE documents ADD COLUMN date_source TEXT")
    conn.execute("UPDATE documents SET date_source = CASE WHEN date IS NULL THEN 'none' ELSE 'given' END")
    conn.execute("ALTER TABLE errors ADD COLUMN reason_zh TEXT")
    conn.execute("UPDATE errors SET reason_zh = reason_zh(reason)")
    row = conn.execute("SELECT value FROM meta WHERE key='config'").fetchone()
    if row:
        config = json.loads(row[0])
        options = config.setdefault("options", {})
        for key, value in V2_OPTIONS.items():
            options.setdefault(key, value)
        conn.execute("UPDATE meta SET value=? WHERE key='config'", (json.dumps(config, ensure_ascii=False),))


MIGRATIONS = {1: _migrate_1_to_2}


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(self.path, isolation_level=None)  # explicit transactions
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.run = 0
        self._pending = False
        try:
            self._upgrade()
        except BaseException:
            self.conn.close()
            raise

    def _upgrade(self) -> None:
        """Create the tables of a new store, or migrate an older store to this schema."""
        has_meta = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        version = self.get_meta("schema_version") if has_meta else None
        if version is None:  # a new store
            self.conn.executescript(SCHEMA)
            self.set_meta("schema_version", SCHEMA_VERSION)
            return
        version = int(version)
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer errcheck (store schema {version}, "
                             f"this version reads up to {SCHEMA_VERSION}); upgrade errcheck")
        if version == SCHEMA_VERSION:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](self.conn)
                version += 1
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (json.dumps(version),))
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- opening ------------------------------------------------------------------------
    @classmethod
    def exists(cls, out_dir: str | Path) -> bool:
        return (Path(out_dir) / STORE_NAME).is_file()

    @classmethod
    def open(cls, out_dir: str | Path) -> "Store":
        path = Path(out_dir) / STORE_NAME
        if not path.is_file():
            raise StoreError(f"{out_dir}: no scan store ({STORE_NAME}) here")
        return cls(path)

    @classmethod
    def for_scan(cls, out_dir: str | Path, config: dict, *, resume: bool, force: bool) -> "Store":
        """Create the store for a new scan, or reopen it to resume the same scan."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        path = out / STORE_NAME
        if path.exists() and not resume:
            if not force:
                raise StoreError(f"{out} already holds a scan; use --resume to continue it or --force to start over")
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        store = cls(path)
        stored = store.get_meta("config")
        if stored is None:
            store.set_meta("config", config)
        elif _key(stored) != _key(config):
            changed = sorted(k for k in set(_key(stored)) | set(_key(config)) if stored.get(k) != config.get(k))
            store.close()
            raise StoreError(
                f"{out} holds a scan with different settings ({', '.join(changed)}); "
                "resume with the same sources, options and dictionaries, or use --force to start over"
            )
        store.run = int(store.get_meta("runs") or 0) + 1
        store.set_meta("runs", store.run)
        store.set_meta("finished", False)
        return store

    def close(self) -> None:
        self.commit()
        self.conn.close()

    # --- meta ----------------------------------------------------------------------------
    def get_meta(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value) -> None:
        self._begin()
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False)))
        self.commit()

    # --- transactions --------------------------------------------------------------------
    def _begin(self) -> None:
        if not self._pending:
            self.conn.execute("BEGIN")
            self._pending = True

    def commit(self) -> None:
        if self._pending:
            self.conn.execute("COMMIT")
            self._pending = False

    # --- the scan ---------------------------------------------------------------------
    def classify(self, doc_id: str, location: str) -> str:
        """``done`` (stored by an earlier run), ``duplicate`` (id already seen in this
        run), or ``new``. Registers the id for this run (committed with the next batch)."""
        if self.run == 1:  # a fresh scan: nothing is stored yet, one statement decides
            self._begin()
            cur = self.conn.execute("INSERT OR IGNORE INTO items VALUES (?, ?, ?)", (doc_id, self.run, location))
            return "new" if cur.rowcount else "duplicate"
        if self.conn.execute("SELECT 1 FROM errors WHERE location=?", (location,)).fetchone():
            return "done"
        row = self.conn.execute("SELECT run, location FROM items WHERE id=?", (doc_id,)).fetchone()
        if row and row[0] == self.run and row[1] != location:
            return "duplicate"
        self._begin()
        self.conn.execute("INSERT OR REPLACE INTO items VALUES (?, ?, ?)", (doc_id, self.run, location))
        if self.conn.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone():
            return "done"
        return "new"

    def first_location(self, doc_id: str) -> str:
        row = self.conn.execute("SELECT location FROM items WHERE id=?", (doc_id,)).fetchone()
        return row[0] if row else ""

    def add_error(self, location: str, doc_id: str, source_path: str, reason: str) -> bool:
        """Record an unusable item (idempotent), with the reason in English and Chinese;
        True when it is new."""
        self._begin()
        cur = self.conn.execute("INSERT OR IGNORE INTO errors (location, id, source_path, reason, reason_zh) "
                                "VALUES (?, ?, ?, ?, ?)", (location, doc_id, source_path, reason, zh(reason)))
        return cur.rowcount > 0

    def add_results(self, results: list[dict]) -> None:
        """Write a batch of results in one transaction (each document whole or not at all)."""
        self._begin()
        try:
            for r in results:
                if r["type"] == "error":
                    self.conn.execute("INSERT OR IGNORE INTO errors (location, id, source_path, reason, reason_zh) "
                                      "VALUES (?, ?, ?, ?, ?)",
                                      (r["location"], r["id"], r["source_path"], r["reason"], zh(r["reason"])))
                    continue
                c = r["counts"]
                self.conn.execute(
                    f"INSERT INTO documents ({DOCUMENT_FIELDS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (r["id"], r["group"], r["date"], r["kind"], r["source_path"], r["location"], r["length"],
                     r["verdict"], r["score"], c["serious"], c["error"], c["warning"], len(r["findings"]),
                     r.get("title"), r.get("date_source")),
                )
                self.conn.executemany(
                    "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (r["id"], i, f["start"], f["end"], f["line"], f["column"], f["text"],
                         json.dumps(f["suggestions"], ensure_ascii=False), f["code"], f["category"],
                         f["severity"], f["message"], f["context"], f["kind"], f.get("source_start"),
                         f.get("source_end"), f.get("paragraph"), f.get("paragraph_offset"))
                        for i, f in enumerate(r["findings"])
                    ],
                )
                if r.get("text") is not None:
                    self.conn.execute("INSERT INTO texts VALUES (?, ?)", (r["id"], r["text"]))
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._pending = False
            raise
        self.commit()

    def totals(self) -> dict:
        docs, chars, findings, serious = self.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(length),0), COALESCE(SUM(findings),0), COALESCE(SUM(serious),0) FROM documents"
        ).fetchone()
        errors = self.conn.execute("SELECT COUNT(*) FROM errors").fetchone()[0]
        return {"documents": docs, "characters": chars, "findings": findings, "serious": serious, "errors": errors}

    # --- reading back --------------------------------------------------------------------
    def iter_findings(self):
        """(document row dict, finding dict) in document id, finding order."""
        q = """SELECT d.id, d.grp, d.date, d.date_source, d.title, d.source_path, f.*
               FROM findings f JOIN documents d ON d.id = f.doc_id
               ORDER BY f.doc_id, f.idx"""
        cur = self.conn.execute(q)
        names = [c[0] for c in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def iter_documents(self):
        cur = self.conn.execute("SELECT * FROM documents ORDER BY id")
        names = [c[0] for c in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def iter_errors(self):
        cur = self.conn.execute("SELECT location, id, source_path, reason, reason_zh FROM errors ORDER BY location")
        names = [c[0] for c in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def text_of(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT text FROM texts WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

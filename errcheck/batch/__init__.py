"""Batch scanning of archives: ``errcheck scan`` and ``errcheck report``.

Modules: `sources` (discover and read documents), `work` (check a batch), `store`
(SQLite, resumable), `engine` (local process pool), `dask_engine` (dask.distributed),
`outputs` and `report_html` (result files), `progress`, `cli`. See docs/batch.md.
"""

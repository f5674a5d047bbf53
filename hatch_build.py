"""Wheel build hook: ship the shipped rule set compiled (``errcheck/data/prebuilt``).

Runs ``python -m errcheck.prebuild`` from the source tree in the build environment (the
hook requires the runtime dependencies), so that the first check after ``pip install``
loads the rule set instead of compiling it. Editable installs are left alone (they build
on first use and cache as before). ``ERRCHECK_PREBUILD=0`` skips the step;
``ERRCHECK_PREBUILD=require`` makes a failure fail the build (otherwise the wheel is
built without the prebuilt rule set, which still works, only slower to start once).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrebuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        setting = os.environ.get("ERRCHECK_PREBUILD", "1")
        if self.target_name != "wheel" or version == "editable" or setting == "0":
            return
        root = Path(self.root)
        self._tmp = tempfile.TemporaryDirectory(prefix="errcheck-prebuild-")
        out = Path(self._tmp.name) / "prebuilt"
        # the build environment's own path (pip's isolated build sets PYTHONPATH) comes after the source tree
        path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path, "ERRCHECK_CACHE_DIR": str(Path(self._tmp.name) / "cache")}
        done = subprocess.run([sys.executable, "-m", "errcheck.prebuild", str(out)], cwd=root, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            message = f"errcheck: prebuilding the rule set failed:\n{done.stderr[-2000:]}"
            if setting == "require":
                raise RuntimeError(message)
            self.app.display_warning(message + "\nthe wheel will build the rule set on first use")
            return
        self.app.display_info(done.stderr.strip())
        for f in sorted(out.iterdir()):
            build_data["force_include"][str(f)] = f"errcheck/data/prebuilt/{f.name}"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()

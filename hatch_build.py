"""Wheel build hook: compile the optional C kernels and ship the rule set compiled.

* **C kernels** (``errcheck/_speedups.c``, the context stage's segmentation lattice and
  candidate loop): compiled with the machine's C compiler. The extension makes the same
  decisions as the pure-Python code it speeds up (the tests compare them), so a build
  without a compiler still works, only slower: a failed compilation is reported and the
  wheel is built without it. An editable install compiles the module next to its source,
  where the editable package finds it. ``ERRCHECK_NO_EXTENSIONS=1`` skips the step.
* **Prebuilt rule set** (``errcheck/data/prebuilt``): runs ``python -m errcheck.prebuild``
  from the source tree in the build environment (the hook requires the runtime
  dependencies), so that the first check after ``pip install`` loads the rule set instead
  of compiling it. Editable installs are left alone (they build on first use and cache as
  before). ``ERRCHECK_PREBUILD=0`` skips the step; ``ERRCHECK_PREBUILD=require`` makes a
  failure fail the build (otherwise the wheel is built without the prebuilt rule set,
  which still works, only slower to start once).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = os.path.join("errcheck", "_speedups.c")


def compile_speedups(root: str, out_dir: str) -> str:
    """Compile the extension into ``out_dir``; the path of the built module."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    ext = Extension("errcheck._speedups", [os.path.join(root, SOURCE)], extra_compile_args=["-O2"])
    dist = Distribution({"name": "errcheck-speedups", "ext_modules": [ext]})
    cmd = build_ext(dist)
    cmd.build_lib = out_dir
    cmd.build_temp = os.path.join(out_dir, "tmp")
    cmd.ensure_finalized()
    cmd.run()
    return os.path.join(out_dir, cmd.get_ext_filename("errcheck._speedups"))


class ErrcheckBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="errcheck-build-")
        self._speedups(version, build_data)
        self._prebuild(version, build_data)

    def _speedups(self, version: str, build_data: dict) -> None:
        if os.environ.get("ERRCHECK_NO_EXTENSIONS"):
            return
        try:
            built = compile_speedups(self.root, os.path.join(self._tmp.name, "ext"))
        except Exception as exc:  # no compiler or headers: the pure-Python fallback serves
            self.app.display_warning(f"errcheck: C speedups not built ({exc}); the pure-Python code is used")
            return
        name = os.path.basename(built)
        if version == "editable":
            shutil.copy2(built, os.path.join(self.root, "errcheck", name))
        else:
            build_data["force_include"][built] = f"errcheck/{name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def _prebuild(self, version: str, build_data: dict) -> None:
        setting = os.environ.get("ERRCHECK_PREBUILD", "1")
        if version == "editable" or setting == "0":
            return
        root = Path(self.root)
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

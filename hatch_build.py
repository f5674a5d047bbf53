"""Build hook: compile the optional C kernels of the context stage (errcheck/_speedups.c).

The extension makes the same decisions as the pure-Python code it speeds up (the tests
compare them), so a build without a C compiler still works, only slower: a failed
compilation is reported and the wheel is built without it. An editable install compiles
the module next to its source, where the editable package finds it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings

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


class SpeedupsBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or os.environ.get("ERRCHECK_NO_EXTENSIONS"):
            return
        tmp = tempfile.mkdtemp(prefix="errcheck-build-")
        try:
            built = compile_speedups(self.root, tmp)
        except Exception as exc:  # no compiler or headers: the pure-Python fallback serves
            warnings.warn(f"errcheck: C speedups not built ({exc}); the pure-Python code is used", stacklevel=1)
            print(f"errcheck: C speedups not built: {exc}", file=sys.stderr)
            return
        name = os.path.basename(built)
        if version == "editable":
            shutil.copy2(built, os.path.join(self.root, "errcheck", name))
        else:
            kept = os.path.join(self.directory, f"speedups-{name}")
            shutil.copy2(built, kept)
            build_data["force_include"][kept] = f"errcheck/{name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        shutil.rmtree(tmp, ignore_errors=True)

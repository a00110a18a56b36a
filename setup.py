"""Builds doithoai._core with the project's own CMake build (setuptools + a CMake build_ext).

Everything else (metadata, packages) is in pyproject.toml. Environment knobs:
  DOITHOAI_CMAKE_ARGS   extra arguments for the CMake configure step
  CMAKE_BUILD_PARALLEL_LEVEL   build jobs (default 2)
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        # .../doithoai/_core.<abi>.so: CMake writes <output dir>/doithoai/_core<suffix>.
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        out_dir = target.parent.parent
        build_dir = Path(self.build_temp).resolve() / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        args = [
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DCMAKE_BUILD_TYPE=Release",
            "-DDOITHOAI_PYTHON=ON",
            "-DDOITHOAI_TESTS=OFF",
            "-DDOITHOAI_EXAMPLES=OFF",
            "-DDOITHOAI_BENCHMARKS=OFF",
            "-DDOITHOAI_JAVA=OFF",  # the wheel needs no JDK
            "-DDOITHOAI_INSTALL=OFF",
            "-DDOITHOAI_PYTHON_SKIP_PACKAGE_COPY=ON",
            f"-DDOITHOAI_PYTHON_OUTPUT_DIR={out_dir}",
        ]
        try:  # pybind11 from PyPI (isolated builds) or Debian's python3-pybind11
            import pybind11

            cmake_dir = Path(pybind11.get_cmake_dir())
            if cmake_dir.is_dir():
                args.append(f"-Dpybind11_DIR={cmake_dir}")
        except Exception:
            pass  # let CMake find pybind11-dev's config
        if shutil.which("ninja") and not (build_dir / "CMakeCache.txt").exists():
            args += ["-G", "Ninja"]
        args += shlex.split(os.environ.get("DOITHOAI_CMAKE_ARGS", ""))
        subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(build_dir), *args])
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "doithoai_python", "-j", jobs])
        if not target.exists():
            raise RuntimeError(f"CMake did not produce {target}")


setup(ext_modules=[CMakeExtension("doithoai._core")], cmdclass={"build_ext": CMakeBuild})

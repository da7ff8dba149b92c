"""Builds and installs the Python package `warrant` (docs/embedding.md):

    /usr/bin/python3 -m pip install --no-build-isolation --no-index --break-system-packages ./python

The extension module is built by the repository's CMake (target warrant_python) in
build/python-package, Release, with Debian's packages only: nothing is downloaded.
WARRANT_BUILD_DIR=build/release reuses an existing build tree instead (it must have been
configured with the same Python); WARRANT_JOBS sets the build's parallelism (default 2).
"""
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("project(warrant VERSION "):
                return line.split()[2]
    raise RuntimeError("no project version in CMakeLists.txt")


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = os.environ.get("WARRANT_BUILD_DIR")
        build = os.path.join(ROOT, build) if build else os.path.join(ROOT, "build", "python-package")
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            configure = ["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                         "-DWARRANT_PYTHON=ON", "-DBUILD_TESTING=OFF",
                         f"-DPYTHON_EXECUTABLE={sys.executable}"]
            if shutil.which("ccache"):
                configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
            subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", build, "--target", "warrant_python", "-j",
                        os.environ.get("WARRANT_JOBS", "2")], check=True)
        name = os.path.basename(self.get_ext_filename(ext.name))
        built = os.path.join(build, "python", "warrant", name)
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(built, dest)


setup(
    name="warrant",
    version=version(),
    description="Warrant rule packs from Python: decide and explain claims, build packs",
    packages=["warrant"],
    package_data={"warrant": ["py.typed", "*.pyi"]},
    ext_modules=[Extension("warrant._warrant", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    zip_safe=False,
)

"""Builds the optional compiled part of ``page_furniture`` (everything else is in
pyproject.toml).  ``optional=True``: on a machine without a C compiler the install goes
on and the detector uses its numpy path, which gives the same output."""
from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # no Cython in the build environment: pure-Python install
    ext_modules = []
else:
    ext_modules = cythonize(
        [Extension(
            "cleaner.detectors._furniture_fast",
            ["cleaner/detectors/_furniture_fast.pyx"],
            optional=True,
            # no fused multiply-add: the same rounding as the numpy path
            extra_compile_args=["-O2", "-ffp-contract=off"],
        )],
        compiler_directives={"language_level": "3"},
        quiet=True,
    )

setup(ext_modules=ext_modules)

"""Build of the optional native MSM (zksolvency/groups/_secp256k1_native.c).

Everything else about the package is in pyproject.toml. The extension compiles
libsecp256k1's own field, group and scalar arithmetic (its internal headers,
which no wheel ships) into one small module. The source comes from a pinned
release on PyPI, checked against its SHA-256 before it is unpacked:

* ``ZKSOLVENCY_LIBSECP256K1_SRC``: a libsecp256k1 source tree (the folder that
  holds ``src/`` and ``include/``) to use instead, for offline builds;
* otherwise the sdist ``secp256k1==0.14.0`` (MIT), which bundles libsecp256k1
  (2021, with safegcd inversion and ecmult_multi), downloaded once into
  ``build/``: from PyPI directly, or through ``pip download`` (which honours
  pip's own index, proxy and certificate settings).

The module is optional: if the source cannot be had or the compiler fails, the
build says why in one line and installs the package without it, and the
secp256k1 backend runs on coincurve alone (slower; ``zksolvency bench`` and
``zksolvency.groups.secp256k1_coincurve.NATIVE`` say which is in use).
``ZKSOLVENCY_NATIVE=0`` skips the build.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SDIST = "secp256k1-0.14.0.tar.gz"
SDIST_URL = (
    "https://files.pythonhosted.org/packages/9b/41/"
    "bb668a6e4192303542d2d90c3b38d564af3c17c61bd7d4039af4f29405fe/" + SDIST
)
SDIST_SHA256 = "82c06712d69ef945220c8b53c1a0d424c2ff6a1f64aee609030df79ad8383397"
PREFIX = "secp256k1-0.14.0/libsecp256k1/"
HERE = Path(__file__).resolve().parent


def _fetch_sdist(dest: Path) -> bytes:
    cached = dest / SDIST
    if cached.exists():
        data = cached.read_bytes()
        if hashlib.sha256(data).hexdigest() == SDIST_SHA256:
            return data
    data = b""
    try:
        with urllib.request.urlopen(SDIST_URL, timeout=60) as response:  # pinned https URL
            data = response.read()
    except OSError:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(  # noqa: S603 (fixed arguments)
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "--no-build-isolation",
                    "-d",
                    tmp,
                    "secp256k1==0.14.0",
                ],
                check=True,
                capture_output=True,
            )
            data = (Path(tmp) / SDIST).read_bytes()
    if hashlib.sha256(data).hexdigest() != SDIST_SHA256:
        raise RuntimeError(f"{SDIST}: SHA-256 does not match the pinned digest")
    dest.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def _libsecp256k1_source() -> Path:
    override = os.environ.get("ZKSOLVENCY_LIBSECP256K1_SRC")
    if override:
        root = Path(override)
        if not (root / "src" / "ecmult_impl.h").exists():
            raise RuntimeError(f"ZKSOLVENCY_LIBSECP256K1_SRC={override}: no src/ecmult_impl.h")
        return root
    root = HERE / "build" / "libsecp256k1"
    marker = root / "SDIST_SHA256"
    if marker.exists() and marker.read_text().strip() == SDIST_SHA256:
        return root  # extracted completely from the pinned sdist by an earlier build
    data = _fetch_sdist(HERE / "build")
    partial = root.with_name("libsecp256k1.partial")
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name
            if not name.startswith(PREFIX) or not member.isfile():
                continue
            rel = Path(name[len(PREFIX) :])
            if rel.parts[0] not in ("src", "include") and rel.name != "COPYING":
                continue
            if ".." in rel.parts or rel.is_absolute():
                raise RuntimeError(f"{SDIST}: unsafe member {name}")
            target = partial / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            if extracted is None:
                raise RuntimeError(f"{SDIST}: cannot read {name}")
            target.write_bytes(extracted.read())
    (partial / "SDIST_SHA256").write_text(SDIST_SHA256 + "\n")
    shutil.rmtree(root, ignore_errors=True)
    partial.rename(root)  # only a complete extraction ever carries the marker
    return root


class OptionalNativeBuild(build_ext):
    """Builds the native MSM if it can; otherwise installs without it."""

    def run(self) -> None:
        if os.environ.get("ZKSOLVENCY_NATIVE", "1") == "0":
            print("zksolvency: ZKSOLVENCY_NATIVE=0, native MSM not built")
            return
        try:
            src = _libsecp256k1_source()
            for ext in self.extensions:
                ext.include_dirs += [str(src / "src"), str(src / "include"), str(src)]
            super().run()
        except Exception as exc:  # any failure: install without the extension
            print(f"zksolvency: native MSM not built ({exc}); coincurve alone", file=sys.stderr)


setup(
    ext_modules=[
        Extension(
            "zksolvency.groups._secp256k1_native",
            sources=["zksolvency/groups/_secp256k1_native.c"],
            # libsecp256k1's configuration: 64-bit limbs with __int128, its
            # default ecmult window, no assembly (portable C).
            define_macros=[
                ("SECP256K1_BUILD", "1"),
                ("ECMULT_WINDOW_SIZE", "15"),
                ("ECMULT_GEN_PREC_BITS", "4"),
            ],
            extra_compile_args=["-O3", "-fvisibility=hidden", "-Wno-unused-function"],
            optional=True,
        )
    ],
    cmdclass={"build_ext": OptionalNativeBuild},
)

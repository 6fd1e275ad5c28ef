"""The cdef beside the package matches include/n3obs.h."""
import re
from pathlib import Path

import n3obs
from conftest import INCLUDE

CDEF = Path(n3obs.__file__).parent / "_cdef.h"


def _norm(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"\s*([(),*;])\s*", r"\1", s)


def _header_functions():
    text = re.sub(r"/\*.*?\*/", "", (INCLUDE / "n3obs.h").read_text(), flags=re.S)
    return [_norm(m.group(1)) for m in re.finditer(r"N3OBS_API\s+([^;]*?;)", text)
            if "__declspec" not in m.group(1) and "visibility" not in m.group(1)]


def test_every_api_function_is_declared_with_the_same_signature():
    cdef = _norm(CDEF.read_text())
    decls = _header_functions()
    assert len(decls) > 60
    missing = [d for d in decls if d not in cdef]
    assert not missing, f"declared in n3obs.h but not (or differently) in _cdef.h: {missing}"


def test_every_constant_of_the_header_is_declared():
    header = (INCLUDE / "n3obs.h").read_text()
    names = set(re.findall(r"#define\s+(N3OBS_(?:E_[A-Z0-9_]+|OK|MAX_[A-Z_]+|ABI_VERSION))\s", header))
    cdef = CDEF.read_text()
    assert {n for n in names if f"#define {n} ..." not in cdef} == set()


def test_the_binding_checked_the_abi():
    assert n3obs.BINDING_ABI_VERSION == n3obs._core.lib.n3obs_abi_version()
    assert n3obs.version().count(".") == 2


def test_an_abi_mismatch_is_a_clear_import_error():
    import pytest
    with pytest.raises(ImportError, match="ABI 2, but this binding was built for ABI 1"):
        n3obs._core._check_abi(2)

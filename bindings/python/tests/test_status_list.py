"""include/n3obs.h is the one list of status codes: the binding's exception table and the
library's n3obs_errstr must cover exactly its codes."""
import re

from conftest import INCLUDE
from n3obs import _core
from n3obs._core import lib


def _header_codes():
    text = (INCLUDE / "n3obs.h").read_text()
    return {name: int(value) for name, value in
            re.findall(r"#define\s+(N3OBS_E_[A-Z0-9_]+)\s+\((-\d+)\)", text)}


def test_every_error_code_of_the_header_has_its_exception():
    codes = _header_codes()
    assert len(codes) >= 20
    assert set(_core._BY_STATUS) == set(codes.values()), \
        "n3obs._core._BY_STATUS differs from the N3OBS_E_* codes of n3obs.h"


def test_last_is_the_lowest_code_and_errstr_knows_each_one():
    codes = _header_codes()
    assert lib.N3OBS_E_LAST == min(codes.values())
    for name, value in codes.items():
        assert getattr(lib, name) == value
        assert _core.errstr(value) != "unknown status", name
    assert _core.errstr(lib.N3OBS_E_LAST - 1) == "unknown status"

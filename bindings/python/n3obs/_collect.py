"""n3obs.collect(): the metrics snapshot (n3obs_metrics_collect) as Python data."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ._core import check, decode, ffi, lib

_TYPES = {1: "counter", 2: "gauge", 3: "histogram", 4: "summary", 5: "info"}


@dataclass(frozen=True)
class Exemplar:
    trace_id: int
    span_id: int
    value: float
    time_unix_nano: int


@dataclass(frozen=True)
class Bucket:
    upper_bound: float
    cumulative_count: int
    exemplar: Optional[Exemplar] = None


@dataclass(frozen=True)
class Series:
    labels: Dict[str, str]
    value: float = 0.0
    count: int = 0
    sum: float = 0.0
    buckets: Tuple[Bucket, ...] = ()
    quantiles: Tuple[Tuple[float, float], ...] = ()
    is_overflow: bool = False
    created_unix_nano: int = 0


@dataclass(frozen=True)
class Family:
    name: str
    help: str
    unit: str
    type: str
    label_names: Tuple[str, ...]
    series: List[Series] = field(default_factory=list)

    def get(self, **labels: str) -> Optional[Series]:
        """The series with exactly these labels, or None."""
        for s in self.series:
            if s.labels == labels:
                return s
        return None


def _strings(arr, n: int) -> List[str]:  # type: ignore[no-untyped-def]
    return [decode(arr[i]) for i in range(n)]


def _int(b) -> int:  # type: ignore[no-untyped-def]
    return int.from_bytes(bytes(ffi.buffer(b)), "big")


def collect() -> Dict[str, Family]:
    """Every metric family and its series, keyed by family name (sorted). Counter families
    are named without ``_total``, info families without ``_info``."""
    out = ffi.new("n3obs_metrics_snapshot **")
    check(lib.n3obs_metrics_collect(out), "n3obs_metrics_collect")
    snap = out[0]
    try:
        result: Dict[str, Family] = {}
        for i in range(snap.family_count):
            f = snap.families[i]
            names = _strings(f.label_names, f.label_count)
            series = []
            for j in range(f.series_count):
                s = f.series[j]
                values = _strings(s.label_values, f.label_count)
                buckets = []
                for k in range(s.bucket_count):
                    b = s.buckets[k]
                    ex = None
                    if b.has_exemplar:
                        e = b.exemplar
                        ex = Exemplar(_int(e.trace_id), _int(e.span_id), e.value, e.time_unix_nano)
                    buckets.append(Bucket(b.upper_bound, b.cumulative_count, ex))
                quantiles = tuple((s.quantiles[k].quantile, s.quantiles[k].value)
                                  for k in range(s.quantile_count))
                series.append(Series(dict(zip(names, values)), s.value, s.count, s.sum,
                                     tuple(buckets), quantiles, bool(s.is_overflow),
                                     s.created_unix_nano))
            fam = Family(decode(f.name), decode(f.help), decode(f.unit),
                         _TYPES.get(f.type, str(f.type)), tuple(names), series)
            result[fam.name] = fam
        return result
    finally:
        lib.n3obs_metrics_snapshot_free(snap)

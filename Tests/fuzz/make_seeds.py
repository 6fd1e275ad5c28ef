#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into Tests/fuzz/corpus/<target>/.

The files are committed; this script says where they come from and rewrites them when an
input format changes (python3 Tests/fuzz/make_seeds.py). Input formats: the comment at the
top of each Tests/fuzz/<target>.c. Traceparents and tracestates are the W3C Trace Context
recommendation's examples and the edge cases its grammar names.
"""
import hashlib
import os
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
TID = "4bf92f3577b34da6a3ce929d0e0e4736"
PID = "00f067aa0ba902b7"

# UTF-8 edge cases: valid at the borders of each length, and the classic invalid forms.
UTF8 = [
    b"", b"plain", b"caf\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\x7f",
    b"\xc2\x80", b"\xdf\xbf", b"\xe0\xa0\x80", b"\xef\xbf\xbf", b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf",
    b"\xef\xbb\xbfbom", b"a\xcc\x81",                      # BOM, combining accent
    b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf",     # overlong '/'
    b"\xed\xa0\x80", b"\xed\xbf\xbf",                      # surrogates
    b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xff", b"\xfe",  # past U+10FFFF, never bytes
    b"\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98",         # lone continuation, truncated
    b"ok\xc3(", b"\t\n\r\x01",                             # bad continuation, controls
]


def write(target, items):
    d = os.path.join(ROOT, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for data in items:
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def trace_context():
    tp = lambda v, t=TID, p=PID, f="01": f"{v}-{t}-{p}-{f}".encode()
    parents = [
        tp("00"), tp("00", f="00"), tp("00", f="02"), tp("00", f="03"), tp("00", f="09"), tp("00", f="ff"),
        b"  " + tp("00") + b"\t", tp("01"), tp("cc") + b"-what-the-future-will-be-like", tp("ff"),
        tp("00", t="0" * 32), tp("00", p="0" * 16), tp("00", t=TID.upper()), tp("00", f="0G"),
        tp("00") + b"-", tp("00") + b"0", tp("00")[:-1], b"00-" + TID.encode() + b"_" + PID.encode() + b"-01",
        tp("0"), tp("000"), b"", b"00", b"-", tp("fe", f="01.") ,
    ]
    states = [
        None, b"", b"rojo=00f067aa0ba902b7", b"congo=t61rcWkgMzE", b"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        b"  rojo=1 ,\tcongo=2  ", b"rojo=1,,congo=2", b",", b"foo=1,foo=2", b"foo@bar=1", b"tenant@vendor=x",
        b"a" * 256 + b"=v", b"k" * 241 + b"@" + b"v" * 14 + b"=x", b"bad key=1", b"UPPER=1", b"k=v=w",
        b"k=", b"=v", b"k=v\x7f", b"k=" + b"x" * 256, b"k= v", b"k=v ",
        b",".join(b"k%d=v" % i for i in range(32)), b",".join(b"k%d=v" % i for i in range(33)),
        b",".join(b"k%d=%s" % (i, b"x" * 120) for i in range(6)),
    ]
    seeds = []
    for p in parents:
        seeds.append(p)
    for s in states:
        seeds.append(tp("00") if s is None else tp("00") + b"\0" + s)
    seeds.append(tp("00", f="00") + b"\0rojo=1")
    seeds.append(tp("01") + b"\0congo=2")
    return seeds


def metric_names():
    def opts(type_, name, help_=b"", unit=b"", labels=(), bounds=()):
        return bytes([type_, len(bounds)]) + b"".join(struct.pack("<d", b) for b in bounds) + b"\0".join(
            [name, help_, unit, *labels])
    seeds = []
    for t in range(5):
        seeds += [opts(t, b"requests"), opts(t, b"http_requests", b"Requests.", b"", [b"method", b"code"])]
    seeds += [
        opts(0, b"jobs_total", b"Jobs done."), opts(0, b"_total"), opts(0, b"x_total_total"),
        opts(1, b"a:b:c"), opts(1, b":leading"), opts(1, b"__reserved"), opts(1, b"_one"), opts(1, b"9x"),
        opts(1, b"x-y"), opts(1, b""), opts(1, b"n" * 255), opts(1, b"n" * 256), opts(0, b"n" * 250 + b"_total"),
        opts(1, b"caf\xc3\xa9"), opts(1, b"lat", b"caf\xc3\xa9 \xe2\x82\xac"), opts(1, b"lat", b"bad \xc3("),
        opts(1, b"lat", b"", b"seconds"), opts(1, b"lat", b"", b"bad unit"), opts(1, b"lat", b"", b"u" * 256),
        opts(1, b"lab", b"", b"", [b"a", b"a"]), opts(1, b"lab", b"", b"", [b"__x"]), opts(1, b"lab", b"", b"", [b"a:b"]),
        opts(1, b"lab", b"", b"", [b""]), opts(1, b"lab", b"", b"", [b"l%d" % i for i in range(33)]),
        opts(2, b"lat_seconds", b"", b"", [b"le"]), opts(3, b"lat_summary", b"", b"", [b"quantile"]),
        opts(2, b"lat_seconds", b"", b"", [b"quantile"]), opts(4, b"build_info", b"", b"", [b"version"]), opts(4, b"_info"), opts(4, b"x_info_info"),
        opts(2, b"h", bounds=[0.1, 1, 10]), opts(2, b"h2", bounds=[1, 0.5]), opts(2, b"h3", bounds=[float("nan")]),
        opts(2, b"h4", bounds=[1, float("inf")]), opts(2, b"h5", bounds=[float("inf")]),
        opts(2, b"h6", bounds=[-1e308, 0, 1e308]),
    ]
    return seeds


def label_values():
    seeds = []
    for op in range(10):
        seeds.append(bytes([op]) + b"\0".join([b"x", b"y", b"z"]))
    for v in UTF8:
        seeds.append(bytes([0]) + b"\0".join([b"ok", v, b"ok"]))
        seeds.append(bytes([4]) + b"\0".join([v, v, v]))
    seeds += [bytes([0]), bytes([4]) + b"one", bytes([0]) + b"a\0b", bytes([0]) + b"a\0b\0c\0d",
              bytes([5]) + b"\0".join([b"v" * 4096, b"", b""]), bytes([5]) + b"\0".join([b"v" * 4097, b"", b""])]
    return seeds


def attributes():
    S, I, D, B = 0 << 5, 1 << 5, 2 << 5, 3 << 5
    batch = lambda t: bytes([(4 << 5) | t])
    send = bytes([7 << 5])
    seeds = [
        bytes([S]) + b"http.method\0GET\0", bytes([I]) + b"n\0" + struct.pack("<q", -1),
        bytes([D]) + b"d\0" + struct.pack("<d", float("nan")), bytes([B]) + b"b\0" + struct.pack("<i", 7),
        bytes([S]) + b"k\0v1\0" + bytes([S]) + b"k\0v2\0", bytes([S]) + b"k\0v\0" + bytes([I]) + b"k\0" + b"\1" * 8,
        bytes([S]) + b"\0empty key\0", bytes([S]) + b"k" * 1025 + b"\0v\0", bytes([S]) + b"k" * 1024 + b"\0v\0",
        batch(1) + b"s\0text\0" + batch(2) + b"i\0" + b"\2" * 8 + send,
        batch(5) + b"sa\0\3a\0b\0c\0" + batch(6) + b"ia\0\2" + b"\1" * 16 + batch(7) + b"da\0\1" + b"\0" * 8
        + batch(8) + b"ba\0\2" + b"\1\0\0\0\0\0\0\0" + send,
        batch(0) + b"bad type\0" + batch(1) + b"ok\0v\0" + send, batch(9) + b"t9\0", batch(5) + b"empty\0\0",
        bytes([S]) + b"many\0v\0" * 3 + b"".join(bytes([I]) + b"k%d\0" % i + b"\0" * 8 for i in range(140)),
    ]
    for v in UTF8:
        seeds.append(bytes([S]) + b"key\0" + v + b"\0")
        seeds.append(bytes([S]) + v + b"\0value\0")
        seeds.append(batch(5) + b"arr\0\2ok\0" + v + b"\0" + send)
    return seeds


if __name__ == "__main__":
    write("fuzz_trace_context", trace_context())
    write("fuzz_metric_names", metric_names())
    write("fuzz_label_values", label_values())
    write("fuzz_attributes", attributes())
    for t in sorted(os.listdir(ROOT)):
        print(t, len(os.listdir(os.path.join(ROOT, t))), "seeds")

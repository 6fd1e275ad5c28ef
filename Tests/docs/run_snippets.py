"""Every code block of the README and the docs, compiled and run exactly as written, so
that what a newcomer copies cannot drift from what the library does.

  c       a block with main() is a program: built as the README says (plus -Wall -Werror)
          and run with N3OBS_EXPORTERS=stdout; it must exit 0 and print something. A block
          that defines n3obs_exporter_init is a plugin: built as the plugin guide says and
          checked with `n3obsctl plugin check`. Any other block is a statement sequence:
          it runs inside main() between n3obs_init and n3obs_shutdown.
  python  run with the venv's interpreter; it must exit 0.
  sh      parsed by bash -n (they name the reader's own programs and the whole build).
  yaml    parsed; a Prometheus scrape config is checked by promtool check config.
Prints TAP-like lines and "N passed, N failed"; exits 1 when one failed.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / ".build" / "release"
PY = ROOT / ".build" / "venv" / "bin" / "python"
DOCS = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")),
        "examples/plugins/README.md", "bindings/python/README.md"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.M | re.S)
STRICT = ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"]


def blocks():
    for doc in DOCS:
        text = (ROOT / doc).read_text()
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            yield f"{doc}:{line}", m.group(1), m.group(2)


def run(cmd, **kw):
    kw.setdefault("timeout", 120)
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def check_c(code, work):
    env = dict(os.environ, N3OBS_EXPORTERS="stdout", N3OBS_PLUGIN_PATH=str(BUILD))
    if "n3obs_exporter_init(" in code and "{" in code:
        src = work / "mine.c"
        src.write_text(code)
        so = work / "libn3obs_mine.so"
        r = run(["cc", *STRICT, "-shared", "-fPIC", f"-I{ROOT}/include", str(src), "-o", str(so)])
        if r.returncode:
            return f"does not compile as a plugin:\n{r.stderr}"
        r = run([str(BUILD / "n3obsctl"), "plugin", "check", str(so)], env=env)
        return None if r.returncode == 0 else f"n3obsctl plugin check failed:\n{r.stdout}{r.stderr}"
    if "main(" not in code:
        code = ("#include <stdio.h>\n#include <n3obs.h>\n#include <n3obs_exporter.h>\n"
                "int main(void) {\n    if (n3obs_init(NULL) != N3OBS_OK) return 1;\n"
                + code + "\n    n3obs_shutdown(1000);\n    return 0;\n}\n")
    src = work / "app.c"
    src.write_text(code)
    exe = work / "app"
    # The README's build line: cc app.c -Iinclude -L.build/release -ln3obs -Wl,-rpath,...
    r = run(["cc", *STRICT, str(src), f"-I{ROOT}/include", f"-L{BUILD}", "-ln3obs",
             f"-Wl,-rpath,{BUILD}", "-o", str(exe)])
    if r.returncode:
        return f"does not compile:\n{r.stderr}"
    r = run([str(exe)], env=env, cwd=work, timeout=60)
    if r.returncode != 0:
        return f"exit {r.returncode}:\n{r.stdout[-2000:]}{r.stderr[-2000:]}"
    if not r.stdout.strip():
        return "ran but printed nothing with N3OBS_EXPORTERS=stdout"
    return None


def check_python(code, work):
    src = work / "snippet.py"
    src.write_text(code)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("N3OBS_", "OTEL_"))}
    r = run([str(PY), str(src)], env=env, cwd=work, timeout=120)
    if r.returncode != 0:
        return f"exit {r.returncode}:\n{r.stdout[-2000:]}{r.stderr[-3000:]}"
    return None


def check_sh(code, work):
    r = run(["bash", "-n"], input=code)
    return None if r.returncode == 0 else f"bash -n: {r.stderr}"


def check_yaml(code, work):
    import yaml  # PyYAML, in the venv
    try:
        doc = yaml.safe_load(code)
    except yaml.YAMLError as e:
        return f"not YAML: {e}"
    if isinstance(doc, dict) and "scrape_configs" in doc and shutil.which("promtool"):
        cfg = work / "prometheus.yml"
        cfg.write_text(code)
        r = run(["promtool", "check", "config", "--syntax-only", str(cfg)])
        if r.returncode:
            return f"promtool: {r.stdout}{r.stderr}"
    return None


CHECKS = {"c": check_c, "python": check_python, "sh": check_sh, "yaml": check_yaml}


def main():
    passed = failed = 0
    for where, lang, code in blocks():
        check = CHECKS.get(lang)
        if check is None:
            continue  # untagged blocks are layouts and output, not code
        with tempfile.TemporaryDirectory() as tmp:
            err = check(code, pathlib.Path(tmp))
        if err is None:
            passed += 1
            print(f"ok - {where} ({lang})")
        else:
            failed += 1
            print(f"not ok - {where} ({lang})\n" + "".join(f"#   {l}\n" for l in err.splitlines()))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

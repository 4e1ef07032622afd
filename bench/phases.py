"""What the benchmarks share: each measured phase runs in a process of its own (so that
memory and SQL figures are not mixed), with an Odoo environment on the benchmark's
database, and reports one JSON line; the tables go into README.md between markers."""

import argparse
import json
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from run import PYTHON, REPO


def run_phase_process(script, name, db, url, addons_path, extra=()):
    """Run phase ``name`` of ``script`` in a process of its own.

    :return: the JSON report it printed last.
    """
    print(f"  {name}...", flush=True)
    command = [
        PYTHON, str(Path(script).resolve()), "--phase", name, "--db", db,
        "--sandbox", url, "--addons-path", addons_path, *extra,
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        sys.exit(f"phase {name} failed")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"    {json.dumps(report)[:300]}", flush=True)
    return report


@contextmanager
def odoo_env(db, addons_path):
    """An environment of the superuser on ``db``, committed at the end."""
    import odoo  # noqa: PLC0415 - Odoo only in the phase's own process
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        [f"--addons-path={addons_path}", f"--database={db}", "--log-level=warn"]
    )
    odoo.modules.module.initialize_sys_path()
    from odoo.modules.registry import Registry  # noqa: PLC0415

    with Registry(db).cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def serve_phase(args, phases):
    """The phase process: run ``phases[args.phase](env, args)`` and print its report."""
    with odoo_env(args.db, args.addons_path) as env:
        report = phases[args.phase](env, args)
    print(json.dumps(report))  # noqa: T201 - the report the parent reads
    return 0


def verdict(ok):
    return "PASS" if ok else "FAIL"


def update_readme(table, marker):
    """Write ``table`` into README.md between ``<!-- marker:start/end -->``."""
    readme = REPO / "README.md"
    text = readme.read_text()
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    if start not in text or end not in text:
        sys.exit(f"README.md has no {marker} markers")
    text = re.sub(
        re.escape(start) + ".*?" + re.escape(end),
        lambda _match: f"{start}\n{table}\n{end}",
        text,
        flags=re.S,
    )
    readme.write_text(text)
    print("README.md updated.")  # noqa: T201


def arguments(script, doc):
    """The parser of a benchmark's command line: its own options are added to it; the
    hidden ones are those of its phase processes."""
    parser = argparse.ArgumentParser(prog=f"bench/{Path(script).name}", description=doc)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--update-readme", action="store_true")
    for hidden in ("--phase", "--db", "--sandbox", "--addons-path"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    return parser


def main(parser, argv, bench, render, run_phase, update_readme):
    """Run the benchmark and print its table (into README.md with
    ``--update-readme``), or, in a phase process, the phase."""
    args = parser.parse_args(argv)
    if args.phase:
        return run_phase(args)
    table = render(bench(args))
    print("\n" + table)  # noqa: T201
    if args.update_readme:
        update_readme(table)
    return 0

"""The `jiuzhu` command line: demo and diagrams for now (serve, worker, migrate later)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from domain.services import Service
from entrypoints import diagrams, registries
from entrypoints.demo import run_demo


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiuzhu", description="救助: social-assistance cases")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the joint scenario in memory for sample households")
    diagram = commands.add_parser("diagram", help="print or write the state diagrams")
    diagram.add_argument("--format", choices=diagrams.FORMATS, default="mermaid")
    target = diagram.add_mutually_exclusive_group()
    target.add_argument("--service", choices=[s.value for s in Service])
    target.add_argument("--out", type=Path, help="write every diagram into this folder")
    registries.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "registries":
        return registries.run(args)
    if args.command == "demo":
        run_demo()
    elif args.command == "diagram":
        if args.out is not None:
            for path in diagrams.write_all(args.out, args.format):
                print(path)
        elif args.service is not None:
            print(diagrams.case_type_diagram(Service(args.service), args.format))
        else:
            print(diagrams.scenario_diagram(args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `sla-bot` command line: run, check, demo, import."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy.exc import OperationalError

from bot.bootstrap import read_agreement
from bot.cli.failures import closed_stdout, one_line
from bot.cli.problems import problem_catalogue, problem_lines
from bot.knowledge.summary import summary_lines, title
from bot.runtime.logs import configure_logging, known_secrets
from bot.settings import Settings, SettingsError, load_settings
from bot.ui.catalogue import Catalogue
from bot.ui.render import plain
from sla_rules.agreement import AgreementError, load_agreement


def package_version() -> str:
    """The installed sla-bot's version, as pip knows it."""
    try:
        return version("sla-bot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sla-bot", description="SLA Bot: the Sales–Marketing agreement as a Slack teammate."
    )
    parser.add_argument("--version", action="version", version=f"sla-bot {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="start the bot (Socket Mode when SLACK_APP_TOKEN is set)")
    check = commands.add_parser("check", help="validate an agreement file and summarise it")
    check.add_argument("file", nargs="?", help="the agreement (default: $SLA_CONFIG or sla.yaml)")
    demo = commands.add_parser("demo", help="run the bot against a local Slack stand-in")
    demo.add_argument("--agreement", help="an agreement file instead of the English example")
    commands.add_parser("standup", help="post today's standup now (once a day)")
    bulk = commands.add_parser("import", help="hand off the leads of a CSV file")
    bulk.add_argument("file", help="the CSV file: a header row, then one lead per line")
    bulk.add_argument("--agreement", help="the agreement (default: $SLA_CONFIG or sla.yaml)")
    return parser


def check(path: str) -> int:
    """Print the agreement's summary, or every problem with its path; return the exit code."""
    try:
        agreement = load_agreement(path)
    except AgreementError as error:
        cat = problem_catalogue(error)
        print(cat.plural("check.invalid", len(error.problems), path=path), file=sys.stderr)
        for line in problem_lines(error, cat):
            print(f"  {line}", file=sys.stderr)
        return 1
    cat = Catalogue(agreement.locale)
    print(cat.t("check.valid", path=path))
    print(plain(title(agreement, cat)))
    for line in summary_lines(agreement, cat):
        print("  " + plain(line))
    return 0


def _print_cannot_start(error: AgreementError) -> None:
    """Why the agreement stops the bot, in the agreement's language when its locale is valid."""
    cat = problem_catalogue(error)
    print(
        cat.t("check.cannot_start", problems="\n".join(problem_lines(error, cat))), file=sys.stderr
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `sla-bot` console script."""
    args = _parser().parse_args(argv)
    try:
        code = _dispatch(args)
        # Flushed here, not at exit, so that a reader gone early is answered below.
        sys.stdout.flush()
    except BrokenPipeError:
        return closed_stdout()
    return code


def _dispatch(args: argparse.Namespace) -> int:
    """Run one subcommand; return its exit code."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"sla-bot: {error}", file=sys.stderr)
        # An import that could not start exits 2: 1 means some lines were rejected.
        return 2 if args.command == "import" else 1
    # The demo prints a transcript and the import a progress bar and a summary: only
    # warnings and errors belong beside them.
    level = settings.log_level_number
    quiet = args.command in ("demo", "import")
    configure_logging(
        max(level, logging.WARNING) if quiet else level,
        fmt=settings.log_format,
        secrets=known_secrets(settings),
    )
    if args.command == "check":
        return check(args.file or settings.sla_config)
    if args.command == "demo":
        from bot.local.demo.session import run_demo

        return run_demo(agreement_path=args.agreement)
    if args.command == "import":
        from bot.cli.import_command import run_import

        return run_import(args.file, settings, agreement_path=args.agreement)
    return _serve(args.command, settings)


def _settings_problem(error: SettingsError, settings: Settings) -> str:
    """A missing setting in the agreement's language when the agreement reads, else English."""
    try:
        cat = Catalogue(read_agreement(settings).locale)
    except AgreementError:
        cat = Catalogue("en")
    key = f"settings.{error.code}"
    said = cat.t(key) if error.code and cat.has(key) else str(error)
    return cat.t("cli.cannot_start", error=said)


def _serve(command: str, settings: Settings) -> int:
    """`run` and `standup`: the agreement, then the database; one line when either fails."""
    try:
        if command == "run":
            settings.require_slack()
    except SettingsError as error:
        print(_settings_problem(error, settings), file=sys.stderr)
        return 1
    try:
        agreement = read_agreement(settings)
    except AgreementError as error:
        _print_cannot_start(error)
        return 1
    cat = Catalogue(agreement.locale)
    try:
        if command == "standup":
            from bot.cli.standup import post_standup

            return post_standup(settings, agreement)
        from bot.cli.run import run

        run(settings, agreement)
    except OperationalError as error:
        print(cat.t("cli.no_database", error=one_line(error.orig)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

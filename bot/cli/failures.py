"""How the command line fails: in one line, with an exit code, never with a traceback."""

from __future__ import annotations

import os
import signal
import sys

# What a shell reports for a process that SIGPIPE stopped: `sla-bot check | head` ended early.
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def one_line(error: object) -> str:
    """An error's text on one line (drivers put hints on lines of their own)."""
    return " ".join(str(error).split())


def closed_stdout() -> int:
    """Answer a reader that closed the pipe early: stop writing, quietly; return the exit code."""
    # Python flushes stdout once more at exit; pointing it at /dev/null keeps that flush from
    # printing a second BrokenPipeError.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
    return EXIT_BROKEN_PIPE

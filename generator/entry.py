"""The ``ehp-generate`` entry point: signal handlers first, then the (slow) imports.

NumPy, pyarrow and rich take a moment to import; a Ctrl-C or SIGTERM in that moment would
otherwise end the run with a traceback or silently. Installed first, the handlers only note
the signal, and the run stops with its one line at the first safe point.
"""

from __future__ import annotations

import signal

from generator import interrupts


def main() -> int:
    interrupts.install()
    from generator.cli import main as cli_main

    code = cli_main()
    # The run has ended and said so: a signal now would only cut the interpreter's exit
    # short (it resets Python handlers to the default, which kills) and turn a finished run
    # into a killed one. Ignoring is process-wide and survives the interpreter's exit.
    for sig in interrupts.SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    return code

"""How the command-line tools end on a user's mistake: one line on stderr
that names the file and the fix, exit status 2 (argparse's status for bad
arguments), no traceback.

Only the errors in :data:`USER_ERRORS` end this way; any other exception is a
bug and keeps its traceback.
"""
import sys
from contextlib import contextmanager
from typing import Iterator

from mmvididi.utils.checkpoint_fit import CheckpointMismatchError
from mmvididi.utils.checkpoint_loading import CheckpointNotFoundError
from mmvididi.utils.config_loading import ConfigNotFoundError

#: Mistakes in what the user gave a tool, each with a message that names the
#: file and the fix.
USER_ERRORS = (ConfigNotFoundError, CheckpointNotFoundError,
               CheckpointMismatchError)
#: The exit status of a tool stopped by one of them.
USER_ERROR_STATUS = 2


@contextmanager
def exit_on_user_error() -> Iterator[None]:
    """Run the block; a :data:`USER_ERRORS` exception ends the process with
    ``error: <message>`` on stderr and :data:`USER_ERROR_STATUS`."""
    try:
        yield
    except USER_ERRORS as error:
        print(f'error: {error}', file=sys.stderr)
        sys.exit(USER_ERROR_STATUS)

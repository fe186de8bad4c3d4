"""How the command-line tools end on a user's mistake: one line on stderr
that names the file and the fix, exit status 2 (argparse's status for bad
arguments), no traceback.

Only the errors in :data:`USER_ERRORS` (and those a tool names for itself)
end this way; any other exception is a bug and keeps its traceback.
"""
import sys
from contextlib import contextmanager
from typing import Iterator, Type

from mmvididi.utils.checkpoint_fit import CheckpointMismatchError
from mmvididi.utils.checkpoint_loading import CheckpointNotFoundError
from mmvididi.utils.config_loading import ConfigNotFoundError
from mmvididi.utils.video_list import VideoListError

#: Mistakes in what the user gave a tool, each with a message that names the
#: file and the fix.
USER_ERRORS = (ConfigNotFoundError, CheckpointNotFoundError,
               CheckpointMismatchError, VideoListError)
#: The exit status of a tool stopped by one of them.
USER_ERROR_STATUS = 2


@contextmanager
def exit_on_user_error(*also: Type[Exception]) -> Iterator[None]:
    """Run the block; a :data:`USER_ERRORS` exception, or one of the types in
    ``also`` (a tool's own, e.g. a video that cannot be decoded), ends the
    process with ``error: <message>`` on stderr and
    :data:`USER_ERROR_STATUS`."""
    try:
        yield
    except USER_ERRORS + also as error:
        print(f'error: {error}', file=sys.stderr)
        sys.exit(USER_ERROR_STATUS)

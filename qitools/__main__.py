"""``python -m qitools``: the same as the ``qitools`` command."""

import sys

from .cli import main

sys.exit(main())

import sys

from bot.rasa.library_warnings import silence

silence()  # before anything imports the libraries that warn

from bot.cli import main  # noqa: E402

sys.exit(main())

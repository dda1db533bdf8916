"""Safety net for the whole run (tests and doctests): never touch the user's real data folder."""

import os
import tempfile


def pytest_configure(config):
    # Runs in every process, so each pytest-xdist worker gets its own folder.
    os.environ["ATLAS_DATA_DIR"] = tempfile.mkdtemp(prefix="atlas-test-data-")

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
pytest.register_assert_rewrite("corpus_cases")

# The fake Batch service and its fixture, for the live-list tests.
pytest_plugins = ["batch_service"]

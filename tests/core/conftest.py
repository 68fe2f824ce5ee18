"""New databases for the tests of backups, restores and copies (`Databases` in test_backup.py)."""
import pytest

from tests.core.test_backup import Databases


@pytest.fixture(scope="module")
def module_databases(tmp_path_factory):
    """The templates, the filled sources and their archives: made once per module (and xdist worker)."""
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.close()


@pytest.fixture
def databases(tmp_path, module_databases):
    made = Databases(tmp_path, templates=module_databases)
    yield made
    made.close()

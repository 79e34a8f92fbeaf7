"""Files batchlint writes: whole or not at all, with the mode ``open()`` would give."""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile

import pytest

from batchlint.atomic import write_atomically
from batchlint.catalog.cache import ListCache
from batchlint.cli import main
from batchlint.options import UsageError

from helpers import AS_OF, pool_spec

pytestmark = pytest.mark.usefixtures("restore_logging")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_file_gets_0666_less_the_umask(tmp_path, umask_022):
    write_atomically(str(tmp_path / "out.txt"), lambda s: s.write("text\n"))

    assert mode(tmp_path / "out.txt") == 0o644


def test_mode_follows_another_umask(tmp_path):
    old = os.umask(0o002)
    try:
        write_atomically(str(tmp_path / "out.txt"), lambda s: s.write("text\n"))
    finally:
        os.umask(old)

    assert mode(tmp_path / "out.txt") == 0o664


def test_a_private_file_it_replaces_gets_the_normal_mode(tmp_path, umask_022):
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    target.chmod(0o600)

    write_atomically(str(target), lambda s: s.write("new\n"))

    assert (target.read_text(), mode(target)) == ("new\n", 0o644)


def test_a_mode_asked_for_is_given(tmp_path, umask_022):
    write_atomically(str(tmp_path / "out.txt"), lambda s: s.write("x"), mode=0o600)

    assert mode(tmp_path / "out.txt") == 0o600


def test_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old\n")

    def fail(stream):
        stream.write("half")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        write_atomically(str(target), fail)

    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_that_fails_on_the_disk_is_a_usage_error_naming_the_path(tmp_path):
    def full(stream):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UsageError, match=r"^cannot write .*out\.txt: No space left on device$"):
        write_atomically(str(tmp_path / "out.txt"), full)

    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_usage_error_naming_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(UsageError) as caught:
        write_atomically("no/such/out.txt", lambda s: s.write("x"))

    assert str(caught.value) == "cannot write no/such/out.txt: there is no folder no/such"


def test_folder_that_cannot_be_written_is_a_usage_error_naming_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "locked").mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)

    with pytest.raises(UsageError) as caught:
        write_atomically("locked/out.txt", lambda s: s.write("x"))

    assert str(caught.value) == (
        "cannot write locked/out.txt: the folder locked is not writable (Permission denied)"
    )


def test_every_report_file_gets_the_normal_mode(tmp_path, monkeypatch, capsys, umask_022):
    monkeypatch.chdir(tmp_path)
    spec = pool_spec("canonical", "ubuntu-24_04-lts", "server", "batch.node.ubuntu 24.04")
    (tmp_path / "pool.json").write_text(json.dumps(spec))
    outputs = {"sarif": "r.sarif", "junit": "r.xml", "json": "r.json", "text": "r.txt"}
    args = [arg for fmt, name in outputs.items() for arg in ("--format", fmt, "--output", name)]

    status = main(["--as-of", AS_OF, "--no-config", "-j1", *args, "pool.json"])

    assert status == 0
    assert {name: mode(tmp_path / name) for name in outputs.values()} == dict.fromkeys(
        outputs.values(), 0o644
    )


def test_report_into_a_missing_folder_exits_2_naming_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pool.json").write_text("{}")

    status = main(["--no-config", "-j1", "--format", "sarif", "-o", "out/r.sarif", "pool.json"])

    assert status == 2
    assert capsys.readouterr().err == (
        "batchlint: error: cannot write out/r.sarif: there is no folder out\n"
    )


def test_cached_live_list_stays_private(tmp_path, umask_022):
    path = ListCache(str(tmp_path)).put("https://a.eastus.batch.azure.com", {"entries": []})

    assert mode(path) == 0o600


def test_dev_stdout_on_a_pipe_is_written_to(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from batchlint.atomic import write_atomically; "
        "write_atomically('/dev/stdout', lambda s: s.write('through the pipe\\n'))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "through the pipe\n"

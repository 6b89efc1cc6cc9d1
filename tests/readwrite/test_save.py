"""Saves that run at once, or die half-way, never leave half a model or litter behind.

A save writes a recognisable temporary file and renames it over the target. Saves from
several threads and processes at once each land whole (the last wins); a save killed
half-way (SIGKILL) leaves its temporary file, which no directory load reads and the next
save to that path removes; a save never changes process-wide state such as the umask.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicekit import ModelError, ServiceModel, dump, load, loads, save
from servicekit.readwrite.save import temporary_files
from strategies import models

#: Saves the model in argv[1] (YAML) to argv[2]; with argv[3] == "hang", stops just
#: before the rename, its temporary file written, and waits to be killed.
SAVER = r"""
import os, sys, time
import servicekit
model = servicekit.loads(open(sys.argv[1], encoding="utf-8").read())
if sys.argv[3] == "hang":
    def hang(*args):
        print("writing", flush=True)
        time.sleep(600)
    os.replace = hang
servicekit.save(model, sys.argv[2])
print("saved", flush=True)
"""


def start_saver(model_text: str, target: Path, folder: Path, mode: str) -> subprocess.Popen[str]:
    """A process saving ``model_text`` to ``target`` (``mode``: ``finish`` or ``hang``)."""
    source = folder / f"source-{os.urandom(4).hex()}.txt"
    source.write_text(model_text, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-c", SAVER, str(source), str(target), mode],
        stdout=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], kill: bool, read: bool = True) -> str:
    """The first line a saver prints (unless read already); then it is killed (``kill``)
    or left to end."""
    assert process.stdout is not None
    line = process.stdout.readline() if read else ""
    if kill:
        process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    return line


def killed_mid_save(model_text: str, target: Path, folder: Path) -> None:
    """A save in another process, killed (SIGKILL) while its temporary file is written."""
    assert finish(start_saver(model_text, target, folder, "hang"), kill=True) == "writing\n"


def test_temporary_files_are_recognisable_and_never_loaded(tmp_path: Path) -> None:
    """A killed save's temporary file is named after its target and ignored by loads."""
    folder = tmp_path / "model"
    folder.mkdir()
    target = folder / "shop.yaml"
    old = loads("servicekit: 1\nname: Old\nroles: [{id: a}]\n")
    save(old, target)
    killed_mid_save("servicekit: 1\nname: New\nroles: [{id: b}]\n", target, tmp_path)
    (leftover,) = temporary_files(target)
    assert leftover.name.startswith(".shop.yaml.servicekit-")
    assert leftover.name.endswith(".tmp")
    assert load(target) == old
    assert load(folder) == old


def test_next_save_removes_what_a_killed_save_left(tmp_path: Path) -> None:
    """After saves killed half-way, the next save to the path leaves no temporary file."""
    target = tmp_path / "shop.yaml"
    for _ in range(3):
        killed_mid_save("servicekit: 1\nname: Lost\n", target, tmp_path)
        assert len(temporary_files(target)) == 1  # each save removed the one before
    new = loads("servicekit: 1\nname: Kept\n")
    save(new, target)
    assert temporary_files(target) == []
    assert load(target) == new


def test_a_live_save_keeps_its_temporary_file(tmp_path: Path) -> None:
    """A save still writing (in another process) keeps its file while others save."""
    target = tmp_path / "shop.yaml"
    process = start_saver("servicekit: 1\nname: Slow\n", target, tmp_path, "hang")
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "writing\n"
        (live,) = temporary_files(target)
        save(loads("servicekit: 1\nname: Quick\n"), target)
        assert temporary_files(target) == [live]
        assert live.read_text(encoding="utf-8") == "servicekit: 1\nname: Slow\n"
    finally:
        finish(process, kill=True, read=False)
    save(loads("servicekit: 1\nname: Quick\n"), target)
    assert temporary_files(target) == []


def test_save_leaves_the_umask_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """save never changes the process-wide umask, yet a new file gets the umask's mode."""
    old = os.umask(0o027)
    try:

        def forbidden(mask: int) -> int:
            raise AssertionError("save changed the process-wide umask")

        monkeypatch.setattr(os, "umask", forbidden)
        target = tmp_path / "new.yaml"
        save(loads("servicekit: 1\n"), target)
        monkeypatch.undo()
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_files_made_by_other_threads_meanwhile_keep_their_mode(tmp_path: Path) -> None:
    """While a thread saves over and over, files another thread creates get the umask's mode."""
    old = os.umask(0o022)
    stop = threading.Event()
    model = loads("servicekit: 1\nroles: [{id: a}]\n")

    def keep_saving() -> None:
        while not stop.is_set():
            save(model, tmp_path / "busy.yaml")

    saver = threading.Thread(target=keep_saving)
    saver.start()
    try:
        modes = set()
        for number in range(300):
            path = tmp_path / f"other-{number}.txt"
            path.write_text("x")
            modes.add(stat.S_IMODE(path.stat().st_mode))
    finally:
        stop.set()
        saver.join()
        os.umask(old)
    assert modes == {0o644}


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(models(), min_size=3, max_size=5),
    st.lists(st.booleans(), min_size=2, max_size=3),
)
def test_saves_at_once_from_threads_and_processes_some_killed(
    models_: list[ServiceModel], kills: list[bool]
) -> None:
    """Random models saved to one path from threads and processes at once, some processes
    killed half-way, while a reader loads it: every load reads one whole model, the file
    is one of them at the end, and the next save leaves no temporary file."""
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        target = folder / "model" / "shop.yaml"
        target.parent.mkdir()
        first, *others = models_
        save(first, target)
        texts = {dump(model) for model in models_}
        stop = threading.Event()
        seen: list[str] = []
        problems: list[BaseException] = []

        def read() -> None:
            while not stop.is_set():
                try:
                    seen.append(target.read_text(encoding="utf-8"))
                    load(target.parent)
                except (ModelError, OSError) as err:
                    problems.append(err)

        def write(model: ServiceModel) -> None:
            try:
                for _ in range(3):
                    save(model, target)
            except BaseException as err:
                problems.append(err)

        reader = threading.Thread(target=read)
        writers = [threading.Thread(target=write, args=(model,)) for model in others]
        processes = [
            start_saver(dump(others[n % len(others)]), target, folder, "hang" if kill else "finish")
            for n, kill in enumerate(kills)
        ]
        reader.start()
        for writer in writers:
            writer.start()
        for process, kill in zip(processes, kills, strict=True):
            assert finish(process, kill) == ("writing\n" if kill else "saved\n")
        for writer in writers:
            writer.join()
        stop.set()
        reader.join()
        assert problems == []
        assert set(seen) <= texts
        assert target.read_text(encoding="utf-8") in texts
        assert len(temporary_files(target)) <= sum(kills)
        save(first, target)
        assert temporary_files(target) == []
        assert load(target.parent) == first

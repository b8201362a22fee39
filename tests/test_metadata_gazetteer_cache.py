"""The area gazetteer's cache file (ingest.metadata.cache): used only when it was built from the
very seed CSVs (and builder) on disk; a changed seed, a corrupt or truncated file, or another
file's key makes it rebuild from the CSVs, never serve stale areas."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from ingest import state
from ingest.metadata import cache, places

AREAS = """code12,level,province_code12,prefecture_code12,county_code12
620000000000,province,620000000000,,
620400000000,prefecture,620000000000,620400000000,
620421000000,county,620000000000,620400000000,620421000000
620421100000,township,620000000000,620400000000,620421000000
"""
ALIASES = """alias,code12,level,kind
甘肃省,620000000000,province,name
白银市,620400000000,prefecture,name
靖远县,620421000000,county,name
三滩镇,620421100000,township,name
"""
HISTORY = "code6,name,level\n110104,宣武区,county\n"
ZONES = "name,level,province,host_code12,note\n平潭综合实验区,prefecture,福建省,620400000000,x\n"


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name, text in (("areas.csv", AREAS), ("area_aliases.csv", ALIASES), ("area_history.csv", HISTORY),
                       ("area_zones.csv", ZONES)):  # fmt: skip
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(places, "SEEDS", folder)
    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def fresh() -> places.Gazetteer:
    return places.gazetteer.__wrapped__()  # a new process's gazetteer (the in-process memo skipped)


def cache_file() -> Path:
    return cache.cache_dir() / cache.NAME


def names(gaz: places.Gazetteer, text: str) -> list[str]:
    return [n for _, _, n in places.find_in(text, gaz)]


def test_cached_gazetteer_equals_the_built_one(seeds: Path) -> None:
    built = fresh()
    assert cache_file().is_file()
    loaded = fresh()
    assert cache.load(cache.cache_key([*(seeds / n for n in places.SEED_FILES), places.MODULE_SOURCE])) is not None
    assert loaded.by_alias == built.by_alias and loaded.tails == built.tails
    assert loaded.ends.pattern == built.ends.pattern
    for alias in built.by_alias:
        assert loaded.places(alias) == built.places(alias)
    assert loaded.is_ancestor("白银市", "三滩镇") and loaded.levels("宣武区") == {"county"}
    assert loaded.places("平潭综合实验区")[0].chain == ("620000000000", "620400000000", None)
    assert names(loaded, "白银市靖远县三滩镇人民政府") == ["白银市", "靖远县", "三滩镇"]


def test_a_changed_seed_csv_rebuilds_the_cache(seeds: Path) -> None:
    fresh()
    before = cache_file().read_bytes()
    with (seeds / "area_aliases.csv").open("a", encoding="utf-8") as f:
        f.write("北湾镇,620421100000,township,name\n")
    gaz = fresh()
    assert gaz.levels("北湾镇") == {"township"}
    assert names(gaz, "靖远县北湾镇人民政府") == ["靖远县", "北湾镇"]
    assert cache_file().read_bytes() != before  # rewritten under the new key
    assert fresh().levels("北湾镇") == {"township"}  # and served from it next time


def test_a_same_size_rewrite_with_its_mtime_set_back_rebuilds(seeds: Path) -> None:
    fresh()
    path = seeds / "area_aliases.csv"
    st = path.stat()
    time.sleep(0.02)  # past the file system's clock tick, so that the write gives the file another ctime
    path.write_text(ALIASES.replace("三滩镇", "北湾镇"), encoding="utf-8")  # same size, same inode
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    gaz = fresh()
    assert "北湾镇" in gaz.by_alias and "三滩镇" not in gaz.by_alias


def test_the_seeds_are_hashed_again_only_when_their_stat_changes(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state, "RACY_NS", 0)  # seeds written long ago (fresh ones are hashed every time)
    fresh()
    calls: list[int] = []
    real = cache.content_key
    monkeypatch.setattr(cache, "content_key", lambda paths: calls.append(1) or real(paths))
    fresh()
    assert calls == []
    (cache.cache_dir() / f"{cache.NAME}.key").write_bytes(b"not marshal")
    assert fresh().levels("三滩镇") == {"township"} and calls == [1]
    with (seeds / "area_zones.csv").open("a", encoding="utf-8") as f:
        f.write("苏州工业园区,county,江苏省,620400000000,y\n")
    assert fresh().levels("苏州工业园区") == {"county"} and calls == [1, 1]


def test_a_corrupt_or_truncated_cache_is_rebuilt_not_trusted(seeds: Path) -> None:
    good = fresh()
    data = cache_file().read_bytes()
    renamed = data.replace("靖远县".encode(), "靖远镇".encode())  # still loads: only the checksum tells
    assert renamed != data
    for bad in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), renamed, b"", b"garbage"):
        cache_file().write_bytes(bad)
        gaz = fresh()
        assert gaz.by_alias == good.by_alias and gaz.table == good.table
        assert cache_file().read_bytes() == data  # rewritten


def test_a_cache_from_other_seeds_is_not_used(seeds: Path) -> None:
    fresh()
    key = cache.content_key([seeds / "areas.csv"])
    cache.store(key, ({"假县": (0,)}, ("\tcounty\t\t\t",), "[县]", {"假县": (2,)}))
    gaz = fresh()
    assert "假县" not in gaz.by_alias and "靖远县" in gaz.by_alias


def test_an_unwritable_cache_folder_still_builds(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("OGI_CACHE_DIR", str(blocker / "cache"))
    assert fresh().levels("三滩镇") == {"township"}


def test_seeds_rewritten_within_a_timestamp_tick_are_never_served_stale(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system with 1-second timestamps a same-size rewrite in the second the key was taken
    leaves every stat field as it was: a stat that recent is not remembered."""
    tick = time.time_ns()  # every seed's mtime and ctime, as such a file system shows them this second
    real = cache._stat

    def coarse(path: Path) -> object:
        st = real(path)
        return st if st is None else SimpleNamespace(st_size=st.st_size, st_mtime_ns=tick, st_ino=st.st_ino,
                                                     st_ctime_ns=tick)

    monkeypatch.setattr(cache, "_stat", coarse)
    assert "三滩镇" in fresh().by_alias
    path = seeds / "area_aliases.csv"
    path.write_text(ALIASES.replace("三滩镇", "北湾镇"), encoding="utf-8")  # same size, same inode
    gaz = fresh()
    assert "北湾镇" in gaz.by_alias and "三滩镇" not in gaz.by_alias


def test_no_home_folder_means_no_cache(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OGI_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)  # a user with no home: "~" stays "~"
    monkeypatch.chdir(tmp_path)
    assert cache.cache_dir() is None
    assert fresh().levels("三滩镇") == {"township"}
    assert not (tmp_path / "~").exists()


def test_a_key_memo_of_another_shape_is_ignored(seeds: Path) -> None:
    """A memo written by another version (here: the earlier (path, size, mtime, inode, ctime) stamps)
    is recomputed, never unpacked blindly."""
    fresh()
    memo = cache.cache_dir() / f"{cache.NAME}.key"
    sources = [*(places.SEEDS / n for n in places.SEED_FILES), places.MODULE_SOURCE]
    stamps = tuple((str(p), 1, 2, 3, 4) for p in sources)
    for other in ((stamps, b"k"), ((("a", (1,)),), b"k"), ((("a",),), b"k"), (3, b"k")):
        memo.write_bytes(marshal.dumps(other))
        assert fresh().levels("三滩镇") == {"township"}

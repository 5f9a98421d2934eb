"""`jiuzhu serve --workers N`: several API processes, never with the demo's in-process parts."""

from __future__ import annotations

from entrypoints import cli


def test_serve_refuses_several_workers_with_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'jiuzhu.sqlite3'}")

    status = cli.main(["serve", "--demo", "--workers", "2"])

    assert status == 2
    assert "--workers" in capsys.readouterr().out

"""README's list of what is stored is generated from the stored rows' fields, and current."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from backcoach.skill.devtools import privacy_list
from backcoach.skill.devtools.privacy_list import NESTED, ROWS, STALE, field_docs, render


def test_the_readme_lists_what_is_stored_as_generated():
    readme = privacy_list.README.read_text(encoding="utf-8")
    assert render() in readme, STALE


@pytest.mark.parametrize("model", [model for _, _, model in ROWS] + list(NESTED.values()))
def test_every_stored_field_is_listed_with_what_it_holds(model: type):
    listed = render()
    stored = [f.name for f in dataclasses.fields(model) if f.metadata.get("stored", True)]
    assert stored and list(field_docs(model)) == stored
    for name in stored:
        assert f"`{name}`: " in listed, name


def test_a_stored_field_without_a_docstring_is_refused():
    @dataclass
    class Row:
        said: str = ""
        """What was said."""
        secret: str = ""

    with pytest.raises(ValueError, match=r"Row: stored fields without a docstring: \['secret'\]"):
        field_docs(Row)


def test_check_says_when_the_list_is_stale(tmp_path, monkeypatch, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n{privacy_list.START}\n- old\n{privacy_list.END}\n", encoding="utf-8")
    monkeypatch.setattr(privacy_list, "README", readme)
    assert privacy_list.main(["--check"]) == 1 and STALE in capsys.readouterr().err
    assert privacy_list.main([]) == 0 and privacy_list.main(["--check"]) == 0

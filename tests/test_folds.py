"""Folds of labelled questions: whole families at a time, every question scored once."""

from __future__ import annotations

from bot.folds import CV_FOLDS, family_folds


def test_a_family_is_never_split_and_every_row_is_scored_once() -> None:
    groups = [f"family {n // 3}" for n in range(40)] + [f"alone {n}" for n in range(7)]
    folds = family_folds(groups)
    assert len(folds) == CV_FOLDS
    assert sorted(row for _, unseen in folds for row in unseen.tolist()) == list(range(len(groups)))
    for seen, unseen in folds:
        assert not {groups[row] for row in seen.tolist()} & {groups[row] for row in unseen.tolist()}
        assert sorted([*seen.tolist(), *unseen.tolist()]) == list(range(len(groups)))


def test_fewer_families_than_folds_give_one_fold_each_and_one_family_none() -> None:
    assert len(family_folds(["a", "a", "b", "c"])) == 3
    assert family_folds(["a", "a", "a"]) == []

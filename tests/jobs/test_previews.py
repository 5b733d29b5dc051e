"""jobs.previews: what an upload keeps between its preview and its confirmation (the cache is
the real Redis of the run)."""

from dataclasses import dataclass

from jobs.previews import PreviewStore


@dataclass
class Kept:
    rows: int


@dataclass
class Other:
    rows: int


STORE = PreviewStore("tests:previews:", 60)


def test_a_kept_value_comes_back_by_its_token_and_kind_until_discarded():
    token = STORE.new_token()
    STORE.save(token, Kept(rows=3))
    assert STORE.load(token, Kept) == Kept(rows=3)
    # Another kind under the same name is not handed out (an upload of another kind).
    assert STORE.load(token, Other) is None
    # The same token under another store's prefix names nothing.
    assert PreviewStore("tests:elsewhere:", 60).load(token, Kept) is None
    STORE.discard(token)
    assert STORE.load(token, Kept) is None


def test_anything_not_shaped_like_a_token_is_refused_before_the_cache_is_read():
    token = STORE.new_token()
    STORE.save(token, Kept(rows=1))
    for crafted in ("", None, token + "/", token[:10], "*", token + "x" * 40, "../" + token):
        assert STORE.load(crafted, Kept) is None, crafted
    assert STORE.load(token, Kept) == Kept(rows=1)


def test_a_claim_is_held_by_one_caller_at_a_time_and_released_after():
    token = STORE.new_token()
    with STORE.claim(token) as first, STORE.claim(token) as second:
        assert first is True
        assert second is False
    with STORE.claim(token) as again:
        assert again is True

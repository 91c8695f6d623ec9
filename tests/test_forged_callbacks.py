"""Forged button presses: only the exact code the bot writes is a press, and no press, however
made, records a vote for a member the presser does not represent (issue #10).

The codecs are checked over generated texts; the bot is attacked through its real Application
with generated presses, each of which must get one clear answer and no error."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.forms import pick
from bot.harness import OfflineHarness, button_data
from meetings.buttons import (
    AttachButton,
    FormButton,
    HolderButton,
    NextRoundButton,
    ReceivedButton,
    ReplyButton,
    SessionProxyButton,
    SignButton,
    VoteButton,
    decode_attach,
    decode_form,
    decode_holder,
    decode_next_round,
    decode_received,
    decode_reply,
    decode_session_proxy,
    decode_sign,
    decode_vote,
)
from tests.conftest import COORDINATOR, MEMBERS, enrol_everyone, representative, user
from tests.test_bot_ballots import answers, member_name, open_ballot, paper

DECODERS: list[Callable[[str | None], Any]] = [
    decode_vote,
    decode_form,
    decode_reply,
    decode_holder,
    decode_session_proxy,
    decode_next_round,
    decode_sign,
    decode_received,
    decode_attach,
]
ids = st.integers(0, 10**9 - 1)
small = st.integers(0, 999)
BUTTONS = st.one_of(
    st.builds(VoteButton, ids, small, small),
    st.builds(
        FormButton,
        st.from_regex(r"[a-z]{1,12}", fullmatch=True),
        st.from_regex(r"[a-z0-9_-]{1,20}", fullmatch=True),
    ),
    st.builds(
        ReplyButton,
        ids,
        st.booleans(),
        small,
        st.sampled_from(["present", "video", "excused", "proxy"]),
    ),
    st.builds(HolderButton, ids, small, small),
    st.builds(SessionProxyButton, ids, small, small),
    st.builds(NextRoundButton, ids),
    st.builds(SignButton, ids),
    st.builds(ReceivedButton, ids),
    st.builds(AttachButton, ids, st.booleans()),
)


@pytest.mark.parametrize(
    "data",
    [
        "v1:v:3:9:1\n",
        "v1:v:03:7:2",
        "v1:v:3:09:1",
        "v1:v:3:9:01",
        "v1:v:٣:9:1",
        "v1:v:3:9:1 ",
        " v1:v:3:9:1",
        "V1:v:3:9:1",
        "v1:v:+3:9:1",
        "v1:r:03:m1:p",
        "v1:r:3:m01:p",
        "v1:r:3:m1:p\n",
        "v1:h:3:01:2",
        "v1:s:3:1:02",
        "v1:e:07",
        "v1:e:7\n",
        "v1:p:07",
        "v1:p:7 ",
        "v1:d:07",
        "v1:j:3:x",
        "v1:j:03:c",
        "v1:d:7\n",
        "v1:f:confirm:open\n",
    ],
)
def test_a_code_the_bot_never_writes_is_no_button(data: str) -> None:
    assert [decode(data) for decode in DECODERS] == [None] * len(DECODERS)


@given(BUTTONS)
def test_every_button_the_bot_writes_reads_back(button: Any) -> None:
    data = button.encode()
    assert [decoded for decode in DECODERS if (decoded := decode(data)) is not None] == [button]


@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet="v1:frehs0123456789mapx\n ٣_-", max_size=24),
        BUTTONS.map(lambda b: b.encode()).flatmap(
            lambda code: st.tuples(st.integers(0, len(code)), st.text(max_size=2)).map(
                lambda cut: code[: cut[0]] + cut[1] + code[cut[0] :]
            )
        ),
    )
)
def test_whatever_is_read_as_a_button_is_exactly_what_it_writes(data: str) -> None:
    for decode in DECODERS:
        decoded = decode(data)
        assert decoded is None or decoded.encode() == data


@pytest.mark.parametrize("value", ["03", "3\n", "٣", "+3", " 3", "3.0", "-1", "7"])
def test_a_form_button_picks_only_by_its_exact_position(value: str) -> None:
    assert pick(value, ["a", "b", "c", "d"]) is None
    assert pick("3", ["a", "b", "c", "d"]) == "d"


# --- the bot under attack -----------------------------------------------------------------


def mutated(code: str, rng: random.Random) -> str:
    """A code the bot wrote, changed the way a forger would try."""
    head, _, number = code.rpartition(":")
    choices = [
        code + "\n",
        code + " ",
        f"{head}:0{number}",
        code.replace(":", ":0", 1 + rng.randrange(3)),
        code.replace("1", "١"),
        code.upper(),
        code[: rng.randrange(len(code))],
        f"{head}:{rng.randrange(20)}",
        f"{head}:+{number}",
    ]
    return rng.choice(choices)


def forged_code(ballot_id: int, rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return VoteButton(
            ballot_id + rng.randrange(-1, 2), rng.randrange(14), rng.randrange(5)
        ).encode()
    if kind == 1:
        prefix = rng.choice(
            ["v1:v:", "v1:r:", "v1:h:", "v1:s:", "v1:e:", "v1:p:", "v1:f:", "v2:v:", ""]
        )
        tail = ":".join(str(rng.randrange(-2, 10 ** rng.randrange(1, 21))) for _ in range(3))
        return prefix + tail
    if kind == 2:
        return "".join(rng.choice("v1:rehfs0123456789\n٣ ") for _ in range(rng.randrange(30)))
    return mutated(VoteButton(ballot_id, rng.randrange(11), rng.randrange(3)).encode(), rng)


PRESSES = 600
GENERIC_ERROR = "Une erreur est survenue"


async def test_no_forged_press_ever_votes_for_a_member_the_presser_does_not_represent(
    harness: OfflineHarness, caplog: pytest.LogCaptureFixture
) -> None:
    services = harness.services
    people = await enrol_everyone(harness)
    await harness.say(people["meuse"], "/pouvoir cogouv ardennes")
    ballot_id = await open_ballot(harness)
    represents = {representative(m)["id"]: {m} for m in MEMBERS if m != "meuse"}
    represents[people["ardennes"]["id"]].add("meuse")
    outsider = user(9999, "Intrus")
    pressers = [*people.values(), COORDINATOR, outsider]
    papers = [
        paper(harness, people[holder], member_name(services, member))
        for holder, member in [(m, m) for m in MEMBERS if m != "meuse"] + [("ardennes", "meuse")]
    ]
    rng = random.Random(10)
    caplog.set_level(logging.ERROR)
    mutated_presses = 0
    for press in range(PRESSES):
        person = rng.choice(pressers)
        message = rng.choice(papers)
        if press % 7 == 0:  # now and then a true code, so that votes do get recorded
            data = button_data(message, rng.choice(["Pour", "Contre", "Abstention"]))
        else:
            data = forged_code(ballot_id, rng)
        before = len(await services.ballots.history(ballot_id))
        calls = await harness.press(person, message, data)
        replies = answers(calls)
        assert len(replies) == 1, (data, calls)
        assert GENERIC_ERROR not in str(replies[0].get("text")), data
        if decode_vote(data) is None:
            mutated_presses += 1
            assert len(await services.ballots.history(ballot_id)) == before, data
    history = await services.ballots.history(ballot_id)
    assert history, "no press was a true vote: the attack proves nothing"
    for vote in history:
        person_id = int(vote.cast_by.removeprefix("tg:"))
        assert vote.member_id in represents.get(person_id, set()), vote
    assert mutated_presses > PRESSES // 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

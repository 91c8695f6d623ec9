"""The result and quorum charts: readable PNGs, 1280 pixels wide, with no overlapping labels."""

from __future__ import annotations

import itertools
import re
import struct
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from random import Random

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from meetings.charts import ballot as drawn
from meetings.charts.quorum import quorum_chart, render_quorum_figure
from meetings.charts.sheet import DPI, WIDTH_PX, label_boxes, png_bytes
from meetings.wording.formats import Name
from meetings.wording.typography import plain
from tests.test_tally import COGOUV, WEIGHTS_2022, worked_example_votes
from voting.ballot import Ballot, BallotDraft, BallotMode, BallotState, judge
from voting.electorate import Electorate
from voting.rules import (
    NO_QUORUM,
    BallotKind,
    BallotRules,
    Comparison,
    QuorumBasis,
    QuorumCounts,
    QuorumRule,
    Threshold,
)
from voting.tally import ABSTAIN, AGAINST, FOR, MOTION_OPTIONS, QuorumReport, quorum_report

D = Decimal
OPENED = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
QUESTION = "Approuver le budget 2027 de l'ENT Grand Est"


def named(names: Mapping[str, str]) -> dict[str, Name]:
    """Names as the configuration gives them, here without their article."""
    return {member: Name(name) for member, name in names.items()}


NAMES_2022 = named(
    {
        "region": "Région Grand Est",
        "cea": "Collectivité européenne d'Alsace",
        "moselle": "Moselle",
        "ardennes": "Ardennes",
        "aube": "Aube",
        "marne": "Marne",
        "haute-marne": "Haute-Marne",
        "meurthe-et-moselle": "Meurthe-et-Moselle",
        "meuse": "Meuse",
        "vosges": "Vosges",
    }
)
LONG_QUESTION = (
    "Approuver l'avenant n°2 à la convention constitutive du groupement de commandes "
    "pour l'environnement numérique de travail des lycées et des collèges du Grand Est, "
    "qui fixe la nouvelle répartition des charges (50 $ par établissement et par an), "
    "le calendrier de la consultation, les modalités de retrait des membres et la "
    "composition du comité de gouvernance pour les exercices 2027 à 2031, ainsi que "
    "l'autorisation donnée au coordonnateur de signer tous les actes afférents"
)


def make_ballot(
    electorate: Electorate,
    *,
    rules: BallotRules = COGOUV,
    kind: BallotKind = BallotKind.PUBLIC,
    question: str = QUESTION,
    options: tuple[str, ...] = MOTION_OPTIONS,
    chair: str | None = "region",
    second_convocation: bool = False,
    mode: BallotMode = BallotMode.MEETING,
) -> Ballot:
    """A closed ballot as the store would hand it back, built without a database."""
    draft = BallotDraft(
        groupement_id="ent-grand-est",
        instance_id="cogouv",
        question=question,
        kind=kind,
        options=options,
        mode=mode,
    )
    return Ballot(
        id=1,
        draft=draft,
        state=BallotState.CLOSED,
        created_at=OPENED,
        opened_at=OPENED,
        closed_at=OPENED,
        cancelled_at=None,
        rules=rules,
        weight_table_id="ent-2022-avenant-1",
        electorate=electorate,
        chair=chair,
        second_convocation=second_convocation,
        result=None,
    )


def worked_example(kind: BallotKind = BallotKind.PUBLIC) -> tuple[Ballot, dict[str, str]]:
    """DOMAIN.md's worked example, Meuse voting through Vosges' proxy."""
    present = frozenset(WEIGHTS_2022) - {"meuse"}
    electorate = Electorate(WEIGHTS_2022, present, {"meuse": "vosges"})
    return make_ballot(electorate, kind=kind), worked_example_votes()


def three_members() -> tuple[Ballot, dict[str, str], dict[str, Name]]:
    weights = {"region": D("4.5"), "cea": D("2"), "moselle": D("1.5")}
    ballot = make_ballot(Electorate(weights, frozenset(weights)))
    return ballot, {"region": FOR, "cea": FOR, "moselle": AGAINST}, NAMES_2022


def academy() -> tuple[Ballot, dict[str, str], dict[str, Name]]:
    """300 members: communes of weight 1 and a few larger bodies, some absent, some proxies."""
    rng = Random(2026)
    weights: dict[str, Decimal] = {"region": D("20"), "rectorat": D("10")}
    weights.update({f"dep-{n}": D("5") for n in range(1, 5)})
    weights.update({f"commune-{n:03}": D("1") for n in range(1, 295)})
    names = {member: Name(f"Commune n°{member[-3:]}") for member in weights}
    names.update(named({"region": "Région Grand Est", "rectorat": "Rectorat de Strasbourg"}))
    members = list(weights)
    absent = set(rng.sample(members[6:], 40))
    givers = sorted(rng.sample(sorted(absent), 12))
    holders = rng.sample([m for m in members if m not in absent], 12)
    electorate = Electorate(
        weights, frozenset(members) - absent, dict(zip(givers, holders, strict=True))
    )
    votes = {
        member: rng.choices([FOR, AGAINST, ABSTAIN], weights=[6, 3, 1])[0]
        for member in members
        if electorate.can_vote(member) and rng.random() < 0.95
    }
    return make_ballot(electorate, chair="region"), votes, names


def closed(ballot: Ballot, votes: Mapping[str, str]) -> Ballot:
    """The ballot as the store hands it back after closing: with its judged result."""
    return replace(ballot, result=judge(ballot, votes))


def ballot_chart(
    ballot: Ballot, votes: Mapping[str, str], names: Mapping[str, Name], language: str = "fr"
) -> bytes:
    return drawn.ballot_chart(closed(ballot, votes), votes, names, language)


def render_ballot_figure(
    ballot: Ballot, votes: Mapping[str, str], names: Mapping[str, Name], language: str = "fr"
) -> Figure:
    return drawn.render_ballot_figure(closed(ballot, votes), votes, names, language)


def texts_of(figure: Figure) -> list[str]:
    return [plain(text) for text, _ in label_boxes(figure)]


def overlapping(boxes: Sequence[tuple[str, Bbox]], tolerance: float = 1.0) -> list[str]:
    found: list[str] = []
    for (first, a), (second, b) in itertools.combinations(boxes, 2):
        width = min(a.x1, b.x1) - max(a.x0, b.x0)
        height = min(a.y1, b.y1) - max(a.y0, b.y0)
        if width > tolerance and height > tolerance:
            found.append(f"{first!r} overlaps {second!r}")
    return found


def outside(figure: Figure) -> list[str]:
    width, height = figure.bbox.width, figure.bbox.height
    return [
        text
        for text, box in label_boxes(figure)
        if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height
    ]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def assert_readable(figure: Figure) -> None:
    """No two labels overlap, none is clipped, none is too small for a phone."""
    assert overlapping(label_boxes(figure)) == []
    assert outside(figure) == []
    for text in figure.findobj(Text):
        if text.get_text():
            size = text.get_fontproperties().get_size_in_points()
            assert size * DPI / 72 >= 14, text.get_text()


def charts() -> dict[str, tuple[Ballot, Mapping[str, str], Mapping[str, Name]]]:
    public, votes = worked_example()
    secret, _ = worked_example(BallotKind.SECRET)
    return {
        "three": three_members(),
        "ten": (public, votes, NAMES_2022),
        "ten-secret": (secret, votes, NAMES_2022),
        "academy": academy(),
    }


@pytest.mark.parametrize("case", ["three", "ten", "ten-secret", "academy"])
def test_a_chart_is_a_deterministic_png_1280_pixels_wide(case: str) -> None:
    ballot, votes, names = charts()[case]
    data = ballot_chart(ballot, votes, names)
    width, height = png_size(data)
    assert width == WIDTH_PX
    # Telegram refuses photos taller than twenty times their width.
    assert 300 < height < 20 * WIDTH_PX
    assert ballot_chart(ballot, votes, names) == data
    assert b"tIME" not in data and b"Software" not in data


@pytest.mark.parametrize("case", ["three", "ten", "ten-secret", "academy"])
def test_no_label_overlaps_another_or_leaves_the_image(case: str) -> None:
    ballot, votes, names = charts()[case]
    assert_readable(render_ballot_figure(ballot, votes, names))


def test_the_worked_example_says_casting_vote_threshold_and_proxy() -> None:
    ballot, votes = worked_example()
    texts = texts_of(render_ballot_figure(ballot, votes, NAMES_2022))
    assert "Adoptée par voix prépondérante" in texts
    assert QUESTION in texts
    assert "4,5 voix — 1 membre" in texts  # Pour: Région alone
    assert "4,5 voix — 4 membres" in texts  # Contre: Moselle, Ardennes, Aube, Marne
    assert "6 voix — 5 membres (non exprimées)" in texts
    assert "majorité : plus de 4,5 voix sur 9 exprimées" in texts
    joined = " ".join(texts)
    assert "Suffrages exprimés : 9 voix — 5 membres. L'abstention n'en fait pas partie." in joined
    assert "la voix prépondérante du président (Région Grand Est) l'emporte." in joined
    assert "Meuse (pouvoir)" in texts
    assert "Région Grand Est" in texts and "Pour · 4,5 voix" in texts
    assert "Hachures : vote par pouvoir. Meuse a donné pouvoir à Vosges." in texts
    assert "Scrutin public — 10 membres, 15 voix" in texts
    assert "Participation : 10/10 membres, 15 voix sur 15" in texts
    assert any(text.startswith("Quorum atteint : 10 membres sur 10") for text in texts)
    assert not [text for text in texts if re.search(r"\d\.\d", text)], "French uses 4,5"


def test_members_are_sorted_by_vote_then_weight() -> None:
    ballot, votes = worked_example()
    figure = render_ballot_figure(ballot, votes, NAMES_2022)
    by_name = dict(label_boxes(figure))
    rows = [str(name) for name in NAMES_2022.values() if str(name) in by_name]
    rows += ["Meuse (pouvoir)"]
    # The panel reads from top to bottom, so a higher row has a larger y in pixels.
    order = sorted(rows, key=lambda name: -by_name[name].y0)
    assert order == [
        "Région Grand Est",
        "Moselle",
        "Ardennes",
        "Aube",
        "Marne",
        "Collectivité européenne d'Alsace",
        "Haute-Marne",
        "Meurthe-et-Moselle",
        "Meuse (pouvoir)",
        "Vosges",
    ]


def test_a_secret_chart_names_nobody_and_has_no_casting_vote() -> None:
    ballot, votes = worked_example(BallotKind.SECRET)
    texts = texts_of(render_ballot_figure(ballot, votes, NAMES_2022))
    assert "Rejetée : partage égal des voix" in texts
    assert "pas de voix prépondérante au scrutin secret" in " ".join(texts)
    assert any(text.startswith("Scrutin secret") for text in texts)
    joined = "\n".join(texts)
    for name in NAMES_2022.values():
        assert str(name) not in joined
    assert "pouvoir" not in joined
    assert "Participation : 10/10 membres, 15 voix sur 15" in texts


def test_three_hundred_members_become_a_strip_with_a_legend() -> None:
    ballot, votes, names = academy()
    figure = render_ballot_figure(ballot, votes, names)
    texts = texts_of(figure)
    joined = "\n".join(texts)
    assert "Commune n°" not in joined and "Région Grand Est" not in joined
    assert len(texts) < 30
    assert any(text.startswith("Vote des 300 membres") for text in texts)
    assert any(text.startswith("Pour : ") for text in texts)
    assert any(text.startswith("Absent : ") for text in texts)
    assert "trait sous le segment : vote par pouvoir, 12 membres" in texts
    # One segment per member: a strip, not 300 labels.
    assert len(figure.artists) >= 300


def test_long_names_and_a_long_question_stay_inside_and_apart() -> None:
    weights = {
        "cea": D("2"),
        "region": D("4.5"),
        "moselle": D("1.5"),
        "ardennes": D("1"),
    }
    names = named(
        {
            "cea": "Collectivité européenne d'Alsace",
            "region": "Région Grand Est, représentée par la vice-présidente chargée des lycées "
            "et de l'éducation numérique",
            "moselle": "Département de la Moselle",
            "ardennes": "Département des Ardennes",
        }
    )
    electorate = Electorate(weights, frozenset(weights) - {"cea"}, {"cea": "moselle"})
    ballot = make_ballot(electorate, question=LONG_QUESTION)
    votes = {"cea": FOR, "region": FOR, "moselle": AGAINST}
    figure = render_ballot_figure(ballot, votes, names)
    assert_readable(figure)
    texts = texts_of(figure)
    assert "Collectivité européenne d'Alsace (pouvoir)" in texts
    # The long name is shortened, never its "(pouvoir)" nor its bar.
    assert any(text.startswith("Région Grand Est") and text.endswith("…") for text in texts)
    question_lines = [text for text in texts if text.split()[0] in LONG_QUESTION.split()]
    assert "50 $" in "\n".join(texts)
    assert any(text.endswith("…") for text in question_lines)


def test_the_proxy_sentence_gives_each_name_its_article() -> None:
    weights = {"meuse": D("1"), "ardennes": D("1"), "aube": D("1"), "region": D("4.5")}
    names = {
        "meuse": Name("Département de la Meuse", "le"),
        "ardennes": Name("Département des Ardennes", "le"),
        "aube": Name("Aube", "l'"),
        "region": Name("Région Grand Est", "la"),
    }
    proxies = {"meuse": "ardennes", "aube": "region"}
    electorate = Electorate(weights, frozenset({"ardennes", "region"}), proxies)
    ballot = make_ballot(electorate)
    votes = {"meuse": FOR, "ardennes": FOR, "aube": AGAINST, "region": FOR}
    figure = render_ballot_figure(ballot, votes, names)
    assert_readable(figure)
    texts = texts_of(figure)
    assert (
        "Hachures : vote par pouvoir. Le Département de la Meuse a donné pouvoir au "
        "Département des Ardennes ; l'Aube a donné pouvoir à la Région Grand Est."
    ) in " ".join(texts)
    # The rows show the names as people list them, without their article.
    assert "Département de la Meuse (pouvoir)" in texts and "Aube (pouvoir)" in texts
    english = texts_of(render_ballot_figure(ballot, votes, names, language="en"))
    assert (
        "Hatched: vote by proxy. Département de la Meuse gave its proxy to Département des "
        "Ardennes; Aube gave its proxy to Région Grand Est."
    ) in " ".join(english)


def test_words_after_a_number_agree_with_it() -> None:
    weights = {"region": D("4.5"), "cea": D("2"), "vosges": D("1")}
    ballot = make_ballot(Electorate(weights, frozenset(weights)))
    texts = texts_of(render_ballot_figure(ballot, {"region": FOR, "vosges": ABSTAIN}, {}))
    assert "1 voix — 1 membre (non exprimée)" in texts
    assert "majorité : plus de 2,25 voix sur 4,5 exprimées" in texts


def test_no_quorum_shows_no_majority_line() -> None:
    weights = dict(WEIGHTS_2022)
    electorate = Electorate(weights, frozenset({"region", "cea", "moselle"}))
    ballot = make_ballot(electorate)
    figure = render_ballot_figure(ballot, {"region": FOR, "cea": FOR}, NAMES_2022)
    assert_readable(figure)
    texts = texts_of(figure)
    assert "Quorum non atteint" in texts
    assert not [text for text in texts if text.startswith("majorité")]
    # 8 voices of 15 reach the weight: only the headcount is lacking.
    assert "3 membres et 8 voix présents ou représentés ; requis : au moins 5 membres" in " ".join(
        texts
    )
    assert "7,5 voix" not in " ".join(texts)
    assert "Absent · 1 voix" in texts


def test_without_quorum_rule_the_footer_says_none_is_required() -> None:
    ballot, votes, names = three_members()
    ballot = replace(ballot, rules=replace(COGOUV, quorum=NO_QUORUM))
    texts = texts_of(render_ballot_figure(ballot, votes, names))
    assert "Adoptée" in texts
    assert any(text.startswith("Pas de quorum requis") for text in texts)


def test_named_choices_and_english() -> None:
    weights = dict(WEIGHTS_2022)
    options = ("Lot A : lycées", "Lot B : collèges", ABSTAIN)
    ballot = make_ballot(Electorate(weights, frozenset(weights)), options=options)
    votes = {member: options[0] for member in weights}
    votes["cea"] = options[1]
    votes["vosges"] = ABSTAIN
    figure = render_ballot_figure(ballot, votes, NAMES_2022, language="en")
    assert_readable(figure)
    texts = texts_of(figure)
    assert "Chosen: “Lot A : lycées”" in texts
    assert "12 votes — 8 members" in texts
    assert "1 vote — 1 member (not cast)" in texts
    assert "majority: more than 7 votes out of 14 cast" in texts
    assert "Turnout: 10/10 members, 15 votes out of 15" in texts
    assert "Public ballot — 10 members, 15 votes" in texts


def test_english_casting_vote_uses_english_decimals() -> None:
    ballot, votes = worked_example()
    texts = texts_of(render_ballot_figure(ballot, votes, NAMES_2022, language="en"))
    assert "Adopted by casting vote" in texts
    assert "4.5 votes — 1 member" in texts
    assert "Meuse (proxy)" in texts


def test_a_written_consultation_counts_who_answered() -> None:
    weights = dict(WEIGHTS_2022)
    ballot = make_ballot(Electorate(weights), mode=BallotMode.WRITTEN, chair=None)
    votes = {"region": FOR, "cea": FOR, "moselle": AGAINST, "aube": FOR, "marne": FOR}
    figure = render_ballot_figure(ballot, votes, NAMES_2022)
    assert_readable(figure)
    texts = texts_of(figure)
    assert any(text.startswith("Consultation écrite, scrutin public") for text in texts)
    assert "N'a pas voté · 1 voix" in texts
    assert "Absent · 1 voix" not in texts


# --------------------------------------------------------------------------- quorum gauge


def report(
    present: Sequence[str], *, second: bool = False, rules: BallotRules = COGOUV
) -> QuorumReport:
    electorate = Electorate(WEIGHTS_2022, frozenset(present))
    return quorum_report(electorate, rules, second)


def test_quorum_met() -> None:
    met = report(["region", "cea", "moselle", "ardennes", "aube"])
    figure = render_quorum_figure(met)
    assert_readable(figure)
    texts = texts_of(figure)
    assert "Quorum atteint" in texts
    assert "requis : au moins 5 membres" in texts
    assert "requis : au moins 7,5 voix" in texts
    assert "5 membres sur 10" in texts and "10 voix sur 15" in texts
    data = quorum_chart(met)
    width, height = png_size(data)
    assert width == WIDTH_PX and 250 <= height <= 420
    assert quorum_chart(met) == data


def test_quorum_not_met_by_the_three_largest_members() -> None:
    figure = render_quorum_figure(report(["region", "cea", "moselle"]))
    assert_readable(figure)
    texts = texts_of(figure)
    assert "Quorum non atteint" in texts
    assert "3 membres sur 10" in texts and "8 voix sur 15" in texts
    assert (
        "Membres présents ou représentés ; règle : au moins 1/2 des membres "
        "et au moins 1/2 des voix"
    ) in texts


def test_second_convocation_and_no_rule_need_no_quorum() -> None:
    waived = render_quorum_figure(report(["region"], second=True))
    assert_readable(waived)
    texts = texts_of(waived)
    assert "Pas de quorum requis (seconde convocation)" in texts
    assert not [text for text in texts if text.startswith("requis")]
    none = render_quorum_figure(report(["region"], rules=replace(COGOUV, quorum=NO_QUORUM)))
    assert_readable(none)
    assert "Pas de quorum requis" in texts_of(none)


def test_a_weight_only_quorum_above_a_share_reads_more_than() -> None:
    rule = QuorumRule(
        QuorumBasis.WEIGHT, Threshold(1, 3, Comparison.MORE_THAN), QuorumCounts.PRESENT
    )
    figure = render_quorum_figure(
        report(["region", "cea"], rules=replace(COGOUV, quorum=rule)), language="en"
    )
    assert_readable(figure)
    texts = texts_of(figure)
    assert "Quorum met" in texts
    assert "required: more than 5 votes" in texts
    assert not [text for text in texts if text.startswith("required: at least")]


def test_png_bytes_of_a_figure_are_stable() -> None:
    figure = render_quorum_figure(report(list(WEIGHTS_2022)))
    assert png_bytes(figure) == png_bytes(figure)


def test_the_overlap_check_sees_an_overlap() -> None:
    figure = render_quorum_figure(report(list(WEIGHTS_2022)))
    figure.text(0.5, 0.5, "Pour")
    figure.text(0.5, 0.5, "Contre")
    assert overlapping(label_boxes(figure)) == ["'Pour' overlaps 'Contre'"]


def test_charts_render_in_threads_without_pyplot() -> None:
    ballot, votes = worked_example()
    expected = ballot_chart(ballot, votes, NAMES_2022)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: ballot_chart(ballot, votes, NAMES_2022), range(8)))
    assert results == [expected] * 8

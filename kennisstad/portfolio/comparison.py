"""Comparing two agendas: which projects continued, which are new and which ended.

A later project *continues* an earlier one when they are alike; how alike is one score in 0..1:

* **title** (weight ``TITLE_WEIGHT``): the mean of rapidfuzz's ``ratio`` and ``token_set_ratio`` on
  the normalised titles (case, diacritics and punctuation ignored), counted above the level two
  unrelated titles reach by chance (``TITLE_CHANCE``); or, when higher, the overlap of the titles'
  Dutch stems, so "Welzijn van studenten" still resembles "Studentenwelzijn". ``ratio`` alone
  punishes a reordered title, ``token_set_ratio`` alone calls "Eduroam" equal to any title
  containing the word.
* **organisations** (``ORGANISATION_WEIGHT``): the weighted Jaccard overlap of the organisations
  taking part (units count for their parent, as everywhere else), averaged with the overlap of the
  trekkers, so a shared trekker weighs more than a shared partner. An organisation weighs less the
  more projects it takes part in: sharing the municipality, which is in nearly all, says little.
* **goal text** (``DESCRIPTION_WEIGHT``): the Jaccard overlap of the Dutch stems of the
  descriptions (``lib.dutch``), stop words left out.

An unchanged title scores at least ``SAME_TITLE_SCORE`` on its own. Pairs scoring at least
``MATCH_THRESHOLD`` are linked one-to-one, best score first. The weights and threshold were set on
the Leiden demo: every project of the 2023-2027 agenda against every *other* project of it (all
unrelated) scores at most 0.37, while a reworded title keeping a word, with the same organisations
and a similar goal text, scores well above 0.6.

The kennismakelaar's decisions (``ProjectLineage``) win over suggestions; suggestions are
computed on every call and never stored. Scores are computed as matrices (numpy, rapidfuzz's
``cdist``), so 5,800 earlier projects against 70 later ones is a fraction of a second.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from kennisstad.lib import dutch

from .models import Agenda, Participation, Project, ProjectLineage, Role
from .selectors import root_of_participant

logger = logging.getLogger(__name__)

TITLE_WEIGHT = 0.45
ORGANISATION_WEIGHT = 0.3
DESCRIPTION_WEIGHT = 0.25
MATCH_THRESHOLD = 0.5
# The title similarity (0..100) two unrelated titles reach by chance; the title counts above it.
TITLE_CHANCE = 40
# An unchanged (normalised) title scores at least this.
SAME_TITLE_SCORE = 0.8
# Title similarity (0..100, rapidfuzz ratio) from which the reasons say the title is alike.
STRONG_TITLE = 85
SIMILAR_TITLE = 60
# Stem overlap of the goal texts from which the reasons mention it.
SIMILAR_DESCRIPTION = 0.25
# The correction form lists every earlier project up to this many, else the best candidates.
FULL_CHOICE_LIMIT = 250
CANDIDATE_COUNT = 15

_NOT_WORD = re.compile(r"[^\w]+")


# --- the result -------------------------------------------------------------------------------


@dataclass
class Continuation:
    """A later project that continues an earlier one, suggested or confirmed."""

    earlier: Project
    later: Project
    score: float
    reasons: list[str]
    decision: ProjectLineage | None = None
    # Earlier projects to offer when correcting the link, best first.
    choices: list[Project] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return self.decision is not None


@dataclass
class NewProject:
    """A later project without a predecessor in the earlier agenda.

    ``decision`` is set when the kennismakelaar confirmed it as new, or linked it to a project of
    yet another agenda (``decision.earlier``).
    """

    project: Project
    decision: ProjectLineage | None = None
    # Earlier projects to offer when correcting the link, best first.
    choices: list[Project] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return self.decision is not None


@dataclass
class AgendaComparison:
    earlier: Agenda
    later: Agenda
    continued: list[Continuation]
    new: list[NewProject]
    ended: list[Project]
    threshold: float = MATCH_THRESHOLD


# --- features ---------------------------------------------------------------------------------


def normalise_title(title: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", dutch.fold(dutch.normalise(title))).split())


def _rarity(sets: list[set[int]]) -> dict[int, float]:
    """A weight per organisation: sharing one that takes part in nearly every project (the
    municipality) says little, sharing a rare one says much (inverse document frequency)."""
    counts: dict[int, int] = defaultdict(int)
    for items in sets:
        for item in items:
            counts[item] += 1
    return {item: float(np.log1p(len(sets) / count)) for item, count in counts.items()}


def _description_stems(text: str) -> frozenset[str]:
    return frozenset(stem for stem in dutch.tokens(text) if not dutch.is_stopword(stem) and len(stem) > 2)


@dataclass
class _Side:
    """One agenda's projects and what is compared of them, in a fixed order."""

    projects: list[Project]
    titles: list[str]
    title_stems: list[frozenset[str]]
    roots: list[set[int]]
    trekkers: list[set[int]]
    stems: list[frozenset[str]]


def _load(agenda: Agenda) -> _Side:
    projects = list(
        Project.objects.filter(agenda=agenda)
        .select_related("agenda", "section")
        .order_by("section__position", "position", "pk")
    )
    roots: dict[int, set[int]] = defaultdict(set)
    trekkers: dict[int, set[int]] = defaultdict(set)
    rows = (
        Participation.objects.filter(project__agenda=agenda)
        .order_by()
        .annotate(root=root_of_participant())
        .values_list("project_id", "root", "role")
    )
    for project_id, root, role in rows:
        roots[project_id].add(root)
        if role == Role.TREKKER:
            trekkers[project_id].add(root)
    return _Side(
        projects=projects,
        titles=[normalise_title(p.title) for p in projects],
        title_stems=[_description_stems(p.title) for p in projects],
        roots=[roots[p.pk] for p in projects],
        trekkers=[trekkers[p.pk] for p in projects],
        stems=[_description_stems(p.description) for p in projects],
    )


def _jaccard(left: list[set], right: list[set], weights: dict | None = None) -> np.ndarray:
    """Jaccard overlap of every left set with every right set, as a len(left) × len(right) matrix.

    With ``weights`` an item counts for its weight instead of 1 (weighted Jaccard).
    """
    vocabulary = {item: i for i, item in enumerate(sorted(set().union(*right), key=str))}
    result = np.zeros((len(left), len(right)), dtype=np.float32)
    if not vocabulary or not left:
        return result
    weight = np.ones(len(vocabulary), dtype=np.float32)
    if weights:
        weight = np.array([weights.get(item, 1.0) for item in vocabulary], dtype=np.float32)
    right_matrix = np.zeros((len(vocabulary), len(right)), dtype=np.float32)
    for j, items in enumerate(right):
        right_matrix[[vocabulary[item] for item in items], j] = 1
    right_sizes = weight @ right_matrix
    # Row blocks keep the dense left matrix small however large the earlier agenda is.
    for start in range(0, len(left), 1000):
        block = left[start : start + 1000]
        left_matrix = np.zeros((len(block), len(vocabulary)), dtype=np.float32)
        for i, items in enumerate(block):
            left_matrix[i, [vocabulary[item] for item in items if item in vocabulary]] = 1
        shared = (left_matrix * weight) @ right_matrix
        sizes = np.array(
            [sum(weights.get(item, 1.0) for item in items) if weights else len(items) for items in block],
            dtype=np.float32,
        )
        union = sizes[:, None] + right_sizes[None, :] - shared
        result[start : start + len(block)] = np.divide(
            shared, union, out=np.zeros_like(shared), where=union > 0
        )
    return result


@dataclass
class _Scores:
    title: np.ndarray  # 0..100
    organisations: np.ndarray  # 0..1
    description: np.ndarray  # 0..1
    total: np.ndarray  # 0..1


def _scores(earlier: _Side, later: _Side) -> _Scores:
    shape = (len(earlier.projects), len(later.projects))
    if not all(shape):
        empty = np.zeros(shape, dtype=np.float32)
        return _Scores(empty, empty, empty, empty)
    ratio = cdist(earlier.titles, later.titles, scorer=fuzz.ratio, dtype=np.float32, workers=1)
    token_set = cdist(earlier.titles, later.titles, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=1)
    title = (ratio + token_set) / 2
    # Any two titles share some letters: only what is above chance level counts.
    title_signal = np.clip((title - TITLE_CHANCE) / (100 - TITLE_CHANCE), 0, 1)
    # A reworded title often keeps its words in another form ("Welzijn van studenten").
    title_signal = np.maximum(title_signal, _jaccard(earlier.title_stems, later.title_stems))
    weights = _rarity(earlier.roots + later.roots)
    everyone = _jaccard(earlier.roots, later.roots, weights)
    trekkers = _jaccard(earlier.trekkers, later.trekkers, weights)
    # Where neither project names a trekker, the overlap of all participants says it all.
    no_trekkers = np.outer([not t for t in earlier.trekkers], [not t for t in later.trekkers])  # bool matrix
    organisations = np.where(no_trekkers, everyone, (everyone + trekkers) / 2)
    description = _jaccard(earlier.stems, later.stems)
    total = (
        TITLE_WEIGHT * title_signal + ORGANISATION_WEIGHT * organisations + DESCRIPTION_WEIGHT * description
    )
    # An unchanged title is a match on its own.
    same_title = (
        np.array(earlier.titles, dtype=object)[:, None] == np.array(later.titles, dtype=object)[None, :]
    )
    total = np.where(same_title, np.maximum(total, SAME_TITLE_SCORE), total)
    return _Scores(title, organisations, description, total)


def _reasons(earlier: _Side, i: int, later: _Side, j: int, scores: _Scores) -> list[str]:
    reasons = []
    before, after = earlier.projects[i], later.projects[j]
    if earlier.titles[i] == later.titles[j]:
        reasons.append(_("zelfde titel"))
    else:
        similarity = round(float(scores.title[i, j]))
        if similarity >= STRONG_TITLE:
            reasons.append(_("titel lijkt sterk op (%(percent)d %%)") % {"percent": similarity})
        elif similarity >= SIMILAR_TITLE:
            reasons.append(_("titel lijkt op (%(percent)d %%)") % {"percent": similarity})
    if before.code == after.code:
        reasons.append(_("zelfde code"))
    roots_before, roots_after = earlier.roots[i], later.roots[j]
    shared = len(roots_before & roots_after)
    if shared:
        total = len(roots_before | roots_after)
        reasons.append(
            ngettext(
                "%(shared)d van %(total)d organisatie gelijk",
                "%(shared)d van %(total)d organisaties gelijk",
                total,
            )
            % {"shared": shared, "total": total}
        )
    trekkers_before, trekkers_after = earlier.trekkers[i], later.trekkers[j]
    if trekkers_before and trekkers_before == trekkers_after:
        reasons.append(_("zelfde trekker(s)"))
    elif trekkers_before & trekkers_after:
        reasons.append(_("deels dezelfde trekkers"))
    if normalise_title(before.section.title) == normalise_title(after.section.title):
        reasons.append(_("zelfde thema"))
    if scores.description[i, j] >= SIMILAR_DESCRIPTION:
        reasons.append(
            _("doelomschrijving lijkt op (%(percent)d %%)")
            % {"percent": round(float(scores.description[i, j]) * 100)}
        )
    return reasons


# --- the comparison ---------------------------------------------------------------------------


def _check_agendas(earlier: Agenda, later: Agenda) -> None:
    if earlier.pk == later.pk:
        raise ValidationError(_("Kies twee verschillende agenda's om te vergelijken."), code="same_agenda")


def compare_agendas(*, earlier: Agenda, later: Agenda) -> AgendaComparison:
    """Which projects of ``later`` continue one of ``earlier``, which are new, which ended.

    Confirmed decisions first; the remaining projects are paired greedily, best score first,
    one-to-one, as long as the score reaches ``MATCH_THRESHOLD``.
    """
    _check_agendas(earlier, later)
    before, after = _load(earlier), _load(later)
    scores = _scores(before, after)
    earlier_index = {p.pk: i for i, p in enumerate(before.projects)}
    later_index = {p.pk: j for j, p in enumerate(after.projects)}
    decisions = {
        d.later_id: d
        for d in ProjectLineage.objects.filter(later__agenda=later).select_related(
            "decided_by", "earlier__agenda"
        )
    }

    pairs: dict[int, tuple[int, ProjectLineage | None]] = {}  # later index → (earlier index, decision)
    taken: set[int] = set()
    decided: set[int] = set()
    for later_id, decision in decisions.items():
        j = later_index[later_id]
        decided.add(j)
        i = earlier_index.get(decision.earlier_id)
        if i is not None and i not in taken:
            pairs[j] = (i, decision)
            taken.add(i)

    candidates = np.argwhere(scores.total >= MATCH_THRESHOLD)
    order = sorted(
        (tuple(pair) for pair in candidates.tolist()),
        # Best score first; a tie goes to the more alike title, then to document order.
        key=lambda pair: (-scores.total[pair[0], pair[1]], -scores.title[pair[0], pair[1]], pair[1], pair[0]),
    )
    for i, j in order:
        if j in decided or j in pairs or i in taken:
            continue
        pairs[j] = (i, None)
        taken.add(i)

    choices = _choices(before, scores)
    continued = [
        Continuation(
            earlier=before.projects[i],
            later=after.projects[j],
            score=round(float(scores.total[i, j]), 2),
            reasons=_reasons(before, i, after, j, scores),
            decision=decision,
            # The linked project is always among the choices, also when it is not among the best.
            choices=choices[j] if before.projects[i] in choices[j] else [before.projects[i], *choices[j]],
        )
        for j, (i, decision) in sorted(pairs.items())
    ]
    new = [
        NewProject(project, decisions.get(project.pk), choices=choices[j])
        for j, project in enumerate(after.projects)
        if j not in pairs
    ]
    ended = [project for i, project in enumerate(before.projects) if i not in taken]
    return AgendaComparison(
        earlier=earlier,
        later=later,
        continued=continued,
        new=new,
        ended=ended,
    )


def _choices(before: _Side, scores: _Scores) -> list[list[Project]]:
    """Per later project (by index): the earlier projects to offer, all of them or the best few."""
    later_count = scores.total.shape[1]
    if len(before.projects) <= FULL_CHOICE_LIMIT:
        return [before.projects] * later_count
    best = np.argsort(-scores.total, axis=0, kind="stable")[:CANDIDATE_COUNT]
    return [[before.projects[i] for i in best[:, j].tolist()] for j in range(later_count)]


def default_agendas() -> tuple[Agenda | None, Agenda | None]:
    """The agendas compared when none are chosen: the newest non-current one and the current one."""
    agendas = list(Agenda.objects.order_by("-period"))
    later = next((a for a in agendas if a.is_current), agendas[0] if agendas else None)
    earlier = next((a for a in agendas if a != later), None)
    return earlier, later


# --- decisions --------------------------------------------------------------------------------


@transaction.atomic
def lineage_set(
    *,
    later: Project,
    earlier_or_none: Project | None,
    user,
    earlier_agenda: Agenda | None = None,
    note: str = "",
) -> ProjectLineage:
    """Decide which earlier project ``later`` continues, or (``None``) that it is a new project.

    With ``earlier_agenda`` the earlier project must belong to it (the agenda being compared).
    Refused with a ValidationError, and nothing changed, when the earlier project is of the same
    agenda, of a later agenda, or already confirmed as the predecessor of another project of it.
    """
    earlier = earlier_or_none
    if earlier is not None:
        if earlier.agenda_id == later.agenda_id:
            raise ValidationError(
                _("Een project kan geen vervolg zijn op een project uit dezelfde agenda."), code="same_agenda"
            )
        if earlier_agenda is not None and earlier.agenda_id != earlier_agenda.pk:
            raise ValidationError(
                _("Het gekozen project hoort niet bij de %(agenda)s.") % {"agenda": earlier_agenda.title},
                code="wrong_agenda",
            )
        if earlier.agenda.period >= later.agenda.period:
            raise ValidationError(
                _("Het gekozen project komt uit een latere agenda (%(agenda)s) dan %(project)s.")
                % {"agenda": earlier.agenda.title, "project": later.key},
                code="not_earlier",
            )
        other = (
            ProjectLineage.objects.select_for_update()
            .filter(earlier=earlier, later__agenda_id=later.agenda_id)
            .exclude(later=later)
            .select_related("later")
            .first()
        )
        if other is not None:
            raise ValidationError(
                _("%(earlier)s is al bevestigd als voorganger van %(other)s; maak dat eerst ongedaan.")
                % {"earlier": str(earlier), "other": str(other.later)},
                code="already_linked",
            )
    lineage, _created = ProjectLineage.objects.update_or_create(
        later=later,
        defaults={
            "earlier": earlier,
            "later_agenda_id": later.agenda_id,
            "earlier_agenda_id": earlier.agenda_id if earlier else None,
            "decided_by": user if getattr(user, "is_authenticated", False) else None,
            "decided_at": timezone.now(),
            "note": (note or "").strip(),
        },
    )
    logger.info("lineage of %s set to %s by %s", later.key, earlier.key if earlier else "new project", user)
    return lineage


def lineage_confirm(
    *, later: Project, earlier: Project, user, earlier_agenda: Agenda | None = None
) -> ProjectLineage:
    """Confirm that ``later`` continues ``earlier`` (usually the suggested link)."""
    if earlier is None:
        raise ValidationError(_("Kies het project waarop dit project een vervolg is."), code="no_earlier")
    return lineage_set(later=later, earlier_or_none=earlier, user=user, earlier_agenda=earlier_agenda)


@transaction.atomic
def lineage_clear(*, later: Project, user) -> bool:
    """Forget the decision about ``later``: the suggestion counts again. False when there was none."""
    deleted, _detail = ProjectLineage.objects.filter(later=later).delete()
    if deleted:
        logger.info("lineage of %s cleared by %s", later.key, user)
    return bool(deleted)

"""The text part of the ranking: TF-IDF vectors of the companies' match documents, with scikit-learn.

The documents are rows of `match_documents` in the database, written whenever a company's inputs change. Each
process keeps the vectors derived from them in an `IndexState` and, before every use, reads the (organisation
id, revision) pairs: only rows whose revision changed are vectorised again (hashing needs no vocabulary, so one
row changes without the others), then the IDF is refitted over the whole count matrix, which takes milliseconds.
So several app servers each hold a copy that is never older than the database, and nothing in memory decides a
result the database would not give.
"""
import re
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import sqlalchemy as sa
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer, TfidfTransformer

from ppi.matching.models import MatchDocument

N_FEATURES = 2**20
_WORD = re.compile(r"(?u)\b[^\W\d_][\w-]*[^\W_]\b")
_CHUNK = 500  # ids per IN (…)


def _singular(word: str) -> str:
    """Fold a regular English plural (sensors → sensor, batteries → battery, classes → class); other words as they
    are."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased words without English stop words and numbers, plurals folded."""
    return [_singular(word) for word in _WORD.findall(text.lower()) if word not in ENGLISH_STOP_WORDS]


def terms(text: str) -> list[str]:
    """The words and each pair of neighbouring words ("fall detection"): the features of a document."""
    found = words(text)
    return found + [f"{first} {second}" for first, second in zip(found, found[1:])]


def _identity(items: list[str]) -> list[str]:
    return items


COUNTER = HashingVectorizer(analyzer=terms, n_features=N_FEATURES, alternate_sign=False, norm=None)
_TERM_COLUMNS = HashingVectorizer(analyzer=_identity, n_features=N_FEATURES, alternate_sign=False, norm=None)


def columns_of(names: list[str]) -> list[int]:
    """The matrix column of each term (hashing: a term always lands in the same column)."""
    if not names:
        return []
    return _TERM_COLUMNS.transform([[name] for name in names]).indices.tolist()


@dataclass(frozen=True)
class Document:
    """The non-text facts of a company's match document, kept next to its vector (tuples: rankings use them as keys)."""

    organisation_id: int
    profile_text: str
    cpv_codes: tuple[str, ...]
    languages: tuple[str, ...]
    markets: tuple[str, ...]
    cpv_groups: frozenset[str]  # the CPV groups (three digits) it sells in: a ranking skips, unread, those sharing none


@dataclass(frozen=True)
class IndexState:
    """One consistent copy of the index: never changed, replaced whole by the next refresh."""

    revisions: dict[int, str] = field(default_factory=dict)
    ids: tuple[int, ...] = ()
    counts: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, N_FEATURES)))
    vectors: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, N_FEATURES)))
    transformer: TfidfTransformer | None = None
    documents: dict[int, Document] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)  # organisation id -> row of the matrices

    def row(self, organisation_id: int) -> int | None:
        return self.rows.get(organisation_id)

    def vectorise(self, texts: list[str]) -> sp.csr_matrix:
        """TF-IDF vectors of texts (challenges) with the companies' IDF, L2-normalised."""
        if self.transformer is None:
            return sp.csr_matrix((len(texts), N_FEATURES))
        return self.transformer.transform(COUNTER.transform(texts))

    def similarities(self, text: str) -> np.ndarray:
        """The cosine similarity of `text` with every company's document, in the order of `ids`."""
        if not self.ids:
            return np.zeros(0)
        return (self.vectors @ self.vectorise([text]).T).toarray().ravel()

    def explain(self, text: str, organisation_ids: list[int], limit: int = 6) -> dict[int, list[str]]:
        """For each company, the terms of `text` in its public profile that weigh most in their similarity; a word
        inside a chosen pair ("fall" within "fall detection") is not shown beside it."""
        query, query_terms = self.vectorise([text]), set(terms(text))
        return {org_id: self._shared_terms(query, query_terms, org_id, limit) for org_id in organisation_ids}

    def _shared_terms(self, query: sp.csr_matrix, query_terms: set[str], organisation_id: int, limit: int) -> list[str]:
        row, document = self.row(organisation_id), self.documents.get(organisation_id)
        if row is None or document is None:
            return []
        candidates = sorted(query_terms & set(terms(document.profile_text)))
        company = self.vectors[row]
        weights = [query[0, column] * company[0, column] for column in columns_of(candidates)]
        chosen: list[str] = []
        for weight, term in sorted(zip(weights, candidates), key=lambda item: (-item[0], item[1])):
            if weight <= 0 or any(term in pair.split(" ") for pair in chosen if " " in pair):
                continue
            if " " in term:  # the pair says more than its words chosen before it
                chosen = [word for word in chosen if word not in term.split(" ")]
            chosen.append(term)
            if len(chosen) == limit:
                break
        return chosen


class TextIndex:
    """The process's copy of the index, brought up to date with the database before each use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.state = IndexState()

    def current(self, session) -> IndexState:
        rows = session.connection().execute(sa.select(MatchDocument.organisation_id, MatchDocument.revision))
        revisions = {organisation_id: revision for organisation_id, revision in rows}
        state = self.state
        if revisions == state.revisions:
            return state
        with self._lock:
            if revisions != self.state.revisions:
                self.state = _refreshed(self.state, revisions, session)
            return self.state


class ChallengeCounts:
    """Term counts of the open challenges' texts, kept per process like the companies' index and for the same reason
    (a company's dashboard ranks every open challenge: thousands at platform scale). Each use passes every open
    challenge's (id, revision) as read from the database: a text is counted again only when its revision changed, the
    matrix stacked again only when the list changed, and challenges no longer open are forgotten."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[int, tuple[Hashable, sp.csr_matrix]] = {}
        self._stacked: tuple[tuple, sp.csr_matrix] = ((), sp.csr_matrix((0, N_FEATURES)))

    def matrix(self, heads: list[tuple[int, Hashable]], texts_of: Callable[[list[int]], dict[int, str]]) -> sp.csr_matrix:
        """The count rows of the challenges in `heads`, in that order; `texts_of(ids)` reads the texts that changed."""
        key = tuple(heads)
        if key == self._stacked[0]:
            return self._stacked[1]
        with self._lock:
            stale = [(challenge_id, revision) for challenge_id, revision in heads
                     if self._rows.get(challenge_id, (None,))[0] != revision]
            if stale:
                texts = texts_of([challenge_id for challenge_id, _ in stale])
                counted = COUNTER.transform([texts[challenge_id] for challenge_id, _ in stale])
                self._rows.update({challenge_id: (revision, counted[number])
                                   for number, (challenge_id, revision) in enumerate(stale)})
            self._rows = {challenge_id: self._rows[challenge_id] for challenge_id, _ in heads}
            rows = [self._rows[challenge_id][1] for challenge_id, _ in heads]
            stacked = sp.csr_matrix(sp.vstack(rows, format="csr")) if rows else sp.csr_matrix((0, N_FEATURES))
            self._stacked = (key, stacked)
            return stacked


def _refreshed(state: IndexState, revisions: dict[int, str], session) -> IndexState:
    """`state` with the changed and new documents vectorised again; from scratch when some disappeared (the
    tables were emptied or restored)."""
    if not revisions:
        return IndexState()
    if set(state.revisions) - set(revisions):
        state = IndexState()
    changed = [org_id for org_id, revision in revisions.items() if state.revisions.get(org_id) != revision]
    rows = _fetch(session, changed)
    fresh = COUNTER.transform([row.text for row in rows])
    ids = list(state.ids)
    replaced = sorted((state.row(row.organisation_id), number) for number, row in enumerate(rows)
                      if state.row(row.organisation_id) is not None)
    appended = [number for number, row in enumerate(rows) if state.row(row.organisation_id) is None]
    ids += [rows[number].organisation_id for number in appended]
    counts = sp.csr_matrix(sp.vstack([*_spliced(state.counts, fresh, replaced), fresh[appended]], format="csr"))
    transformer = TfidfTransformer(sublinear_tf=True).fit(counts) if ids else None
    documents = dict(state.documents)
    documents.update({row.organisation_id: _document(row) for row in rows})
    vectors = transformer.transform(counts) if transformer else counts
    return IndexState(revisions=dict(revisions), ids=tuple(ids), counts=counts, vectors=sp.csr_matrix(vectors),
                      transformer=transformer, documents=documents,
                      rows={org_id: number for number, org_id in enumerate(ids)})


def _spliced(counts: sp.csr_matrix, fresh: sp.csr_matrix, replaced: list[tuple[int, int]]) -> list[sp.csr_matrix]:
    """The blocks of `counts` with each replaced row (old row, row of `fresh`) swapped for its fresh one: stacked
    together, one copy of the matrix however many rows changed."""
    blocks, start = [], 0
    for old, new in replaced:
        blocks += [counts[start:old], fresh[new]]
        start = old + 1
    return [*blocks, counts[start:]]


def _document(row) -> Document:
    codes = tuple(row.cpv_codes or ())
    return Document(row.organisation_id, row.profile_text, codes, tuple(row.languages or ()), tuple(row.markets or ()),
                    frozenset(code[:3] for code in codes))


def _fetch(session, organisation_ids: list[int]) -> list:
    """The changed documents' rows as they are now (one written since its revision was read is read in its newer
    form under the older revision: the next use sees the revision differ and reads it again)."""
    columns = (MatchDocument.organisation_id, MatchDocument.text, MatchDocument.profile_text, MatchDocument.cpv_codes,
               MatchDocument.languages, MatchDocument.markets)
    rows = []
    for chunk in chunks(organisation_ids):
        rows += session.execute(sa.select(*columns).where(MatchDocument.organisation_id.in_(chunk))).all()
    return rows


def chunks(ids: list[int]):
    """`ids` in slices short enough for one IN (…) each."""
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]

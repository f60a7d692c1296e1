"""Text features for the text tasks: tokens, mean word vectors, bag-of-words counts.

`tokenize` cleans a text into lower-case word tokens (tweets included: HTML
entities, URLs, @mentions, punctuation, stop words); `mean_vectors` turns
each token list into the mean of its GloVe vectors (report 000 §3, report
004); `bag_of_words` counts words where GloVe has no vectors (Odia, the
obfuscated questions).  Only numpy and the standard library are used.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

# A small English stop-word list. Negations (no, not, nor, dont, ...) are
# deliberately absent: they carry the sentiment in "do not take the vaccine".
_STOP_WORDS_TEXT = """
    a about above after again against all am an and any are as at be because
    been before being below between both but by can could did do does doing
    down during each few for from further had has have having he her here
    hers herself him himself his how i if im in into is it its itself ive
    just me more most my myself of off on once only or other our ours
    ourselves out over own same she should so some such than that thats the
    their theirs them themselves then there these they theyre this those
    through to too under until up very was we were weve what when where which
    while who whom why will with would you youre your yours yourself
    yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")


class _PunctuationTable(dict):
    """A `str.translate` table: punctuation and symbols -> space.

    Letters, combining marks and digits are kept, so scripts such as Odia
    (whose vowel signs are marks, not letters) stay whole. Deleted outright:
    apostrophes, so "don't" becomes "dont" (a GloVe word); invisible format
    characters such as the zero-width joiner used inside Indic words; and
    emoji variation selectors. Entries are computed on first use of each
    character and cached.
    """

    def __missing__(self, code: int) -> int | str | None:
        char = chr(code)
        category = unicodedata.category(char)
        if char in "'\u2019\ufe0e\ufe0f" or category == "Cf":
            value: int | str | None = None
        elif category[0] in "LMN":
            value = code
        else:
            value = " "
        self[code] = value
        return value


_PUNCTUATION = _PunctuationTable()


def tokenize(text: str, remove_stopwords: bool = True) -> list[str]:
    """Split text into lower-case word tokens.

    HTML entities are decoded, URLs and @mentions removed, punctuation and
    symbols (including emoji and '#') turned into spaces, and, by default,
    the words in `STOP_WORDS` dropped. Works for non-Latin scripts too.
    """
    text = html.unescape(text).lower()
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    tokens = text.translate(_PUNCTUATION).split()
    if remove_stopwords:
        tokens = [token for token in tokens if token not in STOP_WORDS]
    return tokens


def mean_vectors(token_lists: Sequence[Sequence[str]], word_index: Mapping[str, int], matrix: np.ndarray) -> np.ndarray:
    """Average the word vectors of each token list: a float32 (N, dim) array.

    Tokens missing from `word_index` are ignored; a text with no known token
    gets a zero vector.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    result = np.zeros((len(token_lists), matrix.shape[1]), dtype=np.float32)
    for i, tokens in enumerate(token_lists):
        rows = [word_index[token] for token in tokens if token in word_index]
        if rows:
            result[i] = matrix[rows].mean(axis=0)
    return result


def bag_of_words(
    token_lists: Sequence[Sequence[str]],
    vocab_size: int = 2000,
    vocab: Sequence[str] | None = None,
    normalize: bool = False,
) -> tuple[np.ndarray, list[str]]:
    """Count how often each vocabulary word occurs in each text.

    Without `vocab`, the vocabulary is the `vocab_size` most frequent tokens
    of `token_lists` (ties broken alphabetically, so it is reproducible).
    Pass the returned vocabulary back in to encode validation or test texts
    with the same columns. Returns (float32 (N, V) matrix, vocabulary list);
    with `normalize=True` each non-empty row is divided by its sum (term
    frequencies). Useful where GloVe has no vectors (e.g. Odia text). The
    matrix is dense: N x V x 4 bytes, so keep V modest.
    """
    if vocab is None:
        counts = Counter(token for tokens in token_lists for token in tokens)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        vocab = [word for word, _ in ranked[:vocab_size]]
    vocab = list(vocab)
    column = {word: j for j, word in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    for i, tokens in enumerate(token_lists):
        for token in tokens:
            j = column.get(token)
            if j is not None:
                rows.append(i)
                cols.append(j)
    matrix = np.zeros((len(token_lists), len(vocab)), dtype=np.float32)
    np.add.at(matrix, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)), 1.0)
    if normalize:
        totals = matrix.sum(axis=1, keepdims=True)
        np.divide(matrix, totals, out=matrix, where=totals > 0)
    return matrix, vocab

"""kpolicy: compare how South Korea's national government and its regions plan AI
and digital innovation, with every figure traced back to its source sentence.

The package follows the data flow::

    corpus.py (files -> documents, rejects) -> normalize.py (text, sentences, offsets)
    -> extract/ (fact tables) -> analysis.py -> charts/ (Altair builders, renderer)
    -> reporting/ (batch file, papermill runner, page templates, interactive layer)

Quick start::

    import kpolicy
    corpus = kpolicy.load_corpus()          # seeds/ by default
    corpus.documents, corpus.sentences, corpus.rejects
"""

from kpolicy.corpus import Corpus, load_corpus
from kpolicy.errors import KpolicyError

__all__ = ["Corpus", "KpolicyError", "load_corpus"]
__version__ = "0.1.0"

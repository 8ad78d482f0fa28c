"""Fact extractors, one module per fact family.

Every extractor is a pure function ``extract_<kind>(sentences) -> DataFrame`` over the
``sentences`` table (columns ``doc_id, sentence_idx, text, char_start, char_end, ...``).
It returns one row per fact with the provenance columns ``doc_id, sentence_idx,
char_start, char_end, surface`` (``char_*`` into the document's normalised text, i.e.
the sentence's ``char_start`` plus the offset inside the sentence) and its own columns.
:func:`kpolicy.facts.build` then adds ``source_start/source_end`` from the offset map and
validates the table against its declared schema.
"""
